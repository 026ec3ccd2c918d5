"""``stylize``: the whole style transfer in one call, a thin façade over the loop.

    result = stylize("astronaut", "hubble_deep_field", steps=300)
    result.best_image        # (1, H, W, 3) in [0, 1]
    result.history["style"]  # the style cost at every step

It loads the images (:mod:`nstlib.io.sources`), builds the problem
(:class:`~nstlib.core.problem.StyleTransfer`), picks the starting image, turns its
keyword arguments into callbacks (:mod:`nstlib.core.callbacks`) and runs the loop
(:func:`~nstlib.core.loop.optimize`).

Taught in notebooks/05_full_optimization.ipynb.
"""

from ..config import Config
from ..errors import NSTError
from ..io.checkpoint import Checkpoint, load_checkpoint
from ..io.images import load_image, resize_to
from ..io.sources import as_image, as_images
from .callbacks import Checkpointer, EverySteps, ProgressBar, StopRequest
from .loop import optimize
from .problem import StyleTransfer, initial_image


def stylize(content, style, config=None, *, style_weights=None, mask=None, outside_style=None,
            init_image=None, callback=None, callback_every=10, stop=None, progress=True,
            callbacks=(), checkpoint=None, checkpoint_every=None, resume=None, extractor=None,
            **overrides):
    """Optimize an image to match content's content and style's style; a Result.

    content, style: images (tensors, arrays, paths, URLs or example names), resized so
    their longest side is config.max_dim. config: a Config (default Config()); keyword
    overrides change its fields, e.g. ``stylize(c, s, steps=50)``.

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
      Config is used when config is None (see nstlib.io.checkpoint).
    - extractor: the feature extractor (default: VGG-19, built once per settings).
    """
    if resume is not None and not isinstance(resume, Checkpoint):
        resume = load_checkpoint(resume)
    config = config or (resume.config if resume is not None else Config())
    config = config.replace(**overrides) if overrides else config
    content = as_image(content, config.max_dim)
    style = as_images(style, config.max_dim)
    if outside_style is not None:
        outside_style = as_image(outside_style, config.max_dim)
    problem = StyleTransfer(content, style, config, extractor, style_weights=style_weights,
                            mask=mask, outside_style=outside_style)
    start = _start(problem, content, style, config, init_image, resume)
    return optimize(problem, start, config, [
        *([ProgressBar(config.steps)] if progress else []),
        *([Checkpointer(checkpoint, checkpoint_every)] if checkpoint is not None else []),
        *([EverySteps(callback, callback_every)] if callback is not None else []),
        *callbacks,
        *([StopRequest(stop)] if stop is not None else []),
    ], resume)


def _start(problem, content, style, config, init_image, resume):
    """The image the run starts from: the checkpoint's, init_image, or config.init's."""
    if resume is not None:
        if tuple(resume.image.shape) != tuple(content.shape):
            raise NSTError(
                f"The checkpoint's image is {resume.image.shape[1]}x{resume.image.shape[2]} but the "
                f"content is {content.shape[1]}x{content.shape[2]}: resume with the same content and size."
            )
        start = resume.image
    elif init_image is not None:
        start = resize_to(load_image(init_image, min_side=1), content.shape[1:3])
    else:
        start = initial_image(content, style, config)
    if problem.update_mask is not None:  # outside the mask the picture is the content
        start = problem.update_mask * start + (1.0 - problem.update_mask) * content
    return start
