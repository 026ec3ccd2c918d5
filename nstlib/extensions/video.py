"""Stylizing a video, frame by frame, with less flicker.

    frames = read_frames("clip.gif", max_dim=256)      # nstlib.io.frames
    styled = stylize_video(frames, "kandinsky_composition_vii", steps=100)
    write_frames(styled, "styled.gif", fps=10)

Each frame is stylized on its own with nstlib.stylize. Started from its own content,
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

import numpy as np
from tqdm.auto import tqdm

from ..config import Config
from ..core.transfer import stylize
from ..core.vgg import cached_extractor
from ..errors import NSTError
from ..io.frames import read_frames
from ..io.sources import as_image


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
