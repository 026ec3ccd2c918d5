"""The exercises' checks: one call per exercise, one line of verdict.

    >>> gram_matrix = nstlib.checks.check_gram_matrix(gram_matrix)
    ✓ gram_matrix: all checks passed

Each check runs the student's function on fixed, seeded inputs and compares it with
the reference: the package's own version (:mod:`nstlib.core.costs`,
:func:`nstlib.core.vgg.preprocess`, :func:`nstlib.extensions.color.preserve_luminance`)
or, for notebook 02's exercises, one in the check's file. Beyond the value it checks
what the training loop will need later: the result is a ``tf.Tensor`` of the right
shape (not numpy), a gradient flows back through it, and the function also works
inside a ``tf.function`` whose input sizes are unknown and on symbolic Keras tensors
(``keras.Input``). Where it applies, f(A, A) must be 0.

Each ``check_*`` here returns the function the notebook goes on with: the student's
when it passes (also saved in their ``my_functions.py`` for later notebooks,
:mod:`.yours`), the package's version when the exercise is still a stub, with one
line that says so (:mod:`.exercises`). A function that calls the package's version of
its own exercise fails (:mod:`.own_work`).

A failed check raises :class:`CheckFailed` (an ``AssertionError``) whose message
names the likely mistake and how to fix it, e.g. "the value is 4x too large: did you
forget the 4 in 1/(4 n_H n_W n_C)?". In IPython and Jupyter it shows as one line,
without a traceback, yet the cell still fails (an autograder counts it as failed). The
raw check (``check_gram_matrix.raw``) raises :class:`NotImplementedYet` on a stub.

The files:

    exercises.py          the check as a notebook calls it: fallback, keeping
    yours.py              the student's module my_functions.py: keep, load
    own_work.py           a graded function may not call the package's answer
    fallbacks.py          the package's train_step (notebook 05)
    harness.py            what every check shares: CheckFailed, NotImplementedYet,
                          calling the student's code, the tensor, value, gradient,
                          symbolic and f(a, a) = 0 tests
    descent.py            what the checks of optimization loops share (reconstruct,
                          train_step): the optimizer, its errors, frozen weights, clipping
    stand_in.py           StandInExtractor, a tiny random convnet standing in for VGG-19
    nb01_transfer.py      notebook 01: check_preprocess
    nb02_features.py      notebook 02: check_feature_extractor (on the real VGG-19),
                          check_reconstruct
    nb03_content.py       notebook 03: check_content_cost
    nb04_style.py         notebook 04: check_gram_matrix, check_layer_style_cost,
                          check_style_cost, check_position_gram,
                          check_layer_style_cost_any_size
    nb05_optimization.py  notebook 05: check_total_variation, check_total_cost,
                          check_train_step
    nb07_beyond.py        notebook 07: check_preserve_luminance, check_masked_gram
    nb07_video.py         notebook 07 (video): check_warp
    nb08_feedforward.py   notebook 08: check_instance_norm, check_upsample

To check another notebook's exercises, add ``nbNN_<topic>.py`` with its ``check_*``
functions built on the harness, and re-export them below: the notebooks call
``nstlib.checks.check_<exercise>(<exercise>)``.
"""

from .exercises import exercise as _exercise
from .exercises import finished
from .harness import CheckFailed, NotImplementedYet
from .nb01_transfer import check_preprocess
from .nb02_features import check_feature_extractor, check_reconstruct
from .nb03_content import check_content_cost
from .nb04_style import (
    check_gram_matrix,
    check_layer_style_cost,
    check_layer_style_cost_any_size,
    check_position_gram,
    check_style_cost,
)
from .nb05_optimization import check_total_cost, check_total_variation, check_train_step
from .nb06_tuning import check_tuning
from .nb07_beyond import check_masked_gram, check_preserve_luminance
from .nb07_video import check_warp
from .nb08_feedforward import check_instance_norm, check_upsample
from .stand_in import StandInExtractor

# What the notebooks call: each check returns the function to go on with, says so when the
# exercise is unfinished, and keeps a passed one in the student's module (exercises.py).
check_preprocess = _exercise(check_preprocess, "preprocess")
check_feature_extractor = _exercise(check_feature_extractor, "feature_extractor")
check_reconstruct = _exercise(check_reconstruct, "reconstruct")
check_content_cost = _exercise(check_content_cost, "content_cost")
check_gram_matrix = _exercise(check_gram_matrix, "gram_matrix")
check_layer_style_cost = _exercise(check_layer_style_cost, "layer_style_cost")
check_position_gram = _exercise(check_position_gram, "position_gram")
check_layer_style_cost_any_size = _exercise(check_layer_style_cost_any_size, "layer_style_cost_any_size")
check_style_cost = _exercise(check_style_cost, "style_cost")
check_total_variation = _exercise(check_total_variation, "total_variation")
check_total_cost = _exercise(check_total_cost, "total_cost")
check_train_step = _exercise(check_train_step, "train_step")
check_preserve_luminance = _exercise(check_preserve_luminance, "preserve_luminance")
check_masked_gram = _exercise(check_masked_gram, "masked_gram")
check_warp = _exercise(check_warp, "warp")
check_instance_norm = _exercise(check_instance_norm, "instance_norm")
check_upsample = _exercise(check_upsample, "upsample")
check_tuning = _exercise(check_tuning, "tuning")

__all__ = [
    "CheckFailed", "NotImplementedYet", "StandInExtractor", "finished",
    "check_preprocess",
    "check_feature_extractor", "check_reconstruct",
    "check_content_cost",
    "check_gram_matrix", "check_layer_style_cost", "check_style_cost",
    "check_position_gram", "check_layer_style_cost_any_size",
    "check_total_variation", "check_total_cost", "check_train_step",
    "check_tuning",
    "check_preserve_luminance", "check_masked_gram",
    "check_warp",
    "check_instance_norm", "check_upsample",
]
