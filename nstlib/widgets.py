"""A live style-transfer studio: every hyperparameter on a slider, the image as it forms.

    from nstlib.widgets import Studio
    studio = Studio()          # or Studio(steps=100, max_dim=256): Config overrides
    studio                     # the panel (JupyterLab, Jupyter Notebook, Colab, VS Code)

Pick a content and a style image (an example or your own upload), move the sliders,
press Run: the preview and the cost curves update every few steps while the kernel
stays free. Stop ends the run and keeps the best image so far; Save writes it to
output/ under a new name (never over a file). Compare runs one setting at several
values, one after another, and shows the results side by side.

From Python (tests, scripts): ``studio.config`` reads the sliders into a validated
:class:`~nstlib.config.Config`; ``studio.set_config(cfg)`` moves them;
``studio.run()``/``studio.compare()``/``studio.stop()`` do what the buttons do;
``studio.wait(timeout)`` waits for the run; ``studio.result`` is its
:class:`~nstlib.optimize.Result` and ``studio.comparison`` the labelled results of
the last comparison.

How it works: the run calls :func:`nstlib.optimize.stylize` (the course's one
training loop) in a background ``threading.Thread``. Its callback pushes the preview
PNG, the cost plot and the progress to the widgets from that thread; ipywidgets
sends each change to the browser over the kernel's comm, so the page updates while
the kernel is idle and answers other cells (and the Stop button). Stop sets a
``threading.Event`` that ``stylize`` checks after every step.

Only ipywidgets, so it works wherever ipywidgets does. In Colab run
``from google.colab import output; output.enable_custom_widget_manager()`` once if
the panel does not show. Taught in notebooks/06_tuning_with_widgets.ipynb.
"""

import html
import io
import math
import os
import re
import threading
import time
from pathlib import Path

import ipywidgets as widgets
import numpy as np
from PIL import Image

from . import optimize  # looked up at call time: optimize.stylize, so tests can wrap it
from .config import INITS, OPTIMIZERS, Config, quick
from .data import credit, is_example, list_examples, load_example
from .errors import NSTError
from .images import load_image, next_free_path, save_image, to_uint8
from .model import LAYER_NAMES

DEFAULT_CONTENT = "astronaut"  # scikit-image's: works offline everywhere (as the CLI's)
DEFAULT_STYLE = "hubble_deep_field"
CONV_LAYERS = tuple(n for n in LAYER_NAMES if "conv" in n)
STYLE_LAYER_NAMES = tuple(n for n, _ in Config().style_layers)

# The widgets' ranges: a value outside them cannot be entered.
RATIO_EXP = (0, 10)  # alpha/beta from 1e0 to 1e10 (the default 1e4 balances the costs)
LR_EXP = (-4, 0)  # learning rate from 1e-4 to 1
STEPS_RANGE = (1, 2000)
SIZE_RANGE = (64, 1024, 32)  # min, max, step
SEED_MAX = 2**31 - 1
TV_CHOICES = (0.0,) + tuple(k * 10.0**e for e in range(-3, 4) for k in (1, 3)) + (1e4,)
MAX_COMPARE = 8

# Compare mode: what can be varied, how it is shown, and example values.
COMPARE = {
    "ratio": ("α/β ratio", "1e2, 1e4, 1e6"),
    "learning_rate": ("learning rate", "0.005, 0.02, 0.08"),
    "content_layer": ("content layer", "block2_conv2, block4_conv2, block5_conv2"),
    "tv_weight": ("TV weight", "0, 10, 1000"),
    "init": ("init", "content, noise, style"),
    "optimizer": ("optimizer", "adam, lbfgs"),
}

_STYLE = {"description_width": "130px"}


def _wide():
    return widgets.Layout(width="420px")


def studio(**config_overrides):
    """A Studio, already displayed: ``s = nstlib.widgets.studio(steps=100)``.

    Keyword arguments are Config fields (validated). Assign the result (a bare
    ``studio()`` at the end of a cell would show the panel twice).
    """
    from IPython.display import display

    s = Studio(**config_overrides)
    display(s)
    return s


def default_config():
    """The panel's starting point: Config() at a size that keeps a CPU run interactive.

    256 px on a CPU (about 0.2 s a step), 512 px with a GPU; 64 px in quick mode (CI).
    """
    try:
        import tensorflow as tf

        gpu = bool(tf.config.list_physical_devices("GPU"))
    except Exception:  # no TensorFlow device query: be conservative
        gpu = False
    return Config(max_dim=quick(512 if gpu else 256, 64))


def _png(image, max_side=None):
    """PNG bytes of an image (1, H, W, 3) / (H, W, 3) in [0, 1] or uint8."""
    picture = Image.fromarray(to_uint8(image))
    if max_side and max(picture.size) > max_side:
        picture.thumbnail((max_side, max_side))
    buf = io.BytesIO()
    picture.save(buf, format="PNG")
    return buf.getvalue()


def _placeholder_png(size=64):
    return _png(np.full((size, size, 3), 235, np.uint8))


def _esc(text):
    """text made safe inside an HTML element (quotes stay readable)."""
    return html.escape(str(text), quote=False)


def _one_line(error):
    """An exception as one line: NSTError's own message, else 'Type: message'."""
    text = " ".join(str(error).split())
    if isinstance(error, NSTError):
        return text or "Error."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def plot_costs_png(history, config, width=4.2, height=2.8, dpi=80):
    """PNG bytes of the cost curves: total J, α·J_content, β·J_style (and TV) on a log y axis.

    ``history`` has lists "total", "content", "style", "tv" (as Result.history).
    Drawn with matplotlib's object API on an Agg canvas: no pyplot, so it is safe in
    the run's thread and shows no figure anywhere else.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=dpi)
    fig.subplots_adjust(left=0.17, right=0.97, top=0.95, bottom=0.16)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    n = len(history.get("total", ()))
    steps = np.arange(1, n + 1)
    curves = [
        ("total J", history.get("total", []), 1.0, "black"),
        ("α·J_content", history.get("content", []), config.alpha, "tab:blue"),
        ("β·J_style", history.get("style", []), config.beta, "tab:orange"),
    ]
    if config.tv_weight > 0:
        curves.append(("TV weight·J_tv", history.get("tv", []), config.tv_weight, "tab:green"))
    drawn = []
    for label, values, weight, color in curves:
        y = weight * np.asarray(values, np.float64)
        y = np.where(y > 0, y, np.nan)  # log axis: a zero cost (step 1 from the content) is left out
        if n and np.isfinite(y).any():
            ax.plot(steps, y, label=label, color=color, lw=1.5)
            drawn.append(np.nanmax(y))
    if drawn:
        ax.set_yscale("log")
        # four decades below the top: the first steps' near-zero content cost would squash the rest
        ax.set_ylim(bottom=max(ax.get_ylim()[0], max(drawn) * 1e-4))
        ax.legend(fontsize=8, loc="upper right")
    else:
        ax.text(0.5, 0.5, "the costs appear here", ha="center", va="center", color="gray",
                transform=ax.transAxes)
    ax.set_xlabel("step")
    ax.set_ylabel("cost")
    ax.set_xlim(1, max(n, 2))
    ax.grid(True, which="major", alpha=0.3)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _default_output_dir():
    """output/ of the course: ./output, or ../output from notebooks/ (the repository's)."""
    cwd = Path.cwd()
    for folder in (cwd, cwd.parent):
        if (folder / "output").is_dir():
            return folder / "output"
    return cwd / "output"


def _shown_path(path):
    """path relative to the working directory when that is shorter (../output/x.png)."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return rel if len(rel) < len(str(path)) else str(path)


def _slug(text):
    return re.sub(r"[^A-Za-z0-9_.+-]+", "-", str(text)).strip("-") or "image"


def parse_values(param, text):
    """The values typed for compare mode: '1e2, 1e4' -> [100.0, 10000.0]; NSTError if bad."""
    if param not in COMPARE:
        raise NSTError(f"Cannot compare {param!r}; choose one of {', '.join(COMPARE)}.")
    items = [s for s in re.split(r"[,;\s]+", str(text)) if s]
    if not items:
        raise NSTError(f"Type the values of {COMPARE[param][0]} to compare, e.g. {COMPARE[param][1]}.")
    if len(items) > MAX_COMPARE:
        raise NSTError(f"Compare at most {MAX_COMPARE} values at a time, not {len(items)}.")
    if param in ("ratio", "learning_rate", "tv_weight"):
        values = []
        for s in items:
            try:
                values.append(float(s))
            except ValueError:
                raise NSTError(
                    f"{s!r} is not a number: type the values of {COMPARE[param][0]} "
                    f"separated by commas, e.g. {COMPARE[param][1]}."
                ) from None
        return values
    return items


def _label(param, value):
    name = COMPARE[param][0]
    return f"{name} = {value:g}" if isinstance(value, float) else f"{name} = {value}"


class Studio:
    """The style-transfer panel. Display it (last line of a cell) to use it.

    ``Studio(config=None, content="astronaut", style="hubble_deep_field",
    output_dir=None, **config_overrides)``: config (default :func:`default_config`)
    sets the sliders; content and style are example names; Save writes to
    output_dir (default ./output, or ../output when run from notebooks/).
    """

    # The preview and the cost plot update at most this often (and at the first and last
    # step); drawing the plot takes about 0.1 s of CPU, so it updates less often.
    refresh_seconds = 0.5
    plot_seconds = 1.5

    def __init__(self, config=None, *, content=DEFAULT_CONTENT, style=DEFAULT_STYLE,
                 output_dir=None, **config_overrides):
        config = config or default_config()
        if config_overrides:
            config = config.replace(**config_overrides)
        self.output_dir = Path(output_dir) if output_dir is not None else _default_output_dir()
        self.result = None  # the last Result (of a run, or the last of a comparison)
        self.comparison = []  # [(label, Result), ...] of the last comparison
        self.error = None  # the exception that ended the last run, if any
        self.saved = []  # paths written by Save, in order
        self._uploads = {}  # picker value "upload:N:name" -> bytes
        self._lock = threading.Lock()
        self._busy = False
        self._thread = None
        self._stop = threading.Event()
        self._names = {}  # role -> name of the image in the last run (for file names)
        self._build()
        self.set_config(config)
        for role, name in (("content", content), ("style", style)):
            picker = self.content_picker if role == "content" else self.style_picker
            if name not in [v for _, v in picker.options]:
                raise NSTError(f"{name!r} is not a {role} example; choose one of "
                               f"{', '.join(v for _, v in picker.options)}.")
            picker.value = name
        self._set_status("Ready. Pick the images and the settings, then press <b>Run</b>.")
        for role in ("content", "style"):  # thumbnails now, then on every change
            self._on_pick(role)
            picker = self.content_picker if role == "content" else self.style_picker
            upload = self.content_upload if role == "content" else self.style_upload
            picker.observe(lambda change, role=role: self._on_pick(role), names="value")
            upload.observe(lambda change, role=role, upload=upload:
                           self._on_upload(role, change["new"], upload), names="value")

    # ------------------------------------------------------------------ the widgets
    def _build(self):
        W = widgets
        # images
        self.content_picker, self.content_upload, self.content_thumb, self.content_credit = \
            self._picker("content")
        self.style_picker, self.style_upload, self.style_thumb, self.style_credit = \
            self._picker("style")
        # hyperparameters
        self.ratio = W.FloatLogSlider(
            value=1e4, base=10, min=RATIO_EXP[0], max=RATIO_EXP[1], step=0.25,
            description="α/β ratio", readout_format=".2g", style=_STYLE, layout=_wide(),
            tooltip="content weight α over style weight β: higher keeps more of the content",
        )
        self.learning_rate = W.FloatLogSlider(
            value=0.02, base=10, min=LR_EXP[0], max=LR_EXP[1], step=0.05,
            description="learning rate", readout_format=".3g", style=_STYLE, layout=_wide(),
        )
        self.steps = W.IntSlider(value=300, min=STEPS_RANGE[0], max=STEPS_RANGE[1],
                                 description="steps", style=_STYLE, layout=_wide())
        self.size = W.IntSlider(value=256, min=SIZE_RANGE[0], max=SIZE_RANGE[1], step=SIZE_RANGE[2],
                                description="image size (px)", style=_STYLE, layout=_wide())
        self.tv_weight = W.SelectionSlider(
            options=self._tv_options(TV_CHOICES), value=0.0, description="TV weight",
            style=_STYLE, layout=_wide(),
        )
        self.content_layer = W.Dropdown(options=CONV_LAYERS, value="block4_conv2",
                                        description="content layer", style=_STYLE)
        self.init = W.Dropdown(options=INITS, value="content", description="init", style=_STYLE)
        self.optimizer = W.Dropdown(options=OPTIMIZERS, value="adam", description="optimizer",
                                    style=_STYLE)
        self.seed = W.BoundedIntText(value=0, min=0, max=SEED_MAX, description="seed",
                                     style=_STYLE, layout=W.Layout(width="260px"))
        self.style_weights = {
            name: W.FloatSlider(value=0.2, min=0.0, max=1.0, step=0.05, description=name,
                                readout_format=".2f", style=_STYLE, layout=_wide())
            for name in STYLE_LAYER_NAMES
        }
        # run
        self.run_button = W.Button(description="Run", icon="play", button_style="success")
        self.stop_button = W.Button(description="Stop", icon="stop", button_style="danger",
                                    disabled=True)
        self.status = W.HTML()
        self.progress = W.IntProgress(value=0, min=0, max=1, layout=W.Layout(width="240px"))
        self.progress_label = W.Label("")
        self.preview = W.Image(value=_placeholder_png(), format="png",
                               layout=W.Layout(width="256px", height="auto"))
        self.plot = W.Image(value=plot_costs_png({}, Config(steps=1)), format="png",
                            layout=W.Layout(width="336px", height="auto"))
        # result
        self.final_image = W.Image(value=_placeholder_png(), format="png",
                                   layout=W.Layout(width="256px", height="auto"))
        self.save_button = W.Button(description="Save", icon="save", disabled=True,
                                    tooltip="write the best image to output/ (a new file each time)")
        self.save_label = W.HTML("")
        # compare
        self.compare_param = W.Dropdown(options=[(v[0], k) for k, v in COMPARE.items()],
                                        value="ratio", description="compare", style=_STYLE)
        self.compare_values = W.Text(value=COMPARE["ratio"][1], description="values",
                                     placeholder="comma-separated", style=_STYLE, layout=_wide())
        self.compare_button = W.Button(description="Compare", icon="columns",
                                       button_style="info",
                                       tooltip="one run per value, one after another")
        self.compare_grid = W.GridBox(layout=W.Layout(
            grid_template_columns="repeat(auto-fill, 220px)", grid_gap="8px"))

        for w, name in [
            (self.run_button, "nst-run"), (self.stop_button, "nst-stop"),
            (self.status, "nst-status"), (self.preview, "nst-preview"), (self.plot, "nst-plot"),
            (self.progress, "nst-progress"), (self.progress_label, "nst-progress-label"),
            (self.final_image, "nst-final"), (self.save_button, "nst-save"),
            (self.save_label, "nst-saved"), (self.compare_button, "nst-compare"),
            (self.compare_grid, "nst-comparison"), (self.steps, "nst-steps"),
        ]:
            w.add_class(name)

        self.run_button.on_click(lambda _: self.run())
        self.stop_button.on_click(lambda _: self.stop())
        self.compare_button.on_click(lambda _: self.compare())
        self.save_button.on_click(lambda _: self._save_clicked())
        self.compare_param.observe(self._on_compare_param, names="value")

        images = W.HBox([
            W.VBox([W.HTML("<b>Content</b>"), W.HBox([self.content_picker, self.content_upload]),
                    self.content_thumb, self.content_credit], layout=W.Layout(flex="1 1 380px")),
            W.VBox([W.HTML("<b>Style</b>"), W.HBox([self.style_picker, self.style_upload]),
                    self.style_thumb, self.style_credit], layout=W.Layout(flex="1 1 380px")),
        ], layout=W.Layout(flex_flow="row wrap"))
        settings = W.VBox([
            W.HTML("<b>Settings</b>"), self.ratio, self.learning_rate, self.steps, self.size,
            self.tv_weight, self.content_layer, self.init, self.optimizer, self.seed,
            W.HTML("<b>Style layer weights</b> (λ<sub>l</sub>)"), *self.style_weights.values(),
        ], layout=W.Layout(flex="0 0 440px", width="440px", margin="0 16px 0 0"))
        wrap = dict(flex_flow="row wrap", align_items="flex-start")
        live = W.VBox([
            W.HBox([self.run_button, self.stop_button]), self.status,
            W.HBox([self.progress, self.progress_label], layout=W.Layout(**wrap)),
            W.HBox([W.VBox([W.HTML("<b>Live preview</b>"), self.preview]),
                    W.VBox([W.HTML("<b>Costs</b>"), self.plot])], layout=W.Layout(**wrap)),
            W.HTML("<b>Best image</b>"), self.final_image,
            W.HBox([self.save_button, self.save_label], layout=W.Layout(**wrap)),
        ], layout=W.Layout(flex="1 1 400px", min_width="300px"))
        compare = W.VBox([
            W.HTML("<b>Compare</b>: one run per value, the other settings as above"),
            W.HBox([self.compare_param, self.compare_button]), self.compare_values,
            self.compare_grid,
        ])
        self.panel = W.VBox([images, W.HBox([settings, live], layout=W.Layout(**wrap)), compare])
        self.panel.add_class("nst-studio")

    def _picker(self, role):
        W = widgets
        options = [(f"{e.title} ({e.name})", e.name) for e in list_examples(role)]
        picker = W.Dropdown(options=options, description="", layout=W.Layout(width="280px"))
        upload = W.FileUpload(accept="image/*", multiple=False, description="Upload")
        thumb = W.Image(value=_placeholder_png(), format="png",
                        layout=W.Layout(width="160px", height="auto"))
        credit_html = W.HTML(layout=W.Layout(width="95%"))
        picker.add_class(f"nst-{role}-picker")
        upload.add_class(f"nst-{role}-upload")
        return picker, upload, thumb, credit_html

    @staticmethod
    def _tv_options(values):
        return [("0 (off)" if v == 0 else f"{v:g}", float(v)) for v in sorted(set(values))]

    def _ipython_display_(self):
        from IPython.display import display

        display(self.panel)

    def _repr_mimebundle_(self, **kwargs):
        return self.panel._repr_mimebundle_(**kwargs)

    # ------------------------------------------------------------------ config <-> widgets
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
            max_dim=int(self.size.value),
            tv_weight=float(self.tv_weight.value),
            content_layers=(self.content_layer.value,),
            style_layers=tuple(weights),
            init=self.init.value,
            optimizer=self.optimizer.value,
            seed=int(self.seed.value),
        )

    @config.setter
    def config(self, cfg):
        self.set_config(cfg)

    def set_config(self, cfg=None, **changes):
        """Move the widgets to a Config's values (plus keyword changes, validated).

        Raises NSTError, changing nothing, for a value the panel cannot show (outside a
        slider's range, several content layers, a style layer without a slider).
        """
        cfg = (cfg or self.config).replace(**changes) if changes else (cfg or self.config)
        if not isinstance(cfg, Config):
            raise NSTError(f"set_config takes a Config, not a {type(cfg).__name__}.")
        ratio = cfg.alpha / cfg.beta
        problems = []
        if not 10.0 ** RATIO_EXP[0] <= ratio <= 10.0 ** RATIO_EXP[1]:
            problems.append(f"alpha/beta = {ratio:g} is outside the slider's "
                            f"1e{RATIO_EXP[0]}..1e{RATIO_EXP[1]}")
        if not 10.0 ** LR_EXP[0] <= cfg.learning_rate <= 10.0 ** LR_EXP[1]:
            problems.append(f"learning_rate = {cfg.learning_rate:g} is outside 1e{LR_EXP[0]}..1")
        if not STEPS_RANGE[0] <= cfg.steps <= STEPS_RANGE[1]:
            problems.append(f"steps = {cfg.steps} is outside {STEPS_RANGE[0]}..{STEPS_RANGE[1]}")
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
        if problems:
            raise NSTError("The panel cannot show this Config: " + "; ".join(problems) + ".")
        self._base = cfg
        weights = dict(cfg.style_layers)
        with self._hold():
            self.ratio.value = ratio
            self.learning_rate.value = cfg.learning_rate
            self.steps.value = cfg.steps
            self.size.value = cfg.max_dim
            if float(cfg.tv_weight) not in [v for _, v in self.tv_weight.options]:
                self.tv_weight.options = self._tv_options(TV_CHOICES + (cfg.tv_weight,))
            self.tv_weight.value = float(cfg.tv_weight)
            self.content_layer.value = cfg.content_layers[0]
            self.init.value = cfg.init
            self.optimizer.value = cfg.optimizer
            self.seed.value = cfg.seed
            for name, slider in self.style_weights.items():
                slider.value = weights.get(name, 0.0)
        return cfg

    def _hold(self):
        import contextlib

        stack = contextlib.ExitStack()
        for w in (self.ratio, self.learning_rate, self.steps, self.size, self.tv_weight,
                  self.content_layer, self.init, self.optimizer, self.seed,
                  *self.style_weights.values()):
            stack.enter_context(w.hold_sync())
        return stack

    # ------------------------------------------------------------------ images
    def _on_pick(self, role):
        picker = self.content_picker if role == "content" else self.style_picker
        thumb = self.content_thumb if role == "content" else self.style_thumb
        credit_html = self.content_credit if role == "content" else self.style_credit
        value = picker.value
        try:
            if value in self._uploads:
                image = load_image(io.BytesIO(self._uploads[value]), max_dim=160, min_side=1)
                credit_html.value = f"<small>your upload: {_esc(value.split(':', 2)[2])}</small>"
            else:
                image = load_example(value, max_dim=160)
                credit_html.value = f"<small>{_esc(credit(value))}</small>"
            thumb.value = _png(image)
        except Exception as e:  # noqa: BLE001 - any failure is the user's to see, on one line
            thumb.value = _placeholder_png()
            credit_html.value = ""
            self._set_error(e)

    def _on_upload(self, role, files, upload=None):
        if not files:
            return
        picker = self.content_picker if role == "content" else self.style_picker
        f = files[-1]
        name, data = str(f.get("name") or "upload"), bytes(f["content"])
        if upload is not None:
            upload.value = ()  # empty again, so that the same file can be uploaded again
        try:
            load_image(io.BytesIO(data), min_side=1)  # decodable? (sizes are checked by the run)
        except Exception as e:  # noqa: BLE001
            self._set_error(e)
            return
        key = f"upload:{len(self._uploads)}:{name}"
        self._uploads[key] = data
        picker.options = list(picker.options) + [(f"⬆ {name}", key)]
        picker.value = key  # shows its thumbnail via _on_pick

    def add_image(self, role, data, name="upload.png"):
        """Add an image (its file's bytes) to a picker and select it, as the Upload button does."""
        self._on_upload(role, [{"name": name, "content": memoryview(bytes(data))}])

    def _source(self, role):
        """(name for files, loader(max_dim)) of the picked image, read now (main thread)."""
        value = (self.content_picker if role == "content" else self.style_picker).value
        if value in self._uploads:
            data = self._uploads[value]
            stem = Path(value.split(":", 2)[2]).stem
            return stem, lambda max_dim: load_image(io.BytesIO(data), max_dim=max_dim)
        if not is_example(value):
            raise NSTError(f"Pick a {role} image first.")
        return value, lambda max_dim: load_example(value, max_dim=max_dim)

    # ------------------------------------------------------------------ running
    @property
    def running(self):
        """True from a Run/Compare click until its thread has finished its last update."""
        return self._busy

    def run(self):
        """Start one run with the widgets' settings (what Run does); False if one is running."""
        try:
            cfg = self.config
            sources = self._source("content"), self._source("style")
        except Exception as e:  # noqa: BLE001
            if not self._busy:
                self._set_error(e)
            return False
        return self._start(lambda: self._run_one(cfg, sources))

    def compare(self, param=None, values=None):
        """Start a comparison (what Compare does): one run per value of one setting.

        param: "ratio", "learning_rate", "content_layer", "tv_weight", "init" or
        "optimizer" (default: the dropdown's); values: a list or a comma-separated
        string (default: the text box). False if a run is going on or a value is invalid.
        """
        try:
            param = param or self.compare_param.value
            if values is None:
                values = parse_values(param, self.compare_values.value)
            elif isinstance(values, str):
                values = parse_values(param, values)
            else:
                values = parse_values(param, ", ".join(map(str, values)))
            base = self.config
            configs = [(_label(param, v), self._vary(base, param, v)) for v in values]
            sources = self._source("content"), self._source("style")
        except Exception as e:  # noqa: BLE001
            if not self._busy:
                self._set_error(e)
            return False
        return self._start(lambda: self._run_series(param, configs, sources))

    @staticmethod
    def _vary(cfg, param, value):
        if param == "ratio":
            if value <= 0:
                raise NSTError(f"The α/β ratio must be greater than 0, not {value:g}.")
            return cfg.replace(beta=cfg.alpha / value)
        if param == "content_layer":
            return cfg.replace(content_layers=(value,))
        return cfg.replace(**{param: value})

    def stop(self):
        """Ask the run (or the whole comparison) to stop after its current step."""
        self._stop.set()
        with self._lock:  # never after the run's final word (see _worker)
            if self._busy:
                self._set_status("Stopping after this step…")

    def wait(self, timeout=None):
        """Wait for the run's thread to end; True if it has (False on timeout)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _start(self, job):
        with self._lock:  # a second click while running (or two at once) starts nothing
            if self._busy:
                return False
            self._busy = True
            self._stop.clear()
            self.error = None
            self._thread = threading.Thread(target=self._worker, args=(job,),
                                            name="nstlib-studio", daemon=True)
            self._set_buttons(running=True)
        self._thread.start()
        return True

    def _worker(self, job):
        final = None
        try:
            final = job()  # the status line's final word: (text, color, prefix)
        except Exception as e:  # noqa: BLE001 - shown on the status line, kept in .error
            self.error = e
            final = (_esc(_one_line(e)), "#b00020", "Error:")
        finally:
            with self._lock:
                if final is not None:
                    self._set_status(*final)
                self._busy = False
                self._set_buttons(running=False)

    def _set_buttons(self, running):
        self.run_button.disabled = running
        self.compare_button.disabled = running
        self.stop_button.disabled = not running
        self.save_button.disabled = running or self.result is None

    def _load(self, sources, max_dim):
        (c_name, c_load), (s_name, s_load) = sources
        self._names = {"content": c_name, "style": s_name}
        return c_load(max_dim), s_load(max_dim)

    def _stylize(self, content, style, cfg, what=""):
        """One call of optimize.stylize with the live callback; returns its Result."""
        history = {k: [] for k in optimize.COST_NAMES}
        last = {"preview": 0.0, "plot": 0.0, "progress": 0.0, "first": None}
        self.progress.max = cfg.steps
        self.progress.value = 0

        def callback(step, image, costs):
            for k in history:
                history[k].append(costs[k])
            now = time.perf_counter()
            if last["first"] is None:
                last["first"] = now  # the first step also traces the graph: not timed
            end = step >= cfg.steps
            if end or now - last["progress"] >= 0.1:
                last["progress"] = now
                self.progress.value = step
                rate = f"{(now - last['first']) / (step - 1):.2f} s/step · " if step > 1 else ""
                self.progress_label.value = (
                    f"{what}step {step}/{cfg.steps} · {rate}J = {costs['total']:.3g}"
                )
            if end or step == 1 or now - last["preview"] >= self.refresh_seconds:
                self.preview.value = _png(image, max_side=512)
                last["preview"] = now
            if end or step == 1 or now - last["plot"] >= self.plot_seconds:
                self.plot.value = plot_costs_png(history, cfg)
                last["plot"] = time.perf_counter()  # after drawing: drawing takes time too

        return optimize.stylize(
            content, style, cfg, callback=callback, callback_every=1, stop=self._stop,
            progress=False,
        )

    def _show_result(self, result, what=""):
        self.result = result
        h = result.history
        self.final_image.value = _png(result.best_image, max_side=1024)
        if h["total"]:
            self.plot.value = plot_costs_png(h, result.config)
        self.progress.value = result.steps_done
        self.progress_label.value = (
            f"{what}{result.steps_done}/{result.config.steps} steps in {result.seconds:.1f} s "
            f"({result.seconds_per_step:.2f} s/step)"
        )

    def _run_one(self, cfg, sources):
        self._set_status(f"Loading the images and VGG-19 ({cfg.max_dim} px)…")
        content, style = self._load(sources, cfg.max_dim)
        c, s = self._names["content"], self._names["style"]
        self._set_status(f"Running: <i>{_esc(c)}</i> in the style of "
                         f"<i>{_esc(s)}</i>, {cfg.steps} steps at {cfg.max_dim} px…")
        result = self._stylize(content, style, cfg)
        self._show_result(result)
        return self._report(result)

    @staticmethod
    def _report(result):
        if result.diverged:
            return _esc(result.message), "#a15c00", "Diverged:"
        if result.stopped:
            return (f"{_esc(result.message)} Kept the best image (step "
                    f"{result.best_step}, J = {result.best_cost:.3g}).", "#333", "")
        return (f"{result.steps_done} steps in {result.seconds:.1f} s; best "
                f"J = {result.best_cost:.3g} at step {result.best_step}. "
                "Save it, or change a setting and run again.", "#333", "Done:")

    def _run_series(self, param, configs, sources):
        self.comparison = []
        self.compare_grid.children = ()
        max_dim = configs[0][1].max_dim
        self._set_status(f"Loading the images and VGG-19 ({max_dim} px)…")
        content, style = self._load(sources, max_dim)
        start = time.perf_counter()
        for i, (label, cfg) in enumerate(configs, 1):
            if self._stop.is_set():
                break
            what = f"run {i}/{len(configs)} ({label}): "
            self._set_status(f"Comparing {_esc(COMPARE[param][0])}: {_esc(what)}"
                             f"{cfg.steps} steps at {cfg.max_dim} px…")
            result = self._stylize(content, style, cfg, what)
            self._show_result(result, what)
            self.comparison.append((label, result))
            self.compare_grid.children = self.compare_grid.children + (self._tile(label, result),)
            if result.stopped and not result.diverged:
                break
        done = len(self.comparison)
        seconds = time.perf_counter() - start
        if done < len(configs) or (self.result is not None and self.result.stopped
                                   and not self.result.diverged):
            return (f"Stopped the comparison after {done} of {len(configs)} runs "
                    f"({seconds:.0f} s).", "#333", "")
        return (f"Compared {done} values of {_esc(COMPARE[param][0])} in "
                f"{seconds:.0f} s: the best images are below.", "#333", "Done:")

    def _tile(self, label, result):
        W = widgets
        note = []
        if result.diverged:
            note.append("diverged")
        elif result.stopped:
            note.append(f"stopped at step {result.steps_done}")
        caption = _esc(label) + (f" <small>({', '.join(note)})</small>" if note else "")
        caption += f"<br><small>J = {result.best_cost:.3g}, {result.seconds:.1f} s</small>"
        image = W.Image(value=_png(result.best_image, max_side=512), format="png",
                        layout=W.Layout(width="210px", height="auto"))
        button = W.Button(description="Save", icon="save", layout=W.Layout(width="90px"))
        button.on_click(lambda _: self._save_clicked(result, label))
        tile = W.VBox([image, W.HTML(caption), button])
        tile.add_class("nst-tile")
        return tile

    # ------------------------------------------------------------------ saving
    def save(self, result=None, label=""):
        """Write the best image of result (default: the last run) to output_dir; its Path.

        The name is CONTENT_STYLE[_label].png, made unique (name-1.png, ...): a file is
        never overwritten.
        """
        result = result or self.result
        if result is None:
            raise NSTError("Nothing to save yet: press Run first.")
        stem = f"{_slug(self._names.get('content', 'content'))}_{_slug(self._names.get('style', 'style'))}"
        if label:
            stem += "_" + _slug(label.replace(" = ", "-"))
        target = next_free_path(self.output_dir / f"{stem}.png")
        path = save_image(result.best_image, target)  # refuses to overwrite, even in a race
        self.saved.append(path)
        return path

    def _save_clicked(self, result=None, label=""):
        try:
            path = self.save(result, label)
        except Exception as e:  # noqa: BLE001
            self._set_error(e)
            self.save_label.value = ""
            return
        self.save_label.value = f"Saved <code>{_esc(_shown_path(path))}</code>"

    # ------------------------------------------------------------------ status
    def _set_status(self, text, color="#333", prefix=""):
        head = f"<b>{prefix}</b> " if prefix else ""
        self.status.value = f"<span style='color:{color}'>{head}{text}</span>"

    def _set_error(self, error):
        self._set_status(_esc(_one_line(error)), color="#b00020", prefix="Error:")

    def _on_compare_param(self, change):
        self.compare_values.value = COMPARE[change["new"]][1]

    def close(self):
        """Stop any run and close the widgets."""
        self.stop()
        self.wait(10)
        self.panel.close()
