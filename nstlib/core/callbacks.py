"""What the training loop calls after each step: progress, previews, estimates, stops.

A callback has three methods, each optional to override:

- ``on_start(run)``: before the first step;
- ``on_step(run, image, costs)``: after each step, with the image *before* that step's
  update and its costs (floats); a returned message ends the run (None goes on);
- ``on_end(run)``: after the last step, however the run ended.

``run`` is the loop's :class:`~nstlib.core.loop.Run`: its history, best image, config.
The callbacks that write files (checkpoints, pictures along the way) are the application's:
:mod:`nstlib.pipeline.saving`.

Taught in notebooks/05_full_optimization.ipynb (the preview is a callback).
"""

import time

from tqdm.auto import tqdm

from ..config import CALLBACK_EVERY


class Callback:
    """The do-nothing callback; subclass it and override what you need."""

    def on_start(self, run):
        pass

    def on_step(self, run, image, costs):
        return None

    def on_end(self, run):
        pass


class ProgressBar(Callback):
    """A tqdm bar (terminal or notebook) with the total cost every 10 steps.

    keep_open: one bar over several runs (the sizes of a coarse-to-fine ladder), closed
    by close() rather than at the end of each run.
    """

    def __init__(self, total, desc="stylize", keep_open=False):
        self.total, self.desc, self.keep_open, self.bar = total, desc, keep_open, None

    def on_start(self, run):
        if self.bar is None:
            self.bar = tqdm(total=self.total, initial=run.steps_done, desc=self.desc, unit="step")

    def on_step(self, run, image, costs):
        self.bar.update(1)
        if run.steps_done % 10 == 0 or run.steps_done == run.config.steps:
            self.bar.set_postfix(cost=f"{costs['total']:.4g}", refresh=False)

    def on_end(self, run):
        if not self.keep_open:
            self.close()

    def describe(self, desc):
        self.desc = desc
        if self.bar is not None:
            self.bar.set_description(desc, refresh=False)

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class EverySteps(Callback):
    """fn(step, image, costs) every `every` steps and at the last one; True ends the run.

    This is ``stylize(..., callback=fn, callback_every=every)``: previews, animations.
    """

    def __init__(self, fn, every=CALLBACK_EVERY):
        self.fn, self.every = fn, every

    def on_step(self, run, image, costs):
        step = run.steps_done
        if (step % self.every == 0 or step == run.config.steps) and self.fn(step, image, costs):
            return "Stopped by the callback."
        return None


class Estimate(Callback):
    """One line after a run's first steps: how long the whole run will take here, measured on
    the run itself (its own picture, settings and traced step), not on another problem.

    stages: the run's plan, [(size, steps)] smallest first (nstlib.core.schedule.plan, or
    [(max_dim, steps)]); the later sizes' steps are predicted from this one's by their pixels
    (a step's time grows with them). The first step traces the graph and is not counted; the
    line comes after `after` more. With a time budget, the budget is the estimate. A run too
    short to measure says nothing. `nst stylize` shows it above its progress bar.
    """

    def __init__(self, stages, optimizer="adam", time_budget=0.0, after=3, say=tqdm.write):
        self.stages, self.time_budget, self.after, self.say = [tuple(s) for s in stages], time_budget, after, say
        self.unit = "L-BFGS iterations" if optimizer == "lbfgs" else "Adam steps"
        self.said, self.first, self.seen = False, None, 0

    def plan_text(self):
        return " then ".join(f"{n} at {size} px" if not self.time_budget else f"{size} px" for size, n in self.stages)

    def on_start(self, run):
        if self.time_budget and not self.said:
            self.said = True
            self.say(f"{self.unit}: {self.plan_text()}, within its time budget of {self.time_budget:.0f} s.")

    def on_step(self, run, image, costs):
        if self.said:
            return None
        self.seen += 1
        if self.seen == 1:  # the step that traced the graph
            self.first = time.perf_counter()
            return None
        if self.seen < self.after + 1:
            return None
        self.said = True
        per_step = (time.perf_counter() - self.first) / self.after  # (1, H, W, 3): this size's pixels
        size, steps = self.stages[0]
        left = per_step * (steps - run.steps_done) + sum(
            per_step * n * (s / size) ** 2 for s, n in self.stages[1:])
        self.say(f"{self.unit}: {self.plan_text()}, about {format_seconds(left)} more on this machine "
                 f"(this run's steps {self.seen - self.after + 1}-{self.seen} took {per_step:.2f} s each).")
        return None


def format_seconds(seconds):
    """12 s, 3.5 min, 1.2 h."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


class StopRequest(Callback):
    """Ends the run when `stop` (a threading.Event, or a function returning True) says so."""

    def __init__(self, stop):
        self.stop = stop

    def on_step(self, run, image, costs):
        requested = self.stop.is_set() if hasattr(self.stop, "is_set") else bool(self.stop())
        return f"Stopped on request after {run.steps_done} steps." if requested else None
