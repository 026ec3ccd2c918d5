"""Coarse to fine: the sizes a run goes through, how long each gets, and the ladder itself.

A run at full size straight away spends most of its steps painting what a smaller size
paints far more cheaply (a step at 256 px costs a quarter of one at 512 px). So a run
may start at ``config.min_size`` and grow by ``config.scale_factor`` up to
``config.max_dim``: ``config.coarse_steps`` steps at each smaller size, ``config.steps``
at the last. Each size starts from the previous result, upsampled (with
``config.detail``, plus the content's own fine detail), and with ``config.warm_start``
Adam keeps its moments (resized: :meth:`~nstlib.core.adam.AdamState.resized`).

With ``config.time_budget`` (seconds) each size gets a share of the time in proportion
to its planned work (steps × pixels) and runs until its share is spent (at most ten
times its planned steps), so that the whole run ends within the budget on the machine
at hand; the progress bar shows the time left.

Taught in notebooks/07_beyond_the_basics.ipynb.
"""

import time
from dataclasses import dataclass

import tensorflow as tf

from ..config import MIN_SIDE
from ..errors import NSTError
from .callbacks import Callback
from .pixels import resize, resize_to

MAX_STRETCH = 10  # with a time budget, a size runs at most this many times its planned steps
TIME_UP = "This size's share of the time budget is spent."


@dataclass(frozen=True)
class Stage:
    size: int  # the longest side, in pixels
    steps: int
    seconds: float = 0.0  # the time it may take (0: no limit)


def ladder_sizes(max_dim, min_size=0, factor=2.0):
    """max_dim, max_dim / factor, ... down to min_size, smallest first: [128, 256, 512].

    min_size 0 (or above max_dim) is one size. Sizes are rounded to whole pixels.
    """
    sizes, k = [], 0
    while True:
        size = round(max_dim / factor**k)
        if sizes and (size < max(min_size, 1) or size == sizes[-1]):
            break
        sizes.append(size)
        k += 1
        if not min_size:
            break
    return sorted(sizes)


def plan(config):
    """The stages of a run with this config: [Stage(size, steps, seconds)], smallest first."""
    sizes = ladder_sizes(config.max_dim, config.min_size, config.scale_factor)
    steps = [config.coarse_steps] * (len(sizes) - 1) + [config.steps]
    return within_budget([Stage(s, n) for s, n in zip(sizes, steps)], config.time_budget)


def within_budget(stages, budget):
    """The stages as they are (budget 0), or each with its share of `budget` seconds, in
    proportion to its planned work (steps × pixels), and up to MAX_STRETCH times its steps."""
    if not budget:
        return list(stages)
    work = [s.steps * s.size * s.size for s in stages]  # a step's time grows with the pixel count
    return [Stage(s.size, s.steps * MAX_STRETCH, budget * w / sum(work)) for s, w in zip(stages, work)]


class TimeLimit(Callback):
    """Ends a stage once its seconds are spent; shows the whole run's time left."""

    def __init__(self, seconds, deadline, bar=None):
        self.seconds, self.deadline, self.bar = seconds, deadline, bar

    def on_start(self, run):
        self.end = time.perf_counter() + self.seconds

    def on_step(self, run, image, costs):
        now = time.perf_counter()
        if self.bar is not None and self.bar.bar is not None:
            self.bar.bar.set_postfix(left=f"{max(0.0, self.deadline - now):.0f}s", refresh=False)
        return TIME_UP if now >= self.end else None


def upsample(image, content, detail=False):
    """image (a smaller size's result) at content's size; with detail, plus the content's
    own fine detail (what the smaller content lacked), so that edges stay sharp."""
    up = resize_to(image, content.shape[1:3])
    if not detail:
        return up
    blurred = resize_to(resize_to(content, image.shape[1:3]), content.shape[1:3])
    return tf.clip_by_value(up + content - blurred, 0.0, 1.0)


def stage_images(content, style, outside_style, size, style_scale=1.0):
    """(content, style(s), outside style) tensors (1, H, W, 3) resized for one size: the
    content's longest side `size`, the styles' size × style_scale (at least MIN_SIDE)."""
    style_size = max(MIN_SIDE, round(size * style_scale))
    return (_at(content, size, "content"),
            [_at(s, style_size, "style") for s in style] if isinstance(style, (list, tuple))
            else _at(style, style_size, "style"),
            None if outside_style is None else _at(outside_style, style_size, "outside style"))


def _at(image, size, what):
    """image resized so its longest side is `size`; NSTError if a side falls under MIN_SIDE."""
    if max(image.shape[1:3]) != size:
        image = resize(image, size)
    if min(image.shape[1:3]) < MIN_SIDE:
        raise NSTError(
            f"The {what} is {image.shape[2]}x{image.shape[1]} pixels at {size} px: each side needs at least "
            f"{MIN_SIDE} (VGG-19's five poolings halve the image five times); use a larger size.")
    return image
