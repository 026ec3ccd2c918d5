"""Every hyperparameter of a style transfer, and every rule about them, in one place.

>>> from nstlib import Config
>>> cfg = Config(steps=200, alpha=10, beta=40)
>>> cfg.replace(learning_rate=0.02).learning_rate
0.02

The CLI's flags (``nst stylize --help``), the studio's sliders and ``stylize(...)``'s
keyword overrides all read and write this one object: the CLI generates its flags from
the fields below (their ``help`` and their default), so a default is written only here.
This module imports no TensorFlow, so that ``nst --help`` answers at once.

Taught in notebooks/05_full_optimization.ipynb and notebooks/06_tuning_with_widgets.ipynb.
"""

import dataclasses
import math
import os
from dataclasses import dataclass, field

from .errors import NSTError

# NSTLIB_QUICK=1 (set by the test command) shrinks the notebooks' sizes and steps for CI.
QUICK = os.environ.get("NSTLIB_QUICK", "") not in ("", "0")


def quick(full, small):
    """`small` in quick mode (NSTLIB_QUICK=1, as in CI), `full` otherwise: quick(512, 64)."""
    return small if QUICK else full


# --- VGG-19's layers, and what can be chosen ---------------------------------------------
# The 16 convolutions and 5 poolings of VGG-19, in order.
LAYER_NAMES = tuple(
    f"block{b}_{kind}"
    for b, n_conv in zip(range(1, 6), (2, 2, 4, 4, 4))
    for kind in [f"conv{i}" for i in range(1, n_conv + 1)] + ["pool"]
)
# Five poolings halve the image five times: below this VGG-19's deepest layers are empty.
MIN_SIDE = 32
# Gatys et al.'s style layers with the course's equal weights lambda_l = 0.2.
STYLE_LAYERS = tuple((f"block{b}_conv1", 0.2) for b in range(1, 6))

POOLINGS = ("max", "avg")
PRECISIONS = ("float32", "bfloat16", "auto")
NORMALIZATIONS = ("course", "gatys", "tf-tutorial")
STYLE_LOSSES = ("gram", "w2")
OPTIMIZERS = ("adam", "lbfgs")
INITS = ("content", "noise", "style")

# The studio's TV weight control: per pixel position in the course's normalization (the fast
# preset's 1e5; 1e6 smooths visibly), summed in the tf-tutorial's (its 30): 0 and 0.1 ... 1e6.
TV_CHOICES = (0.0,) + tuple(k * 10.0**e for e in range(-1, 6) for k in (1, 3)) + (1e6,)

# `nst video`'s methods (nstlib.extensions.video) and the temporal cost's default weight.
VIDEO_METHODS = ("flow", "warm", "independent")
# The temporal cost's weight when neither the call nor the config gives one, for Config()'s
# costs (alpha 10, beta 1e-3, course normalization: a total of about 1e7, against a
# temporal cost of about 1e-3). Measured with benchmarks/video.py's clips (96 px, 6
# frames, 30 steps), the warping error as a share of warm starts' (known-motion clip,
# real clip) and the style cost as a share of independent frames' (known-motion clip):
# 1e9: 0.13, 0.42, 0.74; 3e9: 0.09, 0.25, 0.91; 1e10: 0.08, 0.14, 1.16. 3e9 is the
# strongest that keeps the frames as painted as independent ones. Other alphas, betas
# or normalizations need it scaled with their costs.
TEMPORAL_WEIGHT = 3.0e9

# The default pair of `nst stylize` and the studio: the first picture a newcomer sees
# (`bash scripts/run.sh`), chosen to read as a painting of the photo at a glance: the Golden
# Gate Bridge in fog, whose sky and hills take the painting's swirls and strokes while the
# bridge stays sharp, in The Starry Night, the painting the course starts from (notebook 01).
# Both download once from their URLs (sha256-checked, cached) or come from $NSTLIB_DATA_DIR
# offline. (Until 0.2: the astronaut and the Hubble Deep Field, which ship with
# scikit-image, but whose picture stayed a photo with stars in the suit's dark areas; at
# the `fast` defaults the astronaut in The Starry Night also stays mostly a photo.)
DEFAULT_CONTENT = "golden_gate_bridge"
DEFAULT_STYLE = "van_gogh_the_starry_night"


def check_layers(names):
    """Raise NSTError, listing the valid names, for any name that is not a VGG-19 layer."""
    unknown = [str(n) for n in names if n not in LAYER_NAMES]
    if unknown:
        raise NSTError(
            f"Unknown VGG-19 layer name(s): {', '.join(unknown)}. Valid names: {', '.join(LAYER_NAMES)}."
        )


def _setting(default, help, flag=None, choices=None, low=None, high=None, positive=False, widget=None):
    """A Config field and its rules, written once: its default, the help the CLI shows, its flag
    if not --field-name, its choices or its range (low, high; positive: greater than 0), and its
    studio control's range (widget: (min, max, step), or the options). validate(), the CLI's
    flags (nstlib.cli.flags) and the studio's controls (nstlib.studio.binding) read them."""
    return field(default=default, metadata={"help": help, "flag": flag, "choices": choices, "low": low,
                                            "high": high, "positive": positive, "widget": widget})


def rule(name, key):
    """A field's rule from its metadata: rule("steps", "widget") -> (1, 2000, 1)."""
    return Config.__dataclass_fields__[name].metadata[key]


@dataclass(frozen=True)
class Config:
    # what is compared
    content_layers: tuple = _setting(("block4_conv2",), "VGG-19 layer(s) of the content cost, comma-separated")
    style_layers: tuple = _setting(STYLE_LAYERS, "style layers and weights λ_l, e.g. block1_conv1:0.5,block3_conv1:0.5")
    pooling: str = _setting("max", "VGG-19's poolings: max (Keras') or avg (Gatys et al.)", choices=POOLINGS)
    preprocess: bool = _setting(True, "ImageNet preprocessing, as VGG-19 was trained (--no-preprocess feeds [0, 1] pixels)")
    normalization: str = _setting("course", "how the costs are normalized", choices=NORMALIZATIONS)
    style_loss: str = _setting("gram", "gram (Gatys et al.'s Gram matrices) or w2 (Wasserstein-2 between the "
                               "features' Gaussians: means and covariances)", choices=STYLE_LOSSES)
    # how much each cost counts: J = alpha J_content + beta J_style + tv_weight J_tv
    alpha: float = _setting(10.0, "content weight α", positive=True)
    beta: float = _setting(1e-3, "style weight β (the course's 40 assumes [0, 1] inputs; see notebook 05)",
                         positive=True)
    tv_weight: float = _setting(0.0, "total variation weight", low=0.0, widget=TV_CHOICES)
    temporal_weight: float = _setting(0.0, "video: weight of the temporal cost (the frame against the "
                                      "previous stylized frame warped along the optical flow)", low=0.0)
    # how the image is optimized
    optimizer: str = _setting("adam", "adam, or lbfgs (SciPy's L-BFGS-B)", choices=OPTIMIZERS)
    learning_rate: float = _setting(0.02, "Adam's step size, on pixels in [0, 1]", flag="--lr",
                                  positive=True, widget=(-4, 0, 0.05))
    adam_beta1: float = _setting(0.99, "Adam's β1 (the TensorFlow tutorial's; Keras' default is 0.9)",
                               low=0.0, high=0.999999)
    adam_epsilon: float = _setting(0.1, "Adam's ε (the TensorFlow tutorial's; Keras' default is 1e-7)",
                                 positive=True)
    steps: int = _setting(300, "optimization steps", low=1, widget=(1, 2000, 1))
    ema: float = _setting(0.0, "the result is the moving average of the images with this decay, e.g. 0.99 "
                          "(0: the image of lowest cost)", low=0.0, high=0.9999)
    init: str = _setting("content", "the starting image: content, noise (content plus noise) or style", choices=INITS)
    noise_ratio: float = _setting(0.6, "with --init noise: the share of noise", low=0.0, high=1.0)
    max_dim: int = _setting(512, "the longest side of the images, in pixels", flag="--size",
                           low=MIN_SIDE, high=4096, widget=(64, 1024, 32))
    style_scale: float = _setting(1.0, "the style image's size relative to the output's: 0.5 paints "
                                  "larger strokes, 2 smaller ones (its longest side is size × this)", low=0.1, high=4.0)
    # coarse to fine (nstlib.core.schedule): coarse_steps at min_size, min_size * scale_factor, ...
    min_size: int = _setting(0, "coarse to fine: the first size, in pixels (0: one size, max_dim)",
                           low=0, high=4096)
    scale_factor: float = _setting(2.0, "coarse to fine: each size is this many times the last",
                                  low=1.1, high=4.0)
    coarse_steps: int = _setting(100, "coarse to fine: steps at each size below max_dim", low=1)
    detail: bool = _setting(False, "coarse to fine: add the content's fine detail to each upsampled result")
    warm_start: bool = _setting(False, "coarse to fine: Adam keeps its moments (resized) from the last size")
    time_budget: float = _setting(0.0, "seconds the whole run may take (0: no limit); the steps fit it",
                                  flag="--time", low=0.0, widget=(0, 900, 5))
    seed: int = _setting(0, "random seed (of the noise start)", low=0, widget=(0, 2**31 - 1, 1))
    jit_compile: bool = _setting(False, "XLA for the step (see benchmarks/ for when it pays)")
    precision: str = _setting("auto", "VGG-19's arithmetic; auto is bfloat16 on CPUs that have it", choices=PRECISIONS)

    def __post_init__(self):
        # Accept lists (from JSON, widgets) but store tuples, so a Config is hashable.
        object.__setattr__(self, "content_layers", _layer_tuple(self.content_layers))
        object.__setattr__(
            self, "style_layers",
            tuple((str(n), _number(f"the weight of style layer {n}", w)) for n, w in _pairs(self.style_layers)),
        )
        self.validate()

    def replace(self, **changes):
        """A copy with some fields changed (and validated)."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise NSTError(
                f"Unknown setting(s): {', '.join(sorted(unknown))}. "
                f"Known: {', '.join(f.name for f in dataclasses.fields(self))}."
            )
        return dataclasses.replace(self, **changes)

    def to_dict(self):
        return dataclasses.asdict(self)

    @property
    def layer_names(self):
        """Every layer the costs read, content first."""
        return tuple(dict.fromkeys(self.content_layers + tuple(n for n, _ in self.style_layers)))

    def validate(self):
        for f in dataclasses.fields(self):
            _check_field(f, getattr(self, f.name))
        if 0 < self.min_size < MIN_SIDE:
            raise NSTError(f"min_size must be 0 (one size) or at least {MIN_SIDE} pixels, not {self.min_size}.")
        if not self.content_layers:
            raise NSTError("content_layers is empty: name at least one VGG-19 layer, e.g. block4_conv2.")
        if not self.style_layers:
            raise NSTError("style_layers is empty: give at least one (layer name, weight) pair.")
        check_layers(self.layer_names)
        for n, w in self.style_layers:
            _number(f"the weight of style layer {n}", w, low=0.0)
        if sum(w for _, w in self.style_layers) <= 0:
            raise NSTError("The style layers' weights are all zero: give at least one a positive weight.")


# How often stylize() calls its callback, and FrameRecorder records a frame, unless told.
CALLBACK_EVERY = 10


def _check_field(f, value):
    """NSTError unless value keeps the field's rules (its metadata: choices, range, type)."""
    m = f.metadata
    if f.type is bool:
        if not isinstance(value, bool):
            raise NSTError(f"{f.name} must be True or False, not {value!r}.")
    elif m.get("choices"):
        check_choice(f.name, value, m["choices"])
    elif f.type is int:
        _integer(f.name, value, m["low"], m["high"])
    elif m.get("positive"):
        _positive(f.name, value)
    elif m.get("low") is not None:
        _number(f.name, value, m["low"], m["high"])


def _layer_tuple(layers):
    if isinstance(layers, str):
        layers = [s.strip() for s in layers.split(",") if s.strip()]
    return tuple(str(n) for n in layers)


def _pairs(style_layers):
    """(name, weight) pairs from pairs, a dict, or text 'block1_conv1:0.5,block3_conv1:0.5'."""
    if isinstance(style_layers, str):
        try:
            return [(n.strip(), float(w)) for n, w in (item.split(":") for item in style_layers.split(",") if item.strip())]
        except ValueError:
            raise NSTError(
                f"style layers must read name:weight,name:weight, e.g. block1_conv1:0.5,block3_conv1:0.5, "
                f"not {style_layers!r}."
            ) from None
    if isinstance(style_layers, dict):
        return list(style_layers.items())
    try:
        return [(n, w) for n, w in style_layers]
    except (TypeError, ValueError):
        raise NSTError(
            "style_layers must be (layer name, weight) pairs, e.g. "
            "(('block1_conv1', 0.5), ('block3_conv1', 0.5)), or a dict {name: weight}."
        ) from None


def _number(name, value, low=None, high=None):
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise NSTError(f"{name} must be a number, not {value!r}.") from None
    if not math.isfinite(x) or (low is not None and x < low) or (high is not None and x > high):
        rng = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise NSTError(f"{name} must be {rng}, not {value!r}.")
    return x


def _positive(name, value):
    x = _number(name, value)
    if x <= 0:
        raise NSTError(f"{name} must be a number greater than 0, not {value!r}.")


def _integer(name, value, low, high=None):
    if isinstance(value, bool) or not float(_number(name, value)).is_integer():
        raise NSTError(f"{name} must be a whole number, not {value!r}.")
    _number(name, value, low, high)


def check_choice(name, value, allowed):
    """NSTError unless value is one of allowed: "pooling must be one of max, avg, not 'min'."."""
    if value not in allowed:
        raise NSTError(f"{name} must be one of {', '.join(allowed)}, not {value!r}.")


# The main job's default: what stylize(), `nst stylize`, `nst video` and the studio start from
# (nstlib.extensions.presets names it "fast", next to the other presets). The best picture per
# second measured on a float32 CPU (benchmarks/schedules.py): L-BFGS from the content image, few
# iterations, a little total variation so that small sizes stay clean. Config() itself is the
# plain Adam loop notebook 05 teaches (the preset "plain").
DEFAULT_PRESET = "fast"
DEFAULT_CONFIG = Config(optimizer="lbfgs", steps=50, tv_weight=1e5)
