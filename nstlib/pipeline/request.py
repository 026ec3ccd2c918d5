"""``Request``: everything one run is, in one object.

    request = Request("golden_gate_bridge", "van_gogh_the_starry_night", sizes=(256, 512),
                      preserve_colors="luminance", output=Path("output/bridge.png"), checkpoint_every=20)
    result = nstlib.pipeline.run(request)

The settings (a :class:`~nstlib.config.Config`, by default ``DEFAULT_CONFIG``), the content
and the style(s) with their blend weights, the mask and the outside style, the sizes of a
coarse-to-fine ladder, the colour mode, the output and what is saved along the way. The CLI,
``stylize()`` and its two shorthands, the studio (through ``stylize()``) and ``nst video``
(one request per frame) build one; :func:`nstlib.pipeline.run` runs it; a checkpoint saves
it whole (``to_dict``), so ``--resume`` continues exactly what was asked.

Every option composes with every other; the one refusal (a video frame's temporal target
with a ladder) is :func:`nstlib.pipeline.run`'s.

Taught in notebooks/07_beyond_the_basics.ipynb.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import DEFAULT_CONFIG, DEFAULT_CONTENT, DEFAULT_STYLE, Config
from ..core.schedule import Stage, plan, within_budget
from ..errors import NSTError

PRESERVE_MODES = ("luminance", "histogram")
_NAMED = ("content", "style", "mask", "outside_style", "init_image")  # images: recorded by name when named
_PATHS = ("output", "checkpoint", "gif")


@dataclass(frozen=True)
class Request:
    content: Any = DEFAULT_CONTENT  # a path, URL, example name, array or (1, H, W, 3) tensor
    style: Any = DEFAULT_STYLE  # one style, or a list of styles blended with style_weights
    config: Config = DEFAULT_CONFIG
    style_weights: tuple[float, ...] | None = None  # one per style (normalized by the problem)
    mask: Any = None  # where the style applies (an image or a file; white: styled)
    outside_style: Any = None  # with a mask: the style painted outside it
    init_image: Any = None  # the image to start from, instead of config.init's
    sizes: tuple[int, ...] | None = None  # coarse to fine, increasing; None: config's own plan
    steps: tuple[int, ...] | None = None  # with sizes: one per size (None: config.steps each)
    preserve_colors: str | None = None  # "luminance" (after the run) or "histogram" (before it)
    output: Path | None = None  # where the best image is saved (None: returned only)
    overwrite: bool = False  # replace existing files (output, pictures, gif)
    checkpoint: Path | None = None  # where the run's state is kept
    checkpoint_every: int | None = None  # steps between checkpoints (None: only when stopped early)
    save_every: int | None = None  # steps between pictures saved beside output
    gif: Path | None = None  # the progress as a .gif or .mp4
    preset: str | None = None  # the preset's name, for the record

    def __post_init__(self):
        for name in ("style_weights", "sizes", "steps"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value) if isinstance(value, (list, tuple)) else (value,))
        if isinstance(self.style, list):
            object.__setattr__(self, "style", tuple(self.style))
        for name in _PATHS:
            if getattr(self, name) is not None:
                object.__setattr__(self, name, Path(getattr(self, name)))
        self._validate()

    def _validate(self):
        if self.sizes is not None:
            sizes = [int(s) for s in self.sizes]
            if not sizes or sizes != sorted(set(sizes)):
                raise NSTError(f"sizes must be increasing, e.g. 256,512,1024, not {list(self.sizes)}.")
            if self.steps is not None and len(self.steps) not in (1, len(sizes)):
                raise NSTError(f"Give one number of steps per size, or one for every size: {len(sizes)} sizes "
                               f"but {len(self.steps)} step counts.")
        elif self.steps is not None:
            raise NSTError("Steps per size go with sizes: without sizes, the steps are config.steps.")
        if self.preserve_colors is not None and self.preserve_colors not in PRESERVE_MODES:
            raise NSTError(f"The colour preservation mode must be one of {', '.join(PRESERVE_MODES)}, "
                           f"not {self.preserve_colors!r}.")
        if self.outside_style is not None and self.mask is None:
            raise NSTError("The outside style paints outside a mask: give the mask too (CLI: --mask).")
        for name in ("checkpoint_every", "save_every"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or int(value) != value or value < 1):
                raise NSTError(f"{name} (CLI: --{name.replace('_', '-')}) must be a whole number of steps >= 1, "
                               f"not {value}.")
        if self.save_every is not None and self.output is None:
            raise NSTError("save_every saves pictures beside the output: give the output too.")
        if self.checkpoint_every is not None and self.checkpoint is None:
            raise NSTError("checkpoint_every saves the run's state: give the checkpoint's path too.")

    @property
    def styles(self) -> tuple:
        return self.style if isinstance(self.style, tuple) else (self.style,)

    def replace(self, **changes) -> Request:
        return dataclasses.replace(self, **changes)

    def stages(self) -> list[Stage]:
        """The sizes the run goes through, smallest first: sizes with their steps, or the
        config's own plan (min_size, scale_factor, coarse_steps), each with its share of
        config.time_budget."""
        if self.sizes is None:
            return plan(self.config)
        steps = [int(n) for n in (self.steps or (self.config.steps,))]
        steps = steps * len(self.sizes) if len(steps) == 1 else steps
        return within_budget([Stage(int(s), n) for s, n in zip(self.sizes, steps)], self.config.time_budget)

    def to_dict(self) -> dict:
        """The request as JSON-ready values: images by name (a tensor given directly is None:
        a checkpoint keeps the mask and the outside style as arrays of its own)."""
        out = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "config":
                value = value.to_dict()
            elif f.name in _NAMED:
                value = _name(value)
            elif f.name in _PATHS and value is not None:
                value = str(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, values: dict) -> Request:
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in values.items() if k in known}
        if "config" in values:
            values["config"] = Config(**values["config"])
        return cls(**values)


def _name(image):
    """An image's name as the user gave it (a path, URL or example name), or None for data."""
    if image is None or isinstance(image, (str, Path)):
        return None if image is None else str(image)
    if isinstance(image, (list, tuple)):
        names = [_name(x) for x in image]
        return None if any(n is None for n in names) else names
    return None
