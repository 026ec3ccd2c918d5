"""An exercise's check as the notebook calls it: unfinished is said, not a wall; passed is kept.

``content_cost = nstlib.checks.check_content_cost(content_cost)`` runs the check
(``nbNN_*.py``) and returns the function the rest of the notebook uses:

- the student's, when it passes; it is also saved in the student's module
  (:func:`.yours.keep`) for later notebooks;
- the package's version, when the exercise still holds its stub: one line says so and
  the notebook goes on (Run All reaches the end). Graded, the exercise still scores 0:
  its hidden tests start with :func:`finished`, which fails on the package's version,
  and the later exercises are graded on their own, the notebook going on with the
  package's version of this one;
- a wrong answer, or one that calls the package's version (:mod:`.own_work`), stops
  the cell with the check's one-line hint, as before.
"""

from __future__ import annotations

import functools

from .harness import NotImplementedYet

# exercise -> (notebook, the package's version the notebook goes on with while it is unfinished)
EXERCISES = {
    "preprocess": ("01", "nstlib.core.vgg.preprocess"),
    "feature_extractor": ("02", "nstlib.checks.nb02_features.reference_feature_extractor"),
    "reconstruct": ("02", "nstlib.core.reconstruct.reconstruct"),
    "content_cost": ("03", "nstlib.core.costs.content_cost"),
    "gram_matrix": ("04", "nstlib.core.costs.gram_matrix"),
    "layer_style_cost": ("04", "nstlib.core.costs.layer_style_cost"),
    "position_gram": ("04", "nstlib.core.costs.position_gram"),
    "layer_style_cost_any_size": ("04", "nstlib.checks.nb04_style._any_size_reference"),
    "style_cost": ("04", "nstlib.core.costs.style_cost"),
    "tuning": ("06", "nstlib.checks.nb06_tuning.fast_settings"),
    "total_variation": ("05", "nstlib.core.costs.total_variation_cost"),
    "total_cost": ("05", "nstlib.core.costs.total_cost"),
    "train_step": ("05", "nstlib.checks.fallbacks.train_step"),
    "preserve_luminance": ("07", "nstlib.extensions.color.preserve_luminance"),
    "masked_gram": ("07", "nstlib.core.costs.position_gram"),
    "warp": ("07", "nstlib.extensions.flow.warp"),
    "instance_norm": ("08", "nstlib.checks.nb08_feedforward.reference_instance_norm"),
    "upsample": ("08", "nstlib.checks.nb08_feedforward.reference_upsample"),
}


def fallback(name):
    """The package's version of exercise `name`."""
    from .own_work import resolve

    return resolve(EXERCISES[name][1])


def exercise(check, name):
    """check(fn) as the notebooks call it: returns the function to go on with (see above)."""
    notebook = EXERCISES[name][0]

    @functools.wraps(check)
    def run(fn, *args, **kwargs):
        try:
            check(fn, *args, **kwargs)
        except NotImplementedYet:
            print(
                f"\x1b[1;33m⚠ {name} is not finished yet: replace `raise NotImplementedError()` "
                "(under `# YOUR CODE HERE`) with your code, then run its cell and this one again. "
                f"Until then the cells below use the package's {name}; graded, this exercise "
                "scores 0.\x1b[0m"
            )
            return fallback(name)
        from .yours import keep

        keep(name, fn, notebook)
        return fn

    run.raw = check  # the check itself, which raises NotImplementedYet on a stub
    return run


def finished(fn):
    """Fail (graded: 0 points) if fn is the package's version a check handed out for a stub."""
    from .harness import CheckFailed

    for name in EXERCISES:
        if fn is fallback(name):
            raise CheckFailed(f"{name} is not finished: the notebook went on with the package's version")
