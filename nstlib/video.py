"""Stylizing a video, frame by frame, with less flicker.

    frames = read_frames("clip.gif", max_dim=256)
    styled = stylize_video(frames, "kandinsky_composition_vii", steps=100)
    write_frames(styled, "styled.gif", fps=10)

Each frame is stylized on its own with optimize.stylize. Started from its own content,
every frame lands in a different local minimum of the cost, so the brush strokes jump
about from frame to frame: flicker. With ``warm_start=True`` frame k starts from the
stylized frame k-1 (``init_image=``), whose strokes it keeps where the content allows:
the video flickers less. The first frame starts from config.init and runs config.steps
steps; the following ones start close to their goal, so they run ``steps_after_first``
steps (default config.steps // 2) at ``learning_rate_after_first`` (default half the
learning rate: at full rate Adam's first steps, about learning_rate on every pixel, kick
the image away from its good start, and a short run may then keep the start itself as
its best image, a frozen copy of the previous frame). The price of warm starts: the
strokes stay where they were, so when the camera moves they lag behind the content
(Ruder et al. 2016, "Artistic style transfer for videos", warp the previous frame
along the optical flow first).

Taught in notebooks/07_beyond_the_basics.ipynb.
"""

import os
import re
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm


from .animation import ANIMATION_FORMATS, _ffmpeg_available, save_gif
from .config import Config
from .errors import NSTError
from .images import load_image, save_image
from .model import cached_extractor
from .optimize import as_image, stylize

VIDEO_SUFFIXES = (".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v")  # read with ffmpeg
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff")


def _natural_key(path):
    """frame_2.png before frame_10.png: numbers in names compare as numbers."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


def read_frames(source, max_dim=None, max_frames=None):
    """The frames of a clip as a list of (1, H, W, 3) float32 tensors in [0, 1].

    source: a GIF (or animated WebP/PNG), a video (.mp4, .mov, ... with imageio-ffmpeg),
    or a folder of images, read in the order of their names (frame_2 before frame_10).
    max_dim: the longest side of every frame; max_frames: read at most that many.
    """
    path = Path(source)
    if not path.exists():
        raise NSTError(f"No such file or folder: {path}. Pass a GIF, a video or a folder of images.")
    if path.is_dir():
        files = sorted((p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES
                        and not p.name.startswith(".")), key=_natural_key)
        if not files:
            raise NSTError(f"The folder {path} has no images ({', '.join(IMAGE_SUFFIXES)}): nothing to read.")
        frames = [load_image(p, max_dim=max_dim) for p in files[:max_frames]]
        names = [p.name for p in files]
    else:
        frames = [load_image(pixels, max_dim=max_dim) for pixels in _decode_clip(path, max_frames)]
        names = [f"frame {i + 1}" for i in range(len(frames))]
    for name, frame in zip(names, frames):
        if frame.shape != frames[0].shape:
            raise NSTError(
                f"The frames of {path} do not all have one size: {names[0]} is "
                f"{frames[0].shape[2]}x{frames[0].shape[1]}, {name} is {frame.shape[2]}x{frame.shape[1]}."
            )
    return frames


def _decode_clip(path, max_frames):
    """The frames (H, W, C) arrays of a GIF or video file."""
    import imageio.v3 as iio

    is_video = path.suffix.lower() in VIDEO_SUFFIXES
    if is_video and not _ffmpeg_available():
        raise NSTError(f"Reading {path} needs the imageio-ffmpeg package (pip install imageio-ffmpeg).")
    frames = []
    try:
        for frame in iio.imiter(path, plugin="FFMPEG" if is_video else "pillow"):
            frames.append(frame)
            if max_frames is not None and len(frames) >= max_frames:
                break
    except Exception as e:  # imageio raises many types for a file it cannot read
        raise NSTError(
            f"{path} could not be read as a clip ({type(e).__name__}: {e}). Use a GIF, "
            f"a video ({', '.join(VIDEO_SUFFIXES)}) or a folder of images."
        ) from None
    if not frames:
        raise NSTError(f"{path} has no frames.")
    return frames


def stylize_video(frames, style, config=None, *, warm_start=True, steps_after_first=None,
                  learning_rate_after_first=None, callback_frame=None, progress=True, **overrides):
    """Stylize every frame; a list of (1, H, W, 3) tensors, one per frame (each run's best_image).

    frames: a list of images (or a path, read with read_frames at config.max_dim).
    warm_start: frame k starts from the stylized frame k-1 and runs steps_after_first
    steps (default config.steps // 2) at learning_rate_after_first (default
    config.learning_rate / 2); without it every frame starts from config.init and
    runs with config's steps and learning rate. callback_frame(index, image) is
    called after each frame; returning True stops (the frames done so far are
    returned, as on Ctrl-C).
    Keyword overrides change the config's fields (steps=50, ...).
    """
    config = (config or Config()).replace(**overrides)
    if isinstance(frames, (str, os.PathLike)):
        frames = read_frames(frames, max_dim=config.max_dim)
    if len(frames) == 0:
        raise NSTError("There are no frames to stylize.")
    style = as_image(style, config.max_dim)
    later = config  # the config of the frames after the first
    if warm_start:
        later = config.replace(
            steps=max(1, config.steps // 2) if steps_after_first is None else steps_after_first,
            learning_rate=learning_rate_after_first or config.learning_rate / 2,
        )
    extractor = cached_extractor(config.layer_names, None, config.pooling, config.preprocess,
                                 config.precision)  # built once for every frame
    outputs = []
    for k, frame in enumerate(tqdm(frames, disable=not progress, desc="video", unit="frame")):
        start = outputs[-1] if warm_start and outputs else None
        result = stylize(frame, style, later if k else config, init_image=start,
                         extractor=extractor, progress=False)
        if result.diverged:
            raise NSTError(f"Frame {k + 1}: {result.message}")
        outputs.append(result.best_image)
        if result.interrupted or (callback_frame is not None and callback_frame(k, result.best_image)):
            break
    return outputs


def frame_change(frames, dx=0):
    """Mean absolute change between consecutive frames (pixels in [0, 1]): the flicker.

    dx > 0 first undoes a pan of dx pixels to the right, so what is left is the change
    that does not follow the motion. Taught in notebooks/07_beyond_the_basics.ipynb.
    """
    width = frames[0].shape[2] - dx
    return float(np.mean([np.abs(np.asarray(now)[:, :, :width] - np.asarray(before)[:, :, dx:]).mean()
                          for before, now in zip(frames, frames[1:])]))


def write_frames(frames, out, fps=10, overwrite=False):
    """Write frames to out: a .gif or .mp4 file (animation.save_gif), or a folder; its Path.

    In a folder the frames are frame_0001.png, frame_0002.png, ... Refuses to replace
    any existing file unless overwrite=True (checked before writing anything).
    """
    out = Path(out)
    if out.suffix.lower() in ANIMATION_FORMATS:
        return save_gif(frames, out, fps=fps, overwrite=overwrite)
    if out.suffix and not out.is_dir():
        raise NSTError(
            f"Cannot write frames to {out}: give a {' or '.join(ANIMATION_FORMATS)} file or a folder."
        )
    if len(frames) == 0:
        raise NSTError("There are no frames to write.")
    digits = max(4, len(str(len(frames))))
    paths = [out / f"frame_{i:0{digits}d}.png" for i in range(1, len(frames) + 1)]
    taken = [p for p in paths if p.exists()]
    if taken and not overwrite:
        raise NSTError(
            f"{taken[0]} exists ({len(taken)} of the frames' names are taken); pass "
            "overwrite=True (CLI: --overwrite) or choose another folder."
        )
    for frame, path in zip(frames, paths):
        save_image(frame, path, overwrite=overwrite)
    return out
