"""Watching an optimization: frames of a run, saved as a GIF (or an MP4).

    recorder = FrameRecorder(every=5)
    result = stylize(content, style, steps=100, callback=recorder, callback_every=recorder.every)
    save_gif(recorder.frames, "run.gif", fps=10)

stylize calls its callback at steps callback_every, 2 callback_every, ... and at the
last step, with the image *before* that step's update (step 1 sees the initial image).
The recorder keeps the image of every step that is a multiple of ``every``: a 20-step
run with every=5 gives 4 frames (steps 5, 10, 15, 20). The initial image is not a frame
of its own; to add one (or the final result), call ``recorder.add(image)``.

Taught in notebooks/07_beyond_the_basics.ipynb.
"""

import numbers
from pathlib import Path

import numpy as np

from ..config import CALLBACK_EVERY
from ..errors import NSTError
from .images import load_image, to_uint8, write_atomically

ANIMATION_FORMATS = (".gif", ".mp4")


class FrameRecorder:
    """A stylize callback that keeps a uint8 frame (H, W, 3) every `every` steps.

    max_dim: if given, frames are shrunk so their longest side is max_dim (a GIF of
    a 512-pixel run is large). ``frames`` is the list of frames, ``steps`` their steps.
    Pass ``callback_every=recorder.every`` (or a divisor of it) to stylize: the
    recorder only sees the steps stylize calls it at.
    """

    def __init__(self, every=CALLBACK_EVERY, max_dim=None):
        if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
            raise NSTError(f"every must be a whole number of steps >= 1, not {every!r}.")
        self.every, self.max_dim = int(every), max_dim
        self.frames, self.steps = [], []

    def __call__(self, step, image, costs=None):
        if step % self.every == 0:
            self.add(image, step)
        return None  # never stops the run

    def add(self, image, step=None):
        """Keep one more frame: an image (1, H, W, 3) or (H, W, 3) in [0, 1], or uint8."""
        frame = to_uint8(image)
        if self.max_dim is not None and max(frame.shape[:2]) > self.max_dim:
            frame = to_uint8(load_image(frame, max_dim=self.max_dim, min_side=1))
        self.frames.append(frame)
        self.steps.append(step)

    def __len__(self):
        return len(self.frames)

    def frames_at_one_size(self):
        """The frames, the earlier ones of a coarse-to-fine run (smaller) resized to the last one's size."""
        from .images import resize_to

        if not self.frames:
            return []
        size = self.frames[-1].shape[:2]
        return [frame if frame.shape[:2] == size else to_uint8(resize_to(load_image(frame, min_side=1), size))
                for frame in self.frames]


def _frames_array(frames):
    """(N, H, W, 3) uint8 of a list of images of one size."""
    frames = [to_uint8(f) for f in frames]
    if not frames:
        raise NSTError("There are no frames to save: record some first (is the recorder the callback?).")
    sizes = sorted({f.shape[:2] for f in frames})
    if len(sizes) > 1:
        raise NSTError(
            f"All frames of an animation must have one size, but they have {len(sizes)}: "
            f"{', '.join(f'{w}x{h}' for h, w in sizes)}. Resize them to one size first."
        )
    return np.stack(frames)


def ffmpeg_available():
    try:
        import imageio_ffmpeg  # noqa: F401
    except ImportError:
        return False
    return True


def save_gif(frames, path, fps=10, overwrite=False, loop=0):
    """Write frames (uint8 (H, W, 3) or images (1, H, W, 3) in [0, 1]) as an animation; its Path.

    path ends in .gif, or .mp4 (H.264, needs the imageio-ffmpeg package; odd sizes are
    padded by one pixel to even ones, as H.264 wants). fps: frames per second. loop:
    how many times a GIF plays, 0 for forever. Like images.save_image, it writes a
    temporary file and renames it, and refuses to replace a file unless overwrite=True.
    A GIF has 256 colours per frame, and Pillow merges consecutive identical frames
    into one longer frame (the animation looks the same, it has fewer frames).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in ANIMATION_FORMATS:
        raise NSTError(
            f"Cannot save an animation as {path}: the name must end in "
            f"{' or '.join(ANIMATION_FORMATS)}, not {path.suffix or '(no extension)'!r}."
        )
    if isinstance(fps, bool) or not isinstance(fps, numbers.Real) or not 0 < fps < float("inf"):
        raise NSTError(f"fps must be a number of frames per second > 0, not {fps!r}.")
    if suffix == ".mp4" and not ffmpeg_available():
        raise NSTError(
            f"Cannot save {path}: writing .mp4 needs the imageio-ffmpeg package "
            "(pip install imageio-ffmpeg). Or save a .gif."
        )
    array = _frames_array(frames)
    return write_atomically(path, lambda tmp: _write(tmp, array, suffix, fps, loop), overwrite)


def _write(tmp, array, suffix, fps, loop):
    import imageio.v3 as iio

    if suffix == ".gif":
        iio.imwrite(tmp, array, extension=".gif", duration=1000.0 / fps, loop=loop)
    else:
        _, h, w, _ = array.shape  # H.264 (yuv420p) needs even sides
        array = np.pad(array, ((0, 0), (0, h % 2), (0, w % 2), (0, 0)), mode="edge")
        iio.imwrite(tmp, array, extension=".mp4", plugin="FFMPEG", fps=fps, macro_block_size=2)
