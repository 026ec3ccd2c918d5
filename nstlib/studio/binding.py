"""The settings widgets and the Config they stand for, kept in step both ways.

    binding = Binding(DEFAULT_CONFIG)   # a widget per setting, at the Config's values
    binding.config                # the widgets read into a validated Config
    binding.set_config(cfg)       # the widgets moved to cfg (NSTError if one cannot show it)

Each widget's range is below: a value outside it cannot be entered (it is clamped).
The widgets' values come from a Config only (``set_config``), so every default is the
one written in :mod:`nstlib.config`. Fields without a widget (alpha itself, pooling,
noise_ratio, jit_compile, ...) keep the values of the last ``set_config``.

Taught in notebooks/06_tuning_with_widgets.ipynb.
"""

import contextlib
import math

import ipywidgets as widgets

from ..config import DEFAULT_CONFIG, LAYER_NAMES, STYLE_LAYERS, Config, quick, rule
from ..errors import NSTError

CONV_LAYERS = tuple(n for n in LAYER_NAMES if "conv" in n)
STYLE_LAYER_NAMES = tuple(n for n, _ in STYLE_LAYERS)

# The widgets' ranges (a value outside them cannot be entered): the fields' own (their
# metadata's "widget", nstlib.config), and the α/β ratio's, which is no field of its own.
RATIO_EXP = (0, 10)  # alpha/beta from 1e0 to 1e10 (the default 1e4 balances the costs)
LR_EXP = rule("learning_rate", "widget")  # learning rate from 1e-4 to 1: (min, max, step) exponents
STEPS_RANGE = rule("steps", "widget")
TIME_RANGE = rule("time_budget", "widget")  # seconds: min (0, no budget), max, step
SIZE_RANGE = rule("max_dim", "widget")  # min, max, step
SEED_MAX = rule("seed", "widget")[1]
TV_CHOICES = rule("tv_weight", "widget")

LABEL_STYLE = {"description_width": "130px"}


def wide():
    """The layout of a wide widget (a slider, a text box): 420 px.

    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """
    return widgets.Layout(width="420px")


def default_config():
    """The panel's starting point: the CLI's default preset at a size that keeps a CPU
    run interactive: 256 px on a CPU, 512 px with a GPU; 96 px in quick mode (CI: a 2:1 photo keeps
    VGG-19's 32 px minimum).
    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """
    try:
        import tensorflow as tf

        gpu = bool(tf.config.list_physical_devices("GPU"))
    except Exception:  # no TensorFlow device query: be conservative
        gpu = False
    return DEFAULT_CONFIG.replace(max_dim=quick(512 if gpu else 256, 96))


def tv_options(values):
    """The TV weight slider's options: (label, value) pairs, sorted, "0 (off)" first.

    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """
    return [("0 (off)" if v == 0 else f"{v:g}", float(v)) for v in sorted(set(values))]


class Binding:
    """One widget per setting of a Config, and the Config the widgets show.

    ``Binding(config)`` builds the widgets (``ratio``, ``learning_rate``, ``steps``,
    ``time_budget``, ``size``, ``tv_weight``, ``content_layer``, ``init``, ``optimizer``, ``seed`` and
    ``style_weights``, a dict layer name -> slider) and moves them to config
    (default ``DEFAULT_CONFIG``, the default preset).
    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """

    # the widgets, in the order the panel shows them (style_weights after them)
    NAMES = ("ratio", "learning_rate", "steps", "time_budget", "size", "tv_weight", "content_layer",
             "init", "optimizer", "seed")

    def __init__(self, config=None):
        W = widgets
        self.ratio = W.FloatLogSlider(
            base=10, min=RATIO_EXP[0], max=RATIO_EXP[1], step=0.25,
            description="α/β ratio", readout_format=".2g", style=LABEL_STYLE, layout=wide(),
            tooltip="content weight α over style weight β: higher keeps more of the content",
        )
        self.learning_rate = W.FloatLogSlider(
            base=10, min=LR_EXP[0], max=LR_EXP[1], step=LR_EXP[2],
            description="learning rate", readout_format=".3g", style=LABEL_STYLE, layout=wide(),
        )
        self.steps = W.IntSlider(min=STEPS_RANGE[0], max=STEPS_RANGE[1], step=STEPS_RANGE[2],
                                 description="steps", style=LABEL_STYLE, layout=wide())
        self.time_budget = W.IntSlider(min=TIME_RANGE[0], max=TIME_RANGE[1], step=TIME_RANGE[2],
                                       description="time (s), 0: steps", style=LABEL_STYLE, layout=wide(),
                                       tooltip="a time budget: the steps that fit in it (0: the steps above)")
        self.size = W.IntSlider(min=SIZE_RANGE[0], max=SIZE_RANGE[1], step=SIZE_RANGE[2],
                                description="image size (px)", style=LABEL_STYLE, layout=wide())
        self.tv_weight = W.SelectionSlider(options=tv_options(TV_CHOICES), description="TV weight",
                                           style=LABEL_STYLE, layout=wide())
        self.content_layer = W.Dropdown(options=CONV_LAYERS, description="content layer",
                                        style=LABEL_STYLE)
        self.init = W.Dropdown(options=rule("init", "choices"), description="init", style=LABEL_STYLE)
        self.optimizer = W.Dropdown(options=rule("optimizer", "choices"), description="optimizer", style=LABEL_STYLE)
        self.seed = W.BoundedIntText(min=0, max=SEED_MAX, description="seed", style=LABEL_STYLE,
                                     layout=W.Layout(width="260px"))
        self.style_weights = {
            name: W.FloatSlider(min=0.0, max=1.0, step=0.05, description=name,
                                readout_format=".2f", style=LABEL_STYLE, layout=wide())
            for name in STYLE_LAYER_NAMES
        }
        self.set_config(config or DEFAULT_CONFIG)

    @property
    def widgets(self):
        """Every settings widget, in the panel's order."""
        return (*(getattr(self, n) for n in self.NAMES), *self.style_weights.values())

    @property
    def config(self):
        """The settings on the widgets as a validated Config (NSTError if they are not valid).

        Fields without a widget (alpha itself, pooling, noise_ratio, jit_compile) keep
        the values of the last ``set_config``; the α/β ratio slider sets beta = alpha / ratio.
        """
        base = self._base
        ratio = float(self.ratio.value)
        beta = base.beta if math.isclose(ratio, base.alpha / base.beta, rel_tol=1e-12) \
            else base.alpha / ratio
        weights = [(n, float(s.value)) for n, s in self.style_weights.items()]
        if any(w > 0 for _, w in weights):  # a layer of weight 0 is not computed at all
            weights = [(n, w) for n, w in weights if w > 0]
        return base.replace(
            beta=beta,
            learning_rate=float(self.learning_rate.value),
            steps=int(self.steps.value),
            time_budget=float(self.time_budget.value),
            max_dim=int(self.size.value),
            tv_weight=float(self.tv_weight.value),
            content_layers=(self.content_layer.value,),
            style_layers=tuple(weights),
            init=self.init.value,
            optimizer=self.optimizer.value,
            seed=int(self.seed.value),
        )

    def set_config(self, cfg=None, **changes):
        """Move the widgets to a Config's values (plus keyword changes, validated); the Config.

        Raises NSTError, changing nothing, for a value the panel cannot show (outside a
        slider's range, several content layers, a style layer without a slider).
        """
        cfg = cfg or self.config
        cfg = cfg.replace(**changes) if changes else cfg
        if not isinstance(cfg, Config):
            raise NSTError(f"set_config takes a Config, not a {type(cfg).__name__}.")
        problems = self.problems(cfg)
        if problems:
            raise NSTError("The panel cannot show this Config: " + "; ".join(problems) + ".")
        self._base = cfg
        weights = dict(cfg.style_layers)
        with self.hold():
            self.ratio.value = cfg.alpha / cfg.beta
            self.learning_rate.value = cfg.learning_rate
            self.steps.value = cfg.steps
            self.time_budget.value = round(cfg.time_budget)
            self.size.value = cfg.max_dim
            if float(cfg.tv_weight) not in [v for _, v in self.tv_weight.options]:
                self.tv_weight.options = tv_options(TV_CHOICES + (cfg.tv_weight,))
            self.tv_weight.value = float(cfg.tv_weight)
            self.content_layer.value = cfg.content_layers[0]
            self.init.value = cfg.init
            self.optimizer.value = cfg.optimizer
            self.seed.value = cfg.seed
            for name, slider in self.style_weights.items():
                slider.value = weights.get(name, 0.0)
        return cfg

    def problems(self, cfg):
        """Why the widgets cannot show cfg: a list of phrases, empty if they can."""
        ratio = cfg.alpha / cfg.beta
        problems = []
        if not 10.0 ** RATIO_EXP[0] <= ratio <= 10.0 ** RATIO_EXP[1]:
            problems.append(f"alpha/beta = {ratio:g} is outside the slider's "
                            f"1e{RATIO_EXP[0]}..1e{RATIO_EXP[1]}")
        if not 10.0 ** LR_EXP[0] <= cfg.learning_rate <= 10.0 ** LR_EXP[1]:
            problems.append(f"learning_rate = {cfg.learning_rate:g} is outside 1e{LR_EXP[0]}..1")
        if not STEPS_RANGE[0] <= cfg.steps <= STEPS_RANGE[1]:
            problems.append(f"steps = {cfg.steps} is outside {STEPS_RANGE[0]}..{STEPS_RANGE[1]}")
        if not TIME_RANGE[0] <= cfg.time_budget <= TIME_RANGE[1] or cfg.time_budget != round(cfg.time_budget):
            problems.append(f"time_budget = {cfg.time_budget:g} is not a whole number of seconds in "
                            f"{TIME_RANGE[0]}..{TIME_RANGE[1]}")
        if not SIZE_RANGE[0] <= cfg.max_dim <= SIZE_RANGE[1]:
            problems.append(f"max_dim = {cfg.max_dim} is outside {SIZE_RANGE[0]}..{SIZE_RANGE[1]}")
        if cfg.tv_weight > TV_CHOICES[-1]:
            problems.append(f"tv_weight = {cfg.tv_weight:g} is above {TV_CHOICES[-1]:g}")
        if len(cfg.content_layers) != 1 or cfg.content_layers[0] not in CONV_LAYERS:
            problems.append(f"content_layers = {cfg.content_layers}: the panel takes one conv layer")
        extra = [n for n, _ in cfg.style_layers if n not in self.style_weights]
        if extra:
            problems.append(f"style layer(s) {', '.join(extra)} have no slider "
                            f"(the panel's: {', '.join(STYLE_LAYER_NAMES)})")
        heavy = [n for n, w in cfg.style_layers if w > 1]
        if heavy:
            problems.append(f"style layer weight(s) of {', '.join(heavy)} are above 1")
        return problems

    def hold(self):
        """A context in which the widgets' changes reach the browser at once, at its end."""
        stack = contextlib.ExitStack()
        for w in self.widgets:
            stack.enter_context(w.hold_sync())
        return stack
