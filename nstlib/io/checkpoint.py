"""Checkpoints: a run's state in one file, so a long run can be stopped and resumed.

A checkpoint is a NumPy .npz file holding the current image, Adam's state (its
moments and step count), the best image so far, the history of the costs, what the
problem was made of besides the content and the styles (the mask, the outside style, the
styles' blend weights), and, as JSON, the Config (the preset's settings, the sizes) and
whatever the caller adds: :func:`nstlib.pipeline.run` adds its whole request (the images'
names, the sizes, the colour mode, the output, what is saved along the way), so a resumed
run continues exactly what was asked, a coarse-to-fine ladder from the size it was at.
Its format has a number, FORMAT: a file of another format, or no
checkpoint at all, gets one clear line. Resuming an Adam run from it continues exactly where
it stopped: same seed, same result as a run that was never interrupted. L-BFGS keeps
its memory inside scipy, so a resumed L-BFGS run starts a fresh L-BFGS from the
saved image.

    nst stylize photo.jpg van_gogh_the_starry_night --checkpoint-every 50 -o out.png
    nst stylize --resume out.ckpt.npz

Files are written atomically (a temporary file, then a rename), so a checkpoint is
never half written, even when the run is killed while saving.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..config import Config
from ..errors import NSTError
from .images import write_atomically

# The checkpoint format: 2 kept the mask, the outside style and the blend weights (1 did not);
# 3 keeps the whole request (nstlib.pipeline.request) in extra["request"], the sizes of a ladder included.
FORMAT = 3


@dataclass
class Checkpoint:
    image: np.ndarray  # (1, H, W, 3): the image to continue from
    best_image: np.ndarray  # (1, H, W, 3)
    best_cost: float
    best_step: int
    history: dict  # {"total": [...], "content": [...], ...}: whatever costs the run recorded
    config: Config
    state: dict = field(default_factory=dict)  # Adam's state {m, v, t, avg, decay} as arrays; {} for L-BFGS
    extra: dict = field(default_factory=dict)
    mask: np.ndarray = None  # (1, H, W, 1) in [0, 1], where the style applies; None: everywhere
    outside_style: np.ndarray = None  # (1, h, w, 3): the style painted outside the mask, or None
    style_weights: list = None  # the blend weights of several styles, or None

    @property
    def steps_done(self):
        return len(self.history.get("total", ()))


def checkpoint_path_for(output):
    """Where the CLI keeps the checkpoint of a run writing `output`: out.png -> out.ckpt.npz."""
    output = Path(output)
    return output.with_name(output.stem + ".ckpt.npz")


def save_checkpoint(path, ckpt):
    """Write ckpt to path atomically (a temporary file in the same folder, then a rename)."""
    meta = {
        "format": FORMAT,
        "config": ckpt.config.to_dict(),
        "style_weights": None if ckpt.style_weights is None else [float(w) for w in ckpt.style_weights],
        "best_cost": ckpt.best_cost,
        "best_step": ckpt.best_step,
        "extra": ckpt.extra,
    }
    arrays = {f"history_{k}": np.asarray(v, np.float64) for k, v in ckpt.history.items()}
    arrays.update({f"state_{k}": np.asarray(v) for k, v in ckpt.state.items()})
    arrays.update({f"input_{k}": np.asarray(getattr(ckpt, k), np.float32) for k in ("mask", "outside_style")
                   if getattr(ckpt, k) is not None})

    def write(tmp):
        with open(tmp, "wb") as f:  # a file object: np.savez would add .npz to a name
            np.savez(f, image=np.asarray(ckpt.image), best_image=np.asarray(ckpt.best_image),
                     meta=np.array(json.dumps(meta)), **arrays)

    return write_atomically(path, write, overwrite=True)  # a run's own state: refreshed in place


def load_checkpoint(path):
    """Read a checkpoint written by save_checkpoint; a clear NSTError if it is not one."""
    path = Path(path)
    if not path.is_file():
        raise NSTError(f"No checkpoint at {path}: give the .ckpt.npz file a run with --checkpoint-every wrote.")
    try:
        with np.load(path, allow_pickle=False) as z:
            if "meta" not in z.files:
                raise NSTError(f"{path} is not an nstlib checkpoint: give the .ckpt.npz file a run with "
                               "--checkpoint-every wrote.")
            meta = json.loads(str(z["meta"]))
            _check_format(path, meta.get("format"))
            arrays = {name: z[name] for name in z.files}
        config = Config(**meta["config"])
    except NSTError:
        raise
    except Exception as e:
        raise NSTError(f"{path} is not a readable nstlib checkpoint ({type(e).__name__}: {e}).") from None
    history = {k.removeprefix("history_"): v.tolist() for k, v in arrays.items() if k.startswith("history_")}
    state = {k.removeprefix("state_"): v for k, v in arrays.items() if k.startswith("state_")}
    return Checkpoint(arrays["image"], arrays["best_image"], meta["best_cost"], meta["best_step"], history, config,
                      state, meta["extra"], mask=arrays.get("input_mask"),
                      outside_style=arrays.get("input_outside_style"), style_weights=meta["style_weights"])


def _check_format(path, version):
    """NSTError unless a checkpoint's format is the one this nstlib reads."""
    if version == FORMAT:
        return
    if version is None or (isinstance(version, int) and version < FORMAT):
        raise NSTError(f"{path} was written by an older nstlib (checkpoint format {version or 1}; this one reads "
                       f"{FORMAT}, which keeps the whole request): start the run again "
                       "(pass --overwrite to replace the checkpoint).")
    raise NSTError(f"{path} was written by a newer nstlib (checkpoint format {version}; this one reads "
                   f"{FORMAT}): upgrade nstlib (pip install -U nstlib) to resume it.")
