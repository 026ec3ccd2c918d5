"""The studio's runs: one at a time, in a background thread, shown live as they go.

    runner = Runner(on_status, on_running)
    runner.start(job)           # job() in a thread named "nstlib-studio"; False if one runs
    runner.stylize(c, s, cfg)   # (inside a job) one stylize() whose callback feeds the widgets
    runner.stop(); runner.wait(timeout)

How it works: a job calls :func:`nstlib.pipeline.stylize` (the course's one training
loop) in a ``threading.Thread``. Its callback pushes the preview PNG, the cost plot and
the progress to the widgets from that thread; ipywidgets sends each change to the
browser over the kernel's comm, so the page updates while the kernel is idle and
answers other cells (and the Stop button). Stop sets a ``threading.Event`` that
``stylize`` checks after every step. A lock makes a second Run click (or two at once)
start nothing, and orders the run's final word after any "Stopping…".

Taught in notebooks/06_tuning_with_widgets.ipynb.
"""

import threading
import time

import ipywidgets as widgets

from .. import pipeline as _pipeline  # looked up at call time, so tests can wrap it
from ..config import Config
from ..core.schedule import plan
from .plots import placeholder_png, plot_costs_png, png
from .status import error_word

THREAD_NAME = "nstlib-studio"


class Runner:
    """Runs jobs one at a time in a background thread, and shows the run on its widgets.

    ``Runner(on_status, on_running)``: on_status(text, color, prefix) writes the status
    line, on_running(running) enables the buttons; both are called under the lock.
    The widgets it updates: ``progress``, ``progress_label``, ``preview`` (the image as it
    forms), ``plot`` (the cost curves) and ``final_image`` (the best image of the run).
    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """

    def __init__(self, on_status, on_running):
        W = widgets
        self.on_status, self.on_running = on_status, on_running
        self.lock = threading.Lock()
        self.busy = False  # True from start() until the thread's last update
        self.thread = None
        self.stop_event = threading.Event()
        self.error = None  # the exception that ended the last job, if any
        self.progress = W.IntProgress(value=0, min=0, max=1, layout=W.Layout(width="240px"))
        self.progress_label = W.Label("")
        self.preview = W.Image(value=placeholder_png(), format="png",
                               layout=W.Layout(width="256px", height="auto"))
        self.plot = W.Image(value=plot_costs_png({}, Config(steps=1)), format="png",
                            layout=W.Layout(width="336px", height="auto"))
        self.final_image = W.Image(value=placeholder_png(), format="png",
                                   layout=W.Layout(width="256px", height="auto"))

    # ------------------------------------------------------------------ the thread
    def start(self, job):
        """Run job() in the background; False (starting nothing) if a job is running.

        job returns the status line's final word (text, color, prefix), or None.
        """
        with self.lock:  # a second click while running (or two at once) starts nothing
            if self.busy:
                return False
            self.busy = True
            self.stop_event.clear()
            self.error = None
            self.thread = threading.Thread(target=self._worker, args=(job,),
                                           name=THREAD_NAME, daemon=True)
            self.on_running(True)
        self.thread.start()
        return True

    def _worker(self, job):
        final = None
        try:
            final = job()  # the status line's final word: (text, color, prefix)
        except Exception as e:  # noqa: BLE001 - shown on the status line, kept in .error
            self.error = e
            final = error_word(e)
        finally:
            with self.lock:
                if final is not None:
                    self.on_status(*final)
                self.busy = False
                self.on_running(False)

    def stop(self):
        """Ask the job's run (or runs) to stop after the current step."""
        self.stop_event.set()
        with self.lock:  # never after the run's final word (see _worker)
            if self.busy:
                self.on_status("Stopping after this step…")

    def wait(self, timeout=None):
        """Wait for the thread to end; True if it has (False on timeout)."""
        thread = self.thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    # ------------------------------------------------------------------ live updates
    def stylize(self, content, style, cfg, what="", refresh_seconds=0.5, plot_seconds=1.5):
        """One call of stylize() with the live callback; returns its Result.

        The preview updates at most every refresh_seconds and the plot every
        plot_seconds (and both at the first and last step); what prefixes the progress.
        The progress counts the steps of every size of a coarse-to-fine run, or, with a
        time budget, the seconds.
        """
        history, count = {}, [0]
        last = {"preview": 0.0, "plot": 0.0, "progress": 0.0, "first": None}
        total = None if cfg.time_budget else sum(stage.steps for stage in plan(cfg))
        self.progress.max = total or 100
        self.progress.value = 0
        start = time.perf_counter()

        def callback(step, image, costs):
            for k, v in costs.items():
                history.setdefault(k, []).append(v)
            count[0] += 1
            now = time.perf_counter()
            if last["first"] is None:
                last["first"] = now  # the first step also traces the graph: not timed
            end = total is not None and count[0] >= total
            if end or now - last["progress"] >= 0.1:
                last["progress"] = now
                self.progress.value = count[0] if total else min(100, 100 * (now - start) / cfg.time_budget)
                self.progress_label.value = f"{what}{_progress_text(count[0], total, now, start, last, cfg)}" \
                                            f" · J = {costs['total']:.3g}"
            if end or count[0] == 1 or now - last["preview"] >= refresh_seconds:
                self.preview.value = png(image, max_side=512)
                last["preview"] = now
            if end or count[0] == 1 or now - last["plot"] >= plot_seconds:
                self.plot.value = plot_costs_png(history, cfg)
                last["plot"] = time.perf_counter()  # after drawing: drawing takes time too

        return _pipeline.stylize(
            content, style, cfg, callback=callback, callback_every=1, stop=self.stop_event,
            progress=False,
        )

    def show(self, result, what=""):
        """Show a finished run: its best image, its whole cost plot, its time."""
        h = result.history
        self.final_image.value = png(result.best_image, max_side=1024)
        if h["total"]:
            self.plot.value = plot_costs_png(h, result.config)
        done = sum(n for _, n, _ in result.stages) or result.steps_done
        self.progress.value = self.progress.max if result.config.time_budget else min(done, self.progress.max)
        sizes = " + ".join(f"{n} steps at {size} px" for size, n, _ in result.stages) or f"{done} steps"
        self.progress_label.value = f"{what}{sizes} in {result.seconds:.1f} s"


def _progress_text(count, total, now, start, last, cfg):
    """'step 12/45 · 0.31 s/step', or with a time budget 'step 12 · 18 s left'."""
    rate = f" · {(now - last['first']) / (count - 1):.2f} s/step" if count > 1 else ""
    if total is None:
        return f"step {count} · {max(0.0, cfg.time_budget - (now - start)):.0f} s left"
    return f"step {count}/{total}{rate}"
