"""The student's own work: a graded function may not hand its job to the package's answer.

Every exercise has a reference in ``nstlib`` (the check compares with it), and it is
imported in the same notebook: ``return costs.content_cost(a_C, a_G)`` would pass any
test of values. :func:`watching` catches that while the student's function runs: it
follows every Python call (``sys.setprofile``) and fails when the exercise's reference
(:data:`REFERENCES`), or a reference it is built on, runs inside the student's call,
however it was spelt: ``costs.content_cost``, an import under another name, an alias
assigned in another cell, ``getattr`` or the function itself (``content_cost = costs.content_cost``).

The check's own calls of the reference (to compute the expected value) run outside
the student's call, so they are not counted. Code that runs before the watch starts
(a ``tf.function`` traced earlier) is not seen; the checks call the student's function
with new shapes, which traces it again.
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
import inspect
import sys

from .harness import CheckFailed

# exercise -> the dotted paths of the package's (and TensorFlow's) ready-made answers to it
REFERENCES = {
    "preprocess": ("nstlib.core.vgg.preprocess", "keras.applications.vgg19.preprocess_input"),
    "feature_extractor": ("nstlib.core.vgg.FeatureExtractor", "nstlib.core.vgg.cached_extractor",
                          "nstlib.checks.nb02_features.reference_feature_extractor"),
    "reconstruct": ("nstlib.core.reconstruct.reconstruct", "nstlib.checks.nb02_features.reference_reconstruct"),
    "content_cost": ("nstlib.core.costs.content_cost", "nstlib.core.losses.content_distance"),
    "gram_matrix": ("nstlib.core.costs.gram_matrix",),
    "layer_style_cost": ("nstlib.core.costs.layer_style_cost", "nstlib.core.costs.gram_style_cost",
                         "nstlib.core.costs.gram_matrix", "nstlib.core.costs.style_gram"),
    "position_gram": ("nstlib.core.costs.position_gram", "nstlib.core.costs.gram_matrix",
                      "nstlib.core.losses.position_moments"),
    "layer_style_cost_any_size": ("nstlib.core.costs.position_gram", "nstlib.core.costs.gram_matrix",
                                  "nstlib.core.losses.gram_distance", "nstlib.core.losses.style_distance",
                                  "nstlib.checks.nb04_style._any_size_reference"),
    "style_cost": ("nstlib.core.costs.style_cost", "nstlib.core.costs.layer_style_cost",
                   "nstlib.core.costs.gram_style_cost", "nstlib.core.costs.gram_matrix"),
    "total_variation": ("nstlib.core.costs.total_variation_cost", "nstlib.core.losses.tv_distance",
                        "tensorflow.image.total_variation"),
    "total_cost": ("nstlib.core.costs.total_cost",),
    "train_step": ("nstlib.core.loop.adam_step", "nstlib.core.loop.optimize",
                   "nstlib.core.loop.traced_adam_step", "nstlib.checks.fallbacks.train_step"),
    "preserve_luminance": ("nstlib.extensions.color.preserve_luminance",),
    "masked_gram": ("nstlib.core.costs.position_gram", "nstlib.core.losses.position_moments"),
    "warp": ("nstlib.extensions.flow.warp", "nstlib.extensions.flow._sample"),
    "instance_norm": ("nstlib.checks.nb08_feedforward.reference_instance_norm",
                      "nstlib.feedforward.layers.InstanceNormalization",
                      "nstlib.feedforward.layers.InstanceNormalization.call",
                      "keras.layers.GroupNormalization", "keras.layers.LayerNormalization",
                      "keras.layers.BatchNormalization"),
    "upsample": ("nstlib.checks.nb08_feedforward.reference_upsample",
                 "nstlib.feedforward.layers.UpsampleConv", "nstlib.feedforward.layers.UpsampleConv.call",
                 "nstlib.feedforward.layers.ConvBlock", "nstlib.feedforward.layers.ConvBlock.call"),
}

_watched: contextvars.ContextVar = contextvars.ContextVar("own_work_watched", default=None)


def resolve(path):
    """The object at a dotted path such as 'nstlib.core.costs.content_cost'."""
    module, _, rest = path.partition(".")
    obj = importlib.import_module(module)
    for part in rest.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            obj = importlib.import_module(f"{obj.__name__}.{part}")
    return obj


def _codes(obj):
    """The code object of obj's own body (behind tf.function and decorators: not theirs, which
    many functions share), or of its __init__ for a class."""
    if inspect.isclass(obj):
        obj = obj.__dict__.get("__init__")
    for _ in range(20):  # tf.function -> its Python function -> what decorators wrap
        inner = getattr(obj, "python_function", None) or getattr(obj, "__wrapped__", None)
        if inner is None or inner is obj:
            break
        obj = inner
    code = getattr(obj, "__code__", None)
    return {code} if code is not None else set()


def reference_codes(name):
    """{code object: dotted path} of exercise `name`'s references."""
    codes = {}
    for path in REFERENCES.get(name, ()):
        try:
            obj = resolve(path)
        except (ImportError, AttributeError):  # e.g. an optional part not installed
            continue
        for code in _codes(obj):
            codes.setdefault(code, path)
    return codes


def delegation_failure(name, path):
    return CheckFailed(
        f"{name} calls a ready-made answer ({path}) instead of computing it itself: "
        "that is the reference the check compares with, and a graded exercise that calls it "
        f"scores 0. Write {name} with TensorFlow operations (and your own functions from "
        "earlier exercises)"
    )


@contextlib.contextmanager
def watching(name):
    """Fail if one of exercise `name`'s references runs inside the with block.

    Nested watches (a check calling run_student inside another) share the outer one.
    """
    if _watched.get() is not None or name not in REFERENCES:
        yield
        return
    codes = reference_codes(name)
    seen = []

    def profile(frame, event, arg):
        if event == "call" and frame.f_code in codes:
            seen.append(codes[frame.f_code])
        return previous(frame, event, arg) if previous is not None else None

    previous = sys.getprofile()
    token = _watched.set(name)
    sys.setprofile(profile)
    try:
        yield
    except Exception:
        if seen:  # the delegation is the story, whatever failed after it
            raise delegation_failure(name, seen[0]) from None
        raise
    finally:
        sys.setprofile(previous)
        _watched.reset(token)
    if seen:
        raise delegation_failure(name, seen[0])


def expect_own_work(name, fn):
    """Fail at once if fn *is* a reference of exercise `name` (e.g. gram_matrix = costs.gram_matrix)."""
    codes = reference_codes(name)
    for code in _codes(fn):
        if code in codes:
            raise delegation_failure(name, codes[code])
