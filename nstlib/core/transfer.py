"""The algorithm's run: the sizes of a plan in order, each from the last one's result, on tensors.

    run_stages(content, style, config, plan(config))   # content, style: (1, H, W, 3) tensors

Each size resizes the images it was given (:mod:`nstlib.core.schedule`), builds the problem
(:class:`~nstlib.core.problem.StyleTransfer`), picks the starting image, turns the
callbacks' arguments into callback objects (:mod:`nstlib.core.callbacks`) and runs the loop
(:func:`~nstlib.core.loop.optimize`). It opens no file: :func:`nstlib.pipeline.stylize`
reads what the user names and calls it.

Taught in notebooks/05_full_optimization.ipynb.
"""

from __future__ import annotations

import time

from ..config import CALLBACK_EVERY
from ..errors import NSTError
from .callbacks import EverySteps, ProgressBar, StopRequest
from .loop import optimize
from .pixels import resize_to
from .problem import StyleTransfer, initial_image
from .schedule import TIME_UP, TimeLimit, stage_images, upsample


def run_stages(content, style, config, stages, *, callback=None, callback_every=CALLBACK_EVERY, stop=None,
               progress=True, callbacks=(), init_image=None, resume=None, state=None, **problem):
    """Run the stages (nstlib.core.schedule.Stage) in order, each from the last one's result.

    problem: StyleTransfer's keyword arguments (style_weights, mask, outside_style,
    extractor, previous). resume: a checkpoint the first of these stages continues.
    Returns the last stage's Result, with ``stages``: one (size, steps done, seconds) per
    stage run.
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
                                image if k else None, init_image if not k else None, state,
                                None if k else resume, problem, [
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
        return resize_to(init_image, content.shape[1:3])
    return initial_image(content, style, config)
