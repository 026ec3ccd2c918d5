"""The studio's panel: the images, the settings, Run/Stop, the live view, Save, Compare.

    from nstlib.studio import Studio
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
:class:`~nstlib.core.loop.Result` and ``studio.comparison`` the labelled results of
the last comparison.

:class:`Studio` puts together the parts of the other files (pickers, binding, runner,
compare) and lays them out; it holds the buttons, the status line and Save.

Taught in notebooks/06_tuning_with_widgets.ipynb.
"""

import os
import re
import time
from pathlib import Path

import ipywidgets as widgets

from ..config import DEFAULT_CONTENT, DEFAULT_STYLE
from ..errors import NSTError
from ..io.images import next_free_path, save_image
from ..io.output import output_dir as output_dir_of_project
from .binding import Binding, default_config
from .compare import COMPARE, compare_widgets, parse_values, series, series_report, tile
from .pickers import ImagePicker
from .runner import Runner
from .status import TEXT, error_word, esc, markup, report


def studio(**config_overrides):
    """A Studio, already displayed: ``s = nstlib.studio.studio(steps=100)``.

    Keyword arguments are Config fields (validated). Assign the result (a bare
    ``studio()`` at the end of a cell would show the panel twice).
    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """
    from IPython.display import display

    s = Studio(**config_overrides)
    display(s)
    return s


def _shown_path(path):
    """path relative to the working directory when that is shorter (../output/x.png)."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return rel if len(rel) < len(str(path)) else str(path)


def _slug(text):
    return re.sub(r"[^A-Za-z0-9_.+-]+", "-", str(text)).strip("-") or "image"


def _file_name(names, label=""):
    """CONTENT_STYLE[_label].png, from the images' names (role -> name) and a tile's label."""
    stem = f"{_slug(names.get('content', 'content'))}_{_slug(names.get('style', 'style'))}"
    if label:
        stem += "_" + _slug(label.replace(" = ", "-"))
    return f"{stem}.png"


class Studio:
    """The style-transfer panel. Display it (last line of a cell) to use it.

    ``Studio(config=None, content="golden_gate_bridge", style="van_gogh_the_starry_night",
    output_dir=None, **config_overrides)``: config (default :func:`default_config`)
    sets the sliders; content and style are example names; Save writes to
    output_dir (default: the project's output/, nstlib.io.output.output_dir()).
    Taught in notebooks/06_tuning_with_widgets.ipynb.
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
        self.output_dir = Path(output_dir) if output_dir is not None else output_dir_of_project()
        self.result = None  # the last Result (of a run, or the last of a comparison)
        self.comparison = []  # [(label, Result), ...] of the last comparison
        self.saved = []  # paths written by Save, in order
        self._names = {}  # role -> name of the image in the last run (for file names)
        self._build(config)
        self.panel = _layout(self)
        self._content.select(content)
        self._style.select(style)
        self._set_status("Ready. Pick the images and the settings, then press <b>Run</b>.")
        self._content.watch()  # thumbnails now, then on every change
        self._style.watch()

    # ------------------------------------------------------------------ the widgets
    def _build(self, config):
        """The parts and their widgets, each also an attribute of the Studio."""
        W = widgets
        self._uploads = {}  # picker value "upload:N:name" -> bytes, of both pickers
        self._content = ImagePicker("content", self._uploads, self._set_error)
        self._style = ImagePicker("style", self._uploads, self._set_error)
        for role, part in (("content", self._content), ("style", self._style)):
            for name in ("picker", "upload", "thumb", "credit"):
                setattr(self, f"{role}_{name}", getattr(part, name))
        self._binding = Binding(config)
        for name in Binding.NAMES + ("style_weights",):
            setattr(self, name, getattr(self._binding, name))
        self._runner = Runner(self._set_status, self._set_buttons)
        for name in ("progress", "progress_label", "preview", "plot", "final_image"):
            setattr(self, name, getattr(self._runner, name))
        self.run_button = W.Button(description="Run", icon="play", button_style="success")
        self.stop_button = W.Button(description="Stop", icon="stop", button_style="danger",
                                    disabled=True)
        self.status = W.HTML()
        self.save_button = W.Button(description="Save", icon="save", disabled=True,
                                    tooltip="write the best image to output/ (a new file each time)")
        self.save_label = W.HTML("")
        self.compare_param, self.compare_values, self.compare_button, self.compare_grid = \
            compare_widgets()
        self.run_button.on_click(lambda _: self.run())
        self.stop_button.on_click(lambda _: self.stop())
        self.compare_button.on_click(lambda _: self.compare())
        self.save_button.on_click(lambda _: self._save_clicked())

    def _ipython_display_(self):
        from IPython.display import display

        display(self.panel)

    def _repr_mimebundle_(self, **kwargs):
        if hasattr(self.panel, "_repr_mimebundle_"):  # ipywidgets 8
            return self.panel._repr_mimebundle_(**kwargs)
        # ipywidgets 7 (Colab's 7.7) displays through _ipython_display_; its bundle is this
        return {"text/plain": repr(self.panel),
                "application/vnd.jupyter.widget-view+json": {
                    "version_major": 2, "version_minor": 0, "model_id": self.panel.model_id}}

    # ------------------------------------------------------------------ config <-> widgets
    @property
    def config(self):
        """The settings on the widgets as a validated Config (NSTError if they are not valid).

        Fields without a widget (alpha itself, pooling, noise_ratio, jit_compile) keep
        the values of the last ``set_config``; the α/β ratio slider sets beta = alpha / ratio.
        """
        return self._binding.config

    @config.setter
    def config(self, cfg):
        self.set_config(cfg)

    def set_config(self, cfg=None, **changes):
        """Move the widgets to a Config's values (plus keyword changes, validated).

        Raises NSTError, changing nothing, for a value the panel cannot show (outside a
        slider's range, several content layers, a style layer without a slider).
        """
        return self._binding.set_config(cfg, **changes)

    # ------------------------------------------------------------------ images
    def add_image(self, role, data, name="upload.png"):
        """Add an image (its file's bytes) to a picker and select it, as the Upload button does."""
        (self._content if role == "content" else self._style).take(
            [{"name": name, "content": memoryview(bytes(data))}])

    def _load(self, sources, max_dim):
        """The images of sources ((name, loader) pairs), at max_dim (in the run's thread)."""
        self._set_status(f"Loading the images and VGG-19 ({max_dim} px)…")
        (c_name, c_load), (s_name, s_load) = sources
        self._names = {"content": c_name, "style": s_name}
        return c_load(max_dim), s_load(max_dim)

    # ------------------------------------------------------------------ running
    @property
    def running(self):
        """True from a Run/Compare click until its thread has finished its last update."""
        return self._runner.busy

    @property
    def error(self):
        """The exception that ended the last run, if any (None at the start of each run)."""
        return self._runner.error

    @error.setter
    def error(self, value):
        self._runner.error = value

    def run(self):
        """Start one run with the widgets' settings (what Run does); False if one is running."""
        return self._start(self._plan_run)

    def compare(self, param=None, values=None):
        """Start a comparison (what Compare does): one run per value of one setting.

        param: "ratio", "learning_rate", "content_layer", "tv_weight", "init" or
        "optimizer" (default: the dropdown's); values: a list or a comma-separated
        string (default: the text box). False if a run is going on or a value is invalid.
        """
        return self._start(self._plan_compare, param, values)

    def stop(self):
        """Ask the run (or the whole comparison) to stop after its current step."""
        self._runner.stop()

    def wait(self, timeout=None):
        """Wait for the run's thread to end; True if it has (False on timeout)."""
        return self._runner.wait(timeout)

    def _start(self, plan, *args):
        """Start the job plan(*args) returns; False if one runs or plan fails (its error shown)."""
        try:
            job = plan(*args)  # reads the widgets and the pickers now, in the caller's thread
        except Exception as e:  # noqa: BLE001
            if not self.running:
                self._set_error(e)
            return False
        return self._runner.start(job)

    def _plan_run(self):
        cfg, sources = self.config, (self._content.source(), self._style.source())
        return lambda: self._run_one(cfg, sources)

    def _plan_compare(self, param, values):
        param = param or self.compare_param.value
        values = parse_values(param, self.compare_values.value if values is None else values)
        configs = series(self.config, param, values)
        sources = self._content.source(), self._style.source()
        return lambda: self._run_series(param, configs, sources)

    def _set_buttons(self, running):
        self.run_button.disabled = running
        self.compare_button.disabled = running
        self.stop_button.disabled = not running
        self.save_button.disabled = running or self.result is None

    def _stylize(self, content, style, cfg, what=""):
        """One live run (in the runner's thread); shows and keeps its Result."""
        result = self._runner.stylize(content, style, cfg, what, self.refresh_seconds,
                                      self.plot_seconds)
        self.result = result
        self._runner.show(result, what)
        return result

    def _run_one(self, cfg, sources):
        content, style = self._load(sources, cfg.max_dim)
        c, s = self._names["content"], self._names["style"]
        self._set_status(f"Running: <i>{esc(c)}</i> in the style of "
                         f"<i>{esc(s)}</i>, {cfg.steps} steps at {cfg.max_dim} px…")
        return report(self._stylize(content, style, cfg))

    def _run_series(self, param, configs, sources):
        self.comparison = []
        self.compare_grid.children = ()
        content, style = self._load(sources, configs[0][1].max_dim)
        start = time.perf_counter()
        for i, (label, cfg) in enumerate(configs, 1):
            if self._runner.stop_event.is_set():
                break
            what = f"run {i}/{len(configs)} ({label}): "
            self._set_status(f"Comparing {esc(COMPARE[param][0])}: {esc(what)}"
                             f"{cfg.steps} steps at {cfg.max_dim} px…")
            result = self._stylize(content, style, cfg, what)
            self.comparison.append((label, result))
            self.compare_grid.children += (tile(label, result, self._save_clicked),)
            if result.stopped and not result.diverged:
                break
        return series_report(param, len(self.comparison), len(configs),
                             time.perf_counter() - start, self.result)

    # ------------------------------------------------------------------ saving
    def save(self, result=None, label=""):
        """Write the best image of result (default: the last run) to output_dir; its Path.

        The name is CONTENT_STYLE[_label].png, made unique (name-1.png, ...): a file is
        never overwritten.
        """
        result = result or self.result
        if result is None:
            raise NSTError("Nothing to save yet: press Run first.")
        target = next_free_path(self.output_dir / _file_name(self._names, label))
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
        self.save_label.value = f"Saved <code>{esc(_shown_path(path))}</code>"

    # ------------------------------------------------------------------ status
    def _set_status(self, text, color=TEXT, prefix=""):
        self.status.value = markup(text, color, prefix)

    def _set_error(self, error):
        self._set_status(*error_word(error))

    def close(self):
        """Stop any run and close the widgets."""
        self.stop()
        self.wait(10)
        self.panel.close()


def _layout(s):
    """The panel of Studio s: the images on top, the settings beside the run, Compare below."""
    W = widgets
    for w, name in [
        (s.run_button, "nst-run"), (s.stop_button, "nst-stop"),
        (s.status, "nst-status"), (s.preview, "nst-preview"), (s.plot, "nst-plot"),
        (s.progress, "nst-progress"), (s.progress_label, "nst-progress-label"),
        (s.final_image, "nst-final"), (s.save_button, "nst-save"),
        (s.save_label, "nst-saved"), (s.compare_button, "nst-compare"),
        (s.compare_grid, "nst-comparison"), (s.steps, "nst-steps"),
    ]:
        w.add_class(name)
    images = W.HBox([s._content.box("Content"), s._style.box("Style")],
                    layout=W.Layout(flex_flow="row wrap"))
    settings = W.VBox([
        W.HTML("<b>Settings</b>"), *(getattr(s, n) for n in Binding.NAMES),
        W.HTML("<b>Style layer weights</b> (λ<sub>l</sub>)"), *s.style_weights.values(),
    ], layout=W.Layout(flex="0 0 440px", width="440px", margin="0 16px 0 0"))
    wrap = dict(flex_flow="row wrap", align_items="flex-start")
    live = W.VBox([
        W.HBox([s.run_button, s.stop_button]), s.status,
        W.HBox([s.progress, s.progress_label], layout=W.Layout(**wrap)),
        W.HBox([W.VBox([W.HTML("<b>Live preview</b>"), s.preview]),
                W.VBox([W.HTML("<b>Costs</b>"), s.plot])], layout=W.Layout(**wrap)),
        W.HTML("<b>Best image</b>"), s.final_image,
        W.HBox([s.save_button, s.save_label], layout=W.Layout(**wrap)),
    ], layout=W.Layout(flex="1 1 400px", min_width="300px"))
    compare = W.VBox([
        W.HTML("<b>Compare</b>: one run per value, the other settings as above"),
        W.HBox([s.compare_param, s.compare_button]), s.compare_values, s.compare_grid,
    ])
    panel = W.VBox([images, W.HBox([settings, live], layout=W.Layout(**wrap)), compare])
    panel.add_class("nst-studio")
    return panel
