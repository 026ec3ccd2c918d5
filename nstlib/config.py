"""Every hyperparameter of a style transfer, in one dataclass with plain defaults.

>>> from nstlib import Config
>>> cfg = Config(steps=200, alpha=10, beta=40)
>>> cfg.replace(learning_rate=0.02).learning_rate
0.02

The CLI's flags, the widgets' sliders and ``stylize(...)``'s keyword overrides all
read and write this one object. Taught in notebooks/05_full_optimization.ipynb and
notebooks/06_tuning_with_widgets.ipynb.
"""

import dataclasses
import math
import os
from dataclasses import dataclass

from .costs import NORMALIZATIONS, STYLE_LAYERS
from .errors import NSTError
from .model import LAYER_NAMES, POOLINGS, PRECISIONS

# NSTLIB_QUICK=1 (set by the test command) shrinks the notebooks' sizes and steps for CI.
QUICK = os.environ.get("NSTLIB_QUICK", "") not in ("", "0")


def quick(full, small):
    """`small` in quick mode (NSTLIB_QUICK=1, as in CI), `full` otherwise: quick(512, 64)."""
    return small if QUICK else full


OPTIMIZERS = ("adam", "lbfgs")
INITS = ("content", "noise", "style")


@dataclass(frozen=True)
class Config:
    # what is compared
    content_layers: tuple = ("block4_conv2",)  # Gatys et al.'s conv4_2
    style_layers: tuple = STYLE_LAYERS  # ((layer name, lambda_l), ...)
    pooling: str = "max"  # "max" (Keras' VGG-19) or "avg" (Gatys et al.)
    preprocess: bool = True  # ImageNet preprocessing, as VGG was trained; False feeds [0, 1] pixels
    normalization: str = "course"  # how the costs are normalized: course, gatys, tf-tutorial
    # how much each cost counts: J = alpha J_content + beta J_style + tv_weight J_tv
    alpha: float = 10.0
    beta: float = 1e-3  # the course's 40 assumes [0, 1] inputs, not ImageNet's; see notebook 05
    tv_weight: float = 0.0
    # how the image is optimized
    optimizer: str = "adam"  # "adam" or "lbfgs" (scipy.optimize, L-BFGS-B)
    learning_rate: float = 0.02  # Adam's step size, on pixels in [0, 1]
    adam_beta1: float = 0.99  # the TensorFlow tutorial's; Keras' default is 0.9
    adam_epsilon: float = 0.1  # the TensorFlow tutorial's; Keras' default is 1e-7
    steps: int = 300
    init: str = "content"  # "content", "noise" (content plus noise_ratio of noise), "style"
    noise_ratio: float = 0.6
    max_dim: int = 512  # the longest side of the images, in pixels
    seed: int = 0
    jit_compile: bool = False  # XLA for the step; see benchmarks/ for when it pays
    precision: str = "auto"  # VGG's arithmetic: float32, bfloat16, or auto (bfloat16 where the CPU has it)

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
        for name in ("alpha", "beta", "learning_rate"):
            _positive(name, getattr(self, name))
        _number("tv_weight", self.tv_weight, low=0.0)
        _number("noise_ratio", self.noise_ratio, low=0.0, high=1.0)
        _number("adam_beta1", self.adam_beta1, low=0.0, high=0.999999)
        _positive("adam_epsilon", self.adam_epsilon)
        _choice("normalization", self.normalization, NORMALIZATIONS)
        if not isinstance(self.preprocess, bool):
            raise NSTError(f"preprocess must be True or False, not {self.preprocess!r}.")
        _integer("steps", self.steps, low=1)
        _integer("max_dim", self.max_dim, low=32, high=4096)
        _integer("seed", self.seed, low=0)
        _choice("optimizer", self.optimizer, OPTIMIZERS)
        _choice("init", self.init, INITS)
        _choice("pooling", self.pooling, POOLINGS)
        _choice("precision", self.precision, PRECISIONS)
        if not self.content_layers:
            raise NSTError("content_layers is empty: name at least one VGG-19 layer, e.g. block4_conv2.")
        if not self.style_layers:
            raise NSTError("style_layers is empty: give at least one (layer name, weight) pair.")
        names = list(self.content_layers) + [n for n, _ in self.style_layers]
        unknown = [n for n in names if n not in LAYER_NAMES]
        if unknown:
            raise NSTError(
                f"Unknown VGG-19 layer name(s): {', '.join(unknown)}. Valid names: {', '.join(LAYER_NAMES)}."
            )
        for n, w in self.style_layers:
            _number(f"the weight of style layer {n}", w, low=0.0)
        if sum(w for _, w in self.style_layers) <= 0:
            raise NSTError("The style layers' weights are all zero: give at least one a positive weight.")


def _layer_tuple(layers):
    if isinstance(layers, str):
        layers = [s.strip() for s in layers.split(",") if s.strip()]
    return tuple(str(n) for n in layers)


def _pairs(style_layers):
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


def _choice(name, value, allowed):
    if value not in allowed:
        raise NSTError(f"{name} must be one of {', '.join(allowed)}, not {value!r}.")
