"""What the training loop calls after each step: progress, previews, checkpoints, stops.

A callback has three methods, each optional to override:

- ``on_start(run)``: before the first step;
- ``on_step(run, image, costs)``: after each step, with the image *before* that step's
  update and its costs (floats); a returned message ends the run (None goes on);
- ``on_end(run)``: after the last step, however the run ended.

``run`` is the loop's :class:`~nstlib.core.loop.Run`: its history, best image, config.
Taught in notebooks/05_full_optimization.ipynb (the preview is a callback).
"""

from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ..config import CALLBACK_EVERY
from ..io.checkpoint import Checkpoint, save_checkpoint
from ..io.images import next_free_path, save_image


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


class StopRequest(Callback):
    """Ends the run when `stop` (a threading.Event, or a function returning True) says so."""

    def __init__(self, stop):
        self.stop = stop

    def on_step(self, run, image, costs):
        requested = self.stop.is_set() if hasattr(self.stop, "is_set") else bool(self.stop())
        return f"Stopped on request after {run.steps_done} steps." if requested else None


class Checkpointer(Callback):
    """Saves the run's state to `path` every `every` steps, and when it ends early.

    extra: what the caller wants back on resuming (the CLI: the images and the output).
    See nstlib.io.checkpoint.
    """

    def __init__(self, path, every=None, extra=None):
        self.path, self.every, self.extra = path, every, dict(extra or {})

    def on_step(self, run, image, costs):
        if self.every and run.steps_done % self.every == 0:
            self.save(run)

    def on_end(self, run):
        if run.stopped:  # keep what an early end would otherwise lose
            self.save(run)

    def save(self, run):
        state = {} if run.state is None else {k: np.asarray(v) for k, v in run.state._asdict().items()}
        inputs = getattr(run.problem, "inputs", {})  # StyleTransfer's mask, outside style, blend weights
        save_checkpoint(self.path, Checkpoint(
            image=np.asarray(run.image), best_image=np.asarray(run.best_image), best_cost=run.best_cost,
            best_step=run.best_step, history=run.history, config=run.config, state=state, extra=self.extra,
            **{k: None if v is None else (v if k == "style_weights" else np.asarray(v)) for k, v in inputs.items()},
        ))


def picture_path(output, step):
    """Where SaveEvery puts the picture after `step` steps: out.png -> out-step00050.png."""
    output = Path(output)
    return output.with_name(f"{output.stem}-step{step:05d}{output.suffix}")


class SaveEvery(Callback):
    """Saves the current image every `every` steps as a numbered file beside `output`.

    The numbers go on across the sizes of a coarse-to-fine ladder, and after a resume from
    the checkpoint's step. A name already taken gets the next free one (out-step00050-1.png)
    unless overwrite. ``paths``: the files written. This is `nst stylize --save-every N`.
    """

    def __init__(self, output, every, overwrite=False):
        self.output, self.every, self.overwrite = output, every, overwrite
        self.paths, self.count = [], None

    def on_start(self, run):
        if self.count is None:  # the first size's start; later sizes go on counting
            self.count = run.steps_done

    def on_step(self, run, image, costs):
        self.count += 1
        if self.count % self.every == 0:
            path = picture_path(self.output, self.count)
            path = path if self.overwrite else next_free_path(path)
            self.paths.append(save_image(run.image, path, overwrite=self.overwrite))
