"""``stylize``: the whole style transfer in one call, from what the user names to the picture.

    result = stylize("astronaut", "hubble_deep_field", steps=300)
    result.best_image        # (1, H, W, 3) in [0, 1]
    result.history["style"]  # the style cost at every step

The application's side of a run: it reads what the user names (images, URLs, example
names, the mask's file, the init image, the checkpoint to resume: :mod:`nstlib.io`),
once, at the largest size, and hands the algorithm tensors. The algorithm
(:func:`nstlib.core.transfer.run_stages`) plans nothing it was not given and opens no file:
each size of a coarse-to-fine ladder resizes those tensors.

Taught in notebooks/05_full_optimization.ipynb.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from .config import CALLBACK_EVERY, DEFAULT_CONFIG, MIN_SIDE, Config
from .core.callbacks import Checkpointer
from .core.loop import Result
from .core.schedule import plan
from .core.transfer import run_stages
from .errors import NSTError
from .io.checkpoint import Checkpoint, load_checkpoint
from .io.images import load_image, load_mask
from .io.sources import as_image, as_images


def stylize(content, style, config: Config | None = None, *, style_weights: Sequence[float] | None = None,
            mask=None, outside_style=None, init_image=None, callback: Callable | None = None,
            callback_every: int = CALLBACK_EVERY, stop=None, progress: bool = True, callbacks: Sequence = (),
            checkpoint: str | Path | None = None, checkpoint_every: int | None = None,
            resume: Checkpoint | str | Path | None = None, extractor=None, previous=None,
            **overrides) -> Result:
    """Optimize an image to match content's content and style's style; a Result.

    content, style: images (tensors, arrays, paths, URLs or example names), resized so
    their longest side is config.max_dim. config: a Config (default DEFAULT_CONFIG, the
    `fast` preset that `nst stylize` and the studio start from: L-BFGS, 50 steps, 512 px;
    Config() is notebook 05's plain Adam loop); keyword overrides change its fields, e.g.
    ``stylize(c, s, steps=20)``.

    - style may be a list of styles, blended with style_weights; mask (where the style
      applies: an image, an array or a file) and outside_style (painted outside it): see
      StyleTransfer.
    - init_image: an image to start from instead of config.init's (resized to the
      content's size): the previous frame of a video, a smaller run's result.
    - callback(step, image, costs) is called every callback_every steps and at the end;
      returning True stops the run. stop: a threading.Event (or a function returning
      True) that ends the run cleanly. progress: show a progress bar. callbacks: more
      callback objects (nstlib.core.callbacks).
    - checkpoint: a path where the run's state is saved every checkpoint_every steps and
      when it ends early; resume: a checkpoint (or its path) to continue from, whose
      Config is used when config is None, and whose mask, outside style and style weights
      when those are not given (see nstlib.io.checkpoint). One size only.
    - extractor: the feature extractor (default: VGG-19, built once per settings).
    - previous: a video frame's temporal target, (the previous stylized frame warped
      along the optical flow, its weights): see StyleTransfer and nstlib.extensions.flow.
    """
    if resume is not None and not isinstance(resume, Checkpoint):
        resume = load_checkpoint(resume)
    if resume is not None:  # what the checkpoint kept, unless given again
        mask = resume.mask if mask is None else mask
        outside_style = resume.outside_style if outside_style is None else outside_style
        style_weights = resume.style_weights if style_weights is None else style_weights
    config = config or (resume.config if resume is not None else DEFAULT_CONFIG)
    config = config.replace(**overrides) if overrides else config
    stages = plan(config)
    if len(stages) > 1 and (resume is not None or checkpoint is not None or previous is not None):
        raise NSTError("Checkpoints, --resume and video frames work with one size: set min_size=0 "
                       "(CLI: --min-size 0).")
    callbacks = [*([Checkpointer(checkpoint, checkpoint_every)] if checkpoint is not None else []), *callbacks]
    content, style, outside_style = read_images(content, style, outside_style, config.max_dim, config.style_scale)
    return run_stages(content, style, config, stages, style_weights=style_weights, outside_style=outside_style,
                      mask=None if mask is None else load_mask(mask),
                      init_image=None if init_image is None else load_image(init_image, min_side=1),
                      callback=callback, callback_every=callback_every, stop=stop, progress=progress,
                      callbacks=callbacks, resume=resume, extractor=extractor, previous=previous)


def read_images(content, style, outside_style, size, style_scale=1.0):
    """(content, style(s), outside style) as tensors, read once at the run's largest size
    (the styles' longest side size × style_scale, at least MIN_SIDE); the algorithm resizes
    them for the smaller sizes of a ladder."""
    style_size = max(MIN_SIDE, round(size * style_scale))
    return (as_image(content, size), as_images(style, style_size),
            None if outside_style is None else as_image(outside_style, style_size))
