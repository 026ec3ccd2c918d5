"""``stylize``: the whole style transfer in one call, a thin façade over the loop.

    result = stylize("astronaut", "hubble_deep_field", steps=300)
    result.best_image        # (1, H, W, 3) in [0, 1]
    result.history["style"]  # the style cost at every step

It plans the sizes (:mod:`nstlib.core.schedule`: one, or coarse to fine), and at each
loads the images (:mod:`nstlib.io.sources`), builds the problem
(:class:`~nstlib.core.problem.StyleTransfer`), picks the starting image, turns its
keyword arguments into callbacks (:mod:`nstlib.core.callbacks`) and runs the loop
(:func:`~nstlib.core.loop.optimize`).

Taught in notebooks/05_full_optimization.ipynb.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ..config import CALLBACK_EVERY, DEFAULT_CONFIG, Config
from ..errors import NSTError
from ..io.checkpoint import Checkpoint, load_checkpoint
from ..io.images import load_image, load_mask
from .callbacks import Checkpointer, EverySteps, ProgressBar, StopRequest
from .loop import Result, optimize
from .pixels import resize_to
from .problem import StyleTransfer, initial_image
from .schedule import TIME_UP, TimeLimit, plan, stage_images, upsample


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
      applies) and outside_style (painted outside it): see StyleTransfer.
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
    mask = None if mask is None else load_mask(mask)  # a file read here: the problem takes tensors
    config = config or (resume.config if resume is not None else DEFAULT_CONFIG)
    config = config.replace(**overrides) if overrides else config
    stages = plan(config)
    if len(stages) > 1 and (resume is not None or checkpoint is not None or previous is not None):
        raise NSTError("Checkpoints, --resume and video frames work with one size: set min_size=0 "
                       "(CLI: --min-size 0).")
    callbacks = [*([Checkpointer(checkpoint, checkpoint_every)] if checkpoint is not None else []), *callbacks]
    return run_stages(content, style, config, stages, style_weights=style_weights, mask=mask,
                      outside_style=outside_style, init_image=init_image, callback=callback,
                      callback_every=callback_every, stop=stop, progress=progress, callbacks=callbacks,
                      resume=resume, extractor=extractor, previous=previous)


def run_stages(content, style, config, stages, *, callback=None, callback_every=CALLBACK_EVERY, stop=None,
               progress=True, callbacks=(), init_image=None, resume=None, state=None, **problem):
    """Run the stages (nstlib.core.schedule.Stage) in order, each from the last one's result.

    problem: StyleTransfer's keyword arguments (style_weights, mask, outside_style,
    extractor, previous). Returns the last stage's Result, with ``stages``: one (size, steps done,
    seconds) per stage run.
    """
    bar = ProgressBar(None if config.time_budget else sum(s.steps for s in stages), keep_open=True) \
        if progress else None
    deadline = time.perf_counter() + sum(s.seconds for s in stages)
    done, result, image = [], None, init_image
    try:
        for k, stage in enumerate(stages):
            if bar is not None:
                bar.describe(f"{stage.size} px" if len(stages) > 1 else "stylize")
            result = _one_stage(content, style, config.replace(max_dim=stage.size, steps=stage.steps),
                                image if k else None, init_image if not k else None, state, resume, problem, [
                *([bar] if bar is not None else []), *callbacks,
                *([EverySteps(callback, callback_every)] if callback is not None else []),
                *([TimeLimit(stage.seconds, deadline, bar)] if stage.seconds else []),
                *([StopRequest(stop)] if stop is not None else []),
            ])
            done.append((stage.size, result.steps_done, result.seconds))
            image, state = result.best_image, result.state
            if result.stopped and result.message != TIME_UP:
                break
    finally:
        if bar is not None:
            bar.close()
    if result.message == TIME_UP:  # the budget's share was spent: a normal end
        result.stopped, result.message = False, ""
    result.stages = done
    return result


def _one_stage(content, style, config, previous, init_image, state, resume, problem, callbacks):
    """One size: the images at that size, the problem, the start (previous: the last
    size's result, upsampled), the loop."""
    content, style, outside = stage_images(content, style, problem.get("outside_style"), config.max_dim,
                                             config.style_scale)
    transfer = StyleTransfer(content, style, config, problem.get("extractor"), outside_style=outside,
                             style_weights=problem.get("style_weights"), mask=problem.get("mask"),
                             previous=problem.get("previous"))
    if previous is not None:
        start = upsample(previous, content, config.detail)
        warm = config.warm_start and state is not None and config.optimizer == "adam"
        state = state.resized(content.shape[1:3]) if warm else None
    else:
        start = _start(content, style, config, init_image, resume)
    if transfer.update_mask is not None:  # outside the mask the picture is the content
        start = transfer.update_mask * start + (1.0 - transfer.update_mask) * content
    return optimize(transfer, start, config, callbacks, resume, state)


def _start(content, style, config, init_image, resume):
    """The image a run starts from: the checkpoint's, init_image, or config.init's."""
    if resume is not None:
        if tuple(resume.image.shape) != tuple(content.shape):
            raise NSTError(
                f"The checkpoint's image is {resume.image.shape[1]}x{resume.image.shape[2]} but the "
                f"content is {content.shape[1]}x{content.shape[2]}: resume with the same content and size."
            )
        return resume.image
    if init_image is not None:
        return resize_to(load_image(init_image, min_side=1), content.shape[1:3])
    return initial_image(content, style, config)
