"""The check of notebooks/06_tuning_with_widgets.ipynb: ``check_tuning``.

Not a function this time but a choice of settings: ``check_tuning(settings)`` runs a short
style transfer with them (the ``fast`` preset changed by ``settings``: L-BFGS from the
content, :data:`STEPS` iterations at :data:`SIZE` px, float32) on notebook 06's pair and
measures the result with the project's yardstick (:mod:`nstlib.yardstick`, issue 14),
the one the benchmarks use:

- the **content distance**: the mean squared difference of Keras' VGG-19 activations at
  ``block4_conv2`` between the result and the photo (lower: more faithful);
- the **style ratio**: the mean over ``block1_conv1`` .. ``block5_conv1`` of the mean
  squared difference of the Gram matrices (each divided by C·H·W) to the painting's,
  divided by the same distance for the photo itself (lower: more painted).

Both must be under their targets (:data:`CONTENT_TARGET`, :data:`STYLE_TARGET`). The
``fast`` preset's own weights paint too much for the content target; a smaller α/β
reaches both (measured on a 2-core x86 CPU, float32: the defaults give a content distance
of 5.2e5 at a style ratio of 0.052). The check takes a few seconds on a CPU, in quick
mode and in full mode alike.
"""

import numbers

from ..errors import NSTError
from .harness import CheckFailed, quiet, run_student

CONTENT, STYLE = "golden_gate_bridge", "van_gogh_the_starry_night"  # notebook 06's pair
SIZE, STEPS = 96, 20  # the longest side in pixels, and L-BFGS iterations
CONTENT_TARGET = 4.7e5  # the content distance must be under this
STYLE_TARGET = 0.075  # and the style ratio under this

NUMBERS = ("alpha", "beta", "tv_weight")
LAYERS = ("style_layers", "content_layers")
ALLOWED = NUMBERS + LAYERS

_cache = {}


def _config(settings):
    """The fast preset with `settings`, at the check's size and steps; CheckFailed on a bad dict."""
    from ..extensions.presets import preset

    if not isinstance(settings, dict):
        raise CheckFailed(
            f"the settings must be a dict such as {{'beta': ...}}, not a {type(settings).__name__}"
        )
    unknown = sorted(str(k) for k in settings if k not in ALLOWED)
    if unknown:
        raise CheckFailed(
            f"unknown setting(s) {', '.join(repr(k) for k in unknown)}: choose among {', '.join(ALLOWED)}"
        )
    for key in NUMBERS:
        if key in settings:
            value = settings[key]
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise CheckFailed(
                    f"{key} must be a number (e.g. 1e-3), not the {type(value).__name__} {value!r}"
                )
    layers = settings.get("content_layers", ())
    if isinstance(layers, str):
        layers = (layers,)
    if not isinstance(layers, (list, tuple)) or not all(isinstance(n, str) for n in layers):
        raise CheckFailed(
            f"content_layers must be a tuple of layer names, e.g. ('block4_conv2',), not {settings['content_layers']!r}"
        )
    try:
        return preset("fast", max_dim=SIZE, steps=STEPS, precision="float32", **settings)
    except NSTError as e:
        raise CheckFailed(f"these settings are not a valid Config: {e}") from None


def _yardstick():
    """The yardstick (nstlib.yardstick) for notebook 06's pair at SIZE px; built once."""
    if "judge" not in _cache:
        from ..yardstick import Yardstick

        _cache["judge"] = Yardstick(CONTENT, STYLE, size=SIZE)
    return _cache["judge"]


def measure(settings):
    """Run the check's style transfer with `settings` and measure it: a dict with
    ``content_distance`` and ``style_ratio`` (the yardstick's), and ``config``."""
    from ..pipeline import stylize

    config = _config(settings)
    with quiet():
        judge = _yardstick()
        result = stylize(judge.content, STYLE, config, progress=False)
        if result.diverged:
            raise CheckFailed(f"the run did not finish: {result.message}")
        measured = judge(result.best_image)
    return {**measured, "config": config}


def _over(value, target):
    return f"{value:.3g}, {100 * (value / target - 1):.0f} % above the target {target:.3g}"


def fast_settings():
    """The fast preset's own settings (none changed): what notebook 06 goes on with while the
    exercise is unfinished."""
    return {}


def check_tuning(tuning):
    """Check that the settings reach both targets on notebook 06's pair; return the measures.

    tuning: the student's function returning the settings (or the settings themselves), a
    dict of some of alpha, beta, tv_weight, style_layers, content_layers (the fast preset's
    value for the others). Raises CheckFailed, naming the missed target, by how much and
    which way to move, otherwise prints one line and returns the measures.
    """
    settings = run_student("tuning", tuning) if callable(tuning) else tuning
    m = measure(settings)
    content, style = m["content_distance"], m["style_ratio"]
    content_missed, style_missed = content >= CONTENT_TARGET, style >= STYLE_TARGET
    if content_missed and style_missed:
        raise CheckFailed(
            f"both targets missed: the content distance is {_over(content, CONTENT_TARGET)} and the "
            f"style ratio {_over(style, STYLE_TARGET)}; α/β trades one for the other, so something "
            "else holds both back: start again from the fast preset's tv_weight and style layers, "
            "then move α/β alone"
        )
    if content_missed:
        raise CheckFailed(
            f"content target missed: the content distance is {_over(content, CONTENT_TARGET)} "
            f"(the style ratio, {style:.3g}, is within its target): the painting wins too much; give the "
            "content more weight against the style (a larger α/β), a step at a time, since the style "
            "ratio rises as you go"
        )
    if style_missed:
        raise CheckFailed(
            f"style target missed: the style ratio is {_over(style, STYLE_TARGET)} (the content "
            f"distance, {content:.3g}, is within its target): the photo wins too much; give the style "
            "more weight against the content (a smaller α/β, and weight on all five style layers, "
            "which the yardstick compares), a step at a time, since the content distance rises as you go"
        )
    print(f"✓ tuning: both targets reached: content distance {content:.3g} < {CONTENT_TARGET:.3g}, "
          f"style ratio {style:.3g} < {STYLE_TARGET:.3g}")
    return m
