"""Stylizing a video, frame by frame, with less flicker: three methods.

    frames = read_frames("clip.gif", max_dim=256)      # nstlib.io.frames
    styled = stylize_video(frames, "kandinsky_composition_vii", method="flow", steps=100)
    write_frames(styled, "styled.gif", fps=10)

- ``independent``: each frame is stylized on its own, from config.init. Every frame lands
  in a different local minimum of the cost, so the brush strokes jump about: flicker.
- ``warm``: frame t starts from the stylized frame t-1 and keeps its strokes where the
  content allows. It flickers less, but the strokes stay where they were *on the
  screen*: when the camera moves the scene slides under them.
- ``flow`` (Ruder, Dosovitskiy and Brox 2016, "Artistic style transfer for videos"):
  the stylized frame t-1 is first moved along the optical flow of the input frames
  (nstlib.extensions.flow), so its strokes follow the scene; frame t starts from it, and
  a temporal cost ``temporal_weight · mean(c (x − warped)²)`` keeps it there, with c = 0
  where the warp does not hold (disocclusions, motion boundaries, what enters the view).
  Where the scene was not seen in frame t-1 (disoccluded, or entering the view: no
  stroke to carry over) the start is what config.init starts a new frame from (the
  frame's content by default), which the run then paints; at motion boundaries the
  warped stroke is kept as the start, but not held by the cost. The warp is cubic:
  a bilinear one blurs the strokes a little more at every frame.

The first frame starts from config.init and runs config.steps steps; with ``warm`` and
``flow`` the following ones start close to their goal, so they run ``steps_after_first``
steps (default config.steps // 2) and, with Adam, at ``learning_rate_after_first``
(default half the learning rate: at full rate Adam's first steps, about learning_rate
on every pixel, kick the image away from its good start). ``independent`` frames all
run config's steps. One feature extractor serves every frame, and frames of one
structure reuse one traced step.

``warping_error`` is the yardstick: how much of stylized frame t is *not* stylized frame
t-1 moved along the input's flow, over the pixels that were visible in both.

Taught in notebooks/07_beyond_the_basics.ipynb.
"""

import os

import numpy as np
import tensorflow as tf
from tqdm.auto import tqdm

from ..config import DEFAULT_CONFIG, MIN_SIDE, TEMPORAL_WEIGHT, VIDEO_METHODS, check_choice
from ..core.problem import initial_image
from ..core.vgg import cached_extractor
from ..errors import NSTError
from ..io.frames import check_frames, read_frames
from ..io.sources import as_image
from ..pipeline import stylize
from . import flow as optical

# The methods and the temporal cost's default weight are nstlib.config's VIDEO_METHODS and
# TEMPORAL_WEIGHT (where `nst video --help` reads them without TensorFlow), named here too.
METHODS = VIDEO_METHODS


def default_method():
    """"flow" when OpenCV (nstlib[video]) is installed, else "warm": stylize_video's and
    `nst video`'s default. Taught in notebooks/07_beyond_the_basics.ipynb."""
    return "flow" if optical.opencv_available() else "warm"


def stylize_video(frames, style, config=None, method=None, *, temporal_weight=None,
                  steps_after_first=None, learning_rate_after_first=None, done=(), preset="fine",
                  callback_frame=None, progress=True, **overrides):
    """Stylize every frame; a list of (1, H, W, 3) tensors, one per frame (each run's best_image).

    frames: a list of images (or a path, read with read_frames), each resized so that its
    longest side is config.max_dim. method: "flow", "warm" or "independent" (see the
    module; default: default_method()). temporal_weight: the flow method's temporal cost weight
    (default config.temporal_weight, or TEMPORAL_WEIGHT when that is 0; 0 keeps only the
    warped start). steps_after_first, learning_rate_after_first: the later frames' run.
    done: stylized frames already finished (a resumed clip): stylizing goes on after them.
    preset: the optical flow's (optical_flow). callback_frame(index, image) is called
    after each frame; returning True stops. A stop, or Ctrl-C, returns the frames
    finished so far (a frame cut short is left out). Keyword overrides change the
    config's fields (steps=50, ...). Taught in notebooks/07_beyond_the_basics.ipynb.
    """
    config = (config or DEFAULT_CONFIG).replace(**overrides)
    method = _method(method)
    frames = _frames(frames, config.max_dim)
    style = as_image(style, max(MIN_SIDE, round(config.max_dim * config.style_scale)))  # loaded once
    outputs = [tf.convert_to_tensor(f, tf.float32) for f in done]
    if len(outputs) > len(frames):
        raise NSTError(f"{len(outputs)} frames are done but the clip has {len(frames)}: is it the same clip?")
    check_frames(frames + outputs, what="The frames and the finished frames")
    later = _later_config(config, method, temporal_weight, steps_after_first, learning_rate_after_first)
    extractor = cached_extractor(config.layer_names, None, config.pooling, config.preprocess,
                                 config.precision)  # built once for every frame
    bar = tqdm(total=len(frames), initial=len(outputs), disable=not progress, desc=f"video ({method})", unit="frame")
    try:
        for k in range(len(outputs), len(frames)):
            start, previous = frame_start(method, frames[k], frames[k - 1] if k else None,
                                          outputs[-1] if k else None, style, later, preset)
            result = stylize(frames[k], style, later if k else config, init_image=start, previous=previous,
                             extractor=extractor, progress=False)
            if result.diverged:
                raise NSTError(f"Frame {k + 1}: {result.message}")
            if result.interrupted:
                break
            outputs.append(result.best_image)
            bar.update()
            if callback_frame is not None and callback_frame(k, result.best_image):
                break
    except KeyboardInterrupt:  # between two runs (a flow, a callback): the finished frames stay
        pass
    finally:
        bar.close()
    return outputs


def _method(method):
    method = default_method() if method is None else method
    check_choice("method", method, METHODS)
    if method == "flow":
        optical._cv2()  # the one-line "pip install 'nstlib[video]'" before any work
    return method


def _frames(frames, max_dim):
    """The frames at max_dim, checked to be of one size."""
    if isinstance(frames, (str, os.PathLike)):
        frames = read_frames(frames, max_dim=max_dim)
    frames = [as_image(f, max_dim) for f in frames]
    if not frames:
        raise NSTError("There are no frames to stylize.")
    check_frames(frames)
    return frames


def _later_config(config, method, temporal_weight, steps, learning_rate):
    """The config of the frames after the first."""
    if method == "independent":
        return config
    changes = {"steps": max(1, config.steps // 2) if steps is None else steps}
    if config.optimizer == "adam":
        changes["learning_rate"] = learning_rate or config.learning_rate / 2
    if method == "flow":
        changes["temporal_weight"] = temporal_weight if temporal_weight is not None else (
            config.temporal_weight or TEMPORAL_WEIGHT)
    return config.replace(**changes)


def frame_start(method, frame, previous_frame, previous_result, style=None, config=None, preset="fine"):
    """(the starting image, stylize's previous= or None) of a frame under a method.

    flow: the previous result warped along the backward flow where the scene was seen
    before, and elsewhere (disoccluded, entering the view) what config.init starts a new
    frame from (the frame's content by default); previous = (that warp, the weights c of
    flow.reliability). Taught in notebooks/07_beyond_the_basics.ipynb.
    """
    if previous_result is None or method == "independent":
        return None, None
    if method == "warm":
        return previous_result, None
    backward, forward = (optical.optical_flow(frame, previous_frame, preset),
                         optical.optical_flow(previous_frame, frame, preset))
    masks = optical.occlusions(backward, forward)
    unseen = (masks["occluded"] | masks["outside"]).astype(np.float32)[None, ..., None]
    warped = optical.warp(previous_result, backward, "cubic")  # bilinear would blur a bit more each frame
    fresh = initial_image(frame, frame if style is None else style, config or DEFAULT_CONFIG)
    start = unseen * np.asarray(fresh, np.float32) + (1.0 - unseen) * warped
    return start, (tf.constant(warped), tf.constant(optical.weights_of(masks)[None, ..., None]))


def warping_error(stylized, frames=None, motion=None, preset="fine", interpolation="cubic"):
    """The temporal warping error of a stylized clip: the mean over t >= 1 of the mean
    absolute difference (pixels in [0, 1]) between stylized frame t and stylized frame t-1
    warped along the flow of the *input* frames, over the pixels visible in both.

    motion: [(backward flow, weights)] for t >= 1, e.g. a KnownMotion's true motion
    (default: estimated from frames with flow.frame_motion). interpolation: the warp's;
    cubic by default, since a bilinear warp's blur would count against sharp frames and
    for blurred ones. Taught in notebooks/07_beyond_the_basics.ipynb.
    """
    if motion is None:
        if frames is None or len(frames) != len(stylized):
            raise NSTError("warping_error needs the input frames (one per stylized frame) or their motion.")
        motion = [optical.frame_motion(frames[t], frames[t - 1], preset) for t in range(1, len(frames))]
    errors = []
    for t, (backward, weights) in enumerate(motion, start=1):
        warped = optical.warp(stylized[t - 1], backward, interpolation)
        diff = np.abs(np.asarray(stylized[t], np.float32) - warped)[0].mean(-1)
        weights = np.asarray(weights, np.float32).reshape(diff.shape)
        errors.append(float((weights * diff).sum() / max(weights.sum(), 1.0)))
    return float(np.mean(errors))


def frame_change(frames, dx=0):
    """Mean absolute change between consecutive frames (pixels in [0, 1]): the flicker.

    dx > 0 first undoes a pan of dx pixels to the right, so what is left is the change
    that does not follow the motion. Taught in notebooks/07_beyond_the_basics.ipynb.
    """
    width = frames[0].shape[2] - dx
    return float(np.mean([np.abs(np.asarray(now)[:, :, :width] - np.asarray(before)[:, :, dx:]).mean()
                          for before, now in zip(frames, frames[1:])]))
