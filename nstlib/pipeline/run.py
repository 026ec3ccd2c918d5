"""``run(request)``: one pipeline for every run, and ``stylize``, the call that builds the request.

    result = stylize("astronaut", "hubble_deep_field", steps=300)
    result.best_image        # (1, H, W, 3) in [0, 1]
    result.history["style"]  # the style cost at every step

The application's side of a run, in order:

1. read what the request names (images, URLs, examples, the mask's file, the init image:
   :mod:`nstlib.io`), once, at the largest size;
2. colours, mode "histogram": the styles recoloured to the content's (a step before);
3. the algorithm on tensors (:func:`nstlib.core.transfer.run_stages`): each size of the
   ladder resizes them; a resumed run starts at the size its checkpoint was taken at;
   the checkpoints, pictures along the way and progress frames are callbacks;
4. colours, mode "luminance": the photo's chroma put back (a step after);
5. the output, the pictures and the animation saved, nothing overwritten unless asked.

So every option goes with every other: a 2048 px ladder with the photo's colours that
survives a Ctrl-C is one request. ``stylize_coarse_to_fine`` and
``stylize_preserving_colors`` are ``stylize`` with one option set.

Taught in notebooks/05_full_optimization.ipynb (stylize) and 07_beyond_the_basics.ipynb.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

from ..config import CALLBACK_EVERY, DEFAULT_CONFIG, MIN_SIDE, Config
from ..core.callbacks import Estimate, EverySteps
from ..core.loop import Result
from ..core.transfer import run_stages
from ..errors import NSTError
from ..io.checkpoint import Checkpoint, load_checkpoint
from ..io.images import load_image, load_mask, save_image
from ..io.sources import as_image, as_images
from .request import Request
from .saving import Checkpointer, SaveEvery


def run(request: Request, *, resume: Checkpoint | str | Path | None = None, callback: Callable | None = None,
        callback_every: int = CALLBACK_EVERY, stop=None, progress: bool = True, callbacks: Sequence = (),
        extractor=None, previous=None, estimate: bool = False) -> Result:
    """Run the request; a Result whose ``saved`` lists the files written.

    resume: a checkpoint (or its path) of this request, to continue from; its mask and
    outside style stand in for the request's when these are data, not names.
    callback(step, image, costs) every callback_every steps (True stops the run); stop: a
    threading.Event or a function; callbacks: more callback objects; extractor: the
    feature extractor; previous: a video frame's temporal target (one size only);
    estimate: say, after the first steps, how long the sizes still to run will take here.
    """
    resume = load_checkpoint(resume) if resume is not None and not isinstance(resume, Checkpoint) else resume
    stages = request.stages()
    first = _resumed_stage(stages, resume)
    if len(stages) > 1 and previous is not None:
        raise NSTError("A video frame's temporal target works with one size: set min_size=0 (CLI: --min-size 0).")
    config = request.config
    content, style, outside = read_images(request.content, request.style, request.outside_style, stages[-1].size,
                                          config.style_scale)
    if request.preserve_colors == "histogram":  # a step before the run
        from ..extensions.color import match_style_colors

        style = [match_style_colors(s, content) for s in style] if isinstance(style, list) \
            else match_style_colors(style, content)
    mask = load_mask(request.mask) if request.mask is not None else (resume.mask if resume is not None else None)
    if outside is None and resume is not None and resume.outside_style is not None and request.mask is None:
        outside = resume.outside_style
    saving, recorder = _saving(request, stages, first)
    recording = [] if recorder is None else [EverySteps(recorder, recorder.every)]  # --gif's frames
    if estimate:
        recording.append(Estimate([(s.size, s.steps) for s in stages[first:]], config.optimizer, config.time_budget))
    result = run_stages(content, style, config, stages[first:], style_weights=request.style_weights,
                        outside_style=outside, mask=mask,
                        init_image=None if request.init_image is None else load_image(request.init_image, min_side=1),
                        callback=callback, callback_every=callback_every, stop=stop, progress=progress,
                        callbacks=[*saving, *recording, *callbacks], resume=resume, extractor=extractor, previous=previous)
    if request.preserve_colors == "luminance":  # a step after the run
        from ..extensions.color import keep_content_colors

        result = keep_content_colors(result, content)
    return _save(request, result, saving, recorder)


def _resumed_stage(stages, resume):
    """The index of the size a checkpoint was taken at (0 without one)."""
    if resume is None:
        return 0
    size = max(resume.image.shape[1:3])
    for k, stage in enumerate(stages):
        if stage.size == size:
            return k
    raise NSTError(f"The checkpoint's image is {resume.image.shape[2]}x{resume.image.shape[1]}, a size this run "
                   f"does not have ({', '.join(str(s.size) for s in stages)} px): resume with the same sizes.")


def _saving(request, stages, first):
    """The callbacks that write files, and the progress recorder (or None)."""
    saving = []
    if request.checkpoint is not None:
        saving.append(Checkpointer(request.checkpoint, request.checkpoint_every, {"request": request.to_dict()}))
    if request.save_every:
        saving.append(SaveEvery(request.output, request.save_every, request.overwrite,
                                offset=sum(s.steps for s in stages[:first])))
    recorder = None
    if request.gif is not None:
        from ..io.animation import FrameRecorder

        recorder = FrameRecorder(every=max(1, sum(s.steps for s in stages) // 40))
    return saving, recorder


def _save(request, result, saving, recorder):
    """Write what the request asks (the best image, the animation) and list every file."""
    saved = {"pictures": [p for s in saving if isinstance(s, SaveEvery) for p in s.paths]}
    if request.output is not None:  # also after Ctrl-C or divergence: the best image so far
        saved["output"] = save_image(result.best_image, request.output, overwrite=request.overwrite)
    if recorder is not None and recorder.frames:
        from ..io.animation import save_gif

        recorder.add(result.best_image)
        save_gif(recorder.frames_at_one_size(), request.gif, overwrite=request.overwrite)  # a ladder's: grown
        saved["gif"], saved["frames"] = request.gif, len(recorder.frames)
    if request.checkpoint is not None and "output" in saved and not result.stopped:
        request.checkpoint.unlink(missing_ok=True)  # the run is done and its image is safe on disk
    return dataclasses.replace(result, saved=saved)


def stylize(content, style, config: Config | None = None, *, style_weights: Sequence[float] | None = None,
            mask=None, outside_style=None, init_image=None, sizes: Sequence[int] | None = None,
            preserve_colors: str | None = None, callback: Callable | None = None,
            callback_every: int = CALLBACK_EVERY, stop=None, progress: bool = True, callbacks: Sequence = (),
            checkpoint: str | Path | None = None, checkpoint_every: int | None = None,
            resume: Checkpoint | str | Path | None = None, extractor=None, previous=None,
            **overrides) -> Result:
    """Optimize an image to match content's content and style's style; a Result.

    content, style: images (tensors, arrays, paths, URLs or example names), resized so
    their longest side is config.max_dim. config: a Config (default DEFAULT_CONFIG, the
    `fast` preset that `nst stylize` and the studio start from: L-BFGS, 50 steps, 512 px;
    Config() is notebook 05's plain Adam loop); keyword overrides change its fields, e.g.
    ``stylize(c, s, steps=20)``; with sizes, steps may be one count per size.

    - style may be a list of styles, blended with style_weights; mask (where the style
      applies: an image, an array or a file) and outside_style (painted outside it): see
      StyleTransfer.
    - init_image: an image to start from instead of config.init's (resized to the
      content's size): the previous frame of a video, a smaller run's result.
    - sizes: coarse to fine, e.g. (256, 512, 1024), each size from the last one's result.
    - preserve_colors: "luminance" or "histogram" keeps the content's colours.
    - callback(step, image, costs) is called every callback_every steps and at the end;
      returning True stops the run. stop: a threading.Event (or a function returning
      True) that ends the run cleanly. progress: show a progress bar. callbacks: more
      callback objects (nstlib.core.callbacks).
    - checkpoint: a path where the run's state is saved every checkpoint_every steps and
      when it ends early; resume: a checkpoint (or its path) to continue from, whose
      request (settings, sizes, colour mode, blend weights) is used for what is not given
      again, and whose mask and outside style when those are not given (nstlib.io.checkpoint).
    - extractor: the feature extractor (default: VGG-19, built once per settings).
    - previous: a video frame's temporal target, (the previous stylized frame warped
      along the optical flow, its weights): see StyleTransfer and nstlib.extensions.flow.

    This builds a Request (nstlib.pipeline.request) and runs it (nstlib.pipeline.run).
    """
    if resume is not None and not isinstance(resume, Checkpoint):
        resume = load_checkpoint(resume)
    kept = _kept(resume)
    steps = overrides.pop("steps") if isinstance(overrides.get("steps"), (list, tuple)) else None
    config = config or kept.get("config") or DEFAULT_CONFIG
    request = Request(
        content, style, config.replace(**overrides) if overrides else config,
        style_weights=style_weights if style_weights is not None else kept.get("style_weights"),
        mask=mask, outside_style=outside_style, init_image=init_image,
        sizes=sizes if sizes is not None else kept.get("sizes"), steps=steps if steps is not None else kept.get("steps"),
        preserve_colors=preserve_colors or kept.get("preserve_colors"), checkpoint=checkpoint,
        checkpoint_every=checkpoint_every if checkpoint is not None else None)
    return run(request, resume=resume, callback=callback, callback_every=callback_every, stop=stop,
               progress=progress, callbacks=callbacks, extractor=extractor, previous=previous)


def _kept(resume):
    """What a checkpoint's request kept: {config, style_weights, sizes, steps, preserve_colors}
    (run() takes its mask and outside style)."""
    if resume is None:
        return {}
    saved = resume.extra.get("request")
    if saved is None:  # a checkpoint without a request: its settings and blend weights
        return {"config": resume.config, "style_weights": resume.style_weights}
    return {"config": Config(**saved["config"]),
            **{k: saved.get(k) for k in ("style_weights", "sizes", "steps", "preserve_colors")}}


def stylize_coarse_to_fine(content, style, sizes: Sequence[int], steps=None, config: Config | None = None,
                           **kwargs) -> Result:
    """stylize at each size in `sizes` (increasing), each from the last one's result.

    steps: one number for every size, or one per size (default config.steps each). With
    config.time_budget, each size gets its share of the time. Returns the last size's
    Result, with ``stages``: one (size, steps done, seconds) per size.
    """
    if steps is not None:
        kwargs["steps"] = list(steps) if isinstance(steps, (list, tuple)) else [int(steps)]
    return stylize(content, style, config, sizes=[int(s) for s in sizes], **kwargs)


def stylize_preserving_colors(content, style, mode: str, config: Config | None = None, **kwargs) -> Result:
    """stylize(content, style, config, **kwargs), keeping the content's colours; a Result.

    mode "histogram": the style recoloured to the content's colours before the run
    (nstlib.extensions.color.match_style_colors). mode "luminance": after the run, the
    result's luminance with the content's chroma (preserve_luminance) in result.image and
    result.best_image (the history and costs stay those of the run).
    """
    return stylize(content, style, config, preserve_colors=mode, **kwargs)


def read_images(content, style, outside_style, size, style_scale=1.0):
    """(content, style(s), outside style) as tensors, read once at the run's largest size
    (the styles' longest side size × style_scale, at least MIN_SIDE); the algorithm resizes
    them for the smaller sizes of a ladder."""
    style_size = max(MIN_SIDE, round(size * style_scale))
    style = list(style) if isinstance(style, tuple) else style
    return (as_image(content, size), as_images(style, style_size),
            None if outside_style is None else as_image(outside_style, style_size))
