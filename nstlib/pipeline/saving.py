"""The callbacks that write files during a run: checkpoints and the pictures along the way.

    Checkpointer("out.ckpt.npz", every=20, extra={"request": request.to_dict()})
    SaveEvery("out.png", every=50)   # out-step00050.png, out-step00100.png, ...

They are the application's, not the algorithm's (:mod:`nstlib.core` writes no file):
:func:`nstlib.pipeline.run` adds them when its request asks for them. The file formats are
:mod:`nstlib.io.checkpoint`'s and :mod:`nstlib.io.images`'.

Taught in notebooks/07_beyond_the_basics.ipynb.
"""

from pathlib import Path

import numpy as np

from ..core.callbacks import Callback
from ..io.checkpoint import Checkpoint, save_checkpoint
from ..io.images import next_free_path, save_image


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

    def __init__(self, output, every, overwrite=False, offset=0):
        self.output, self.every, self.overwrite, self.offset = output, every, overwrite, offset
        self.paths, self.count = [], None

    def on_start(self, run):
        if self.count is None:  # the first size's start; later sizes go on counting
            self.count = self.offset + run.steps_done  # offset: a resumed ladder's earlier sizes

    def on_step(self, run, image, costs):
        self.count += 1
        if self.count % self.every == 0:
            path = picture_path(self.output, self.count)
            path = path if self.overwrite else next_free_path(path)
            self.paths.append(save_image(run.image, path, overwrite=self.overwrite))
