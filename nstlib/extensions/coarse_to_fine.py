"""High resolution by coarse to fine: optimize small, upsample, refine larger.

A run at 2048 px straight away is slow, and its style looks small: VGG-19's receptive
fields cover a fixed number of pixels, so the brush strokes it learned from the style
image shrink relative to a large picture. Starting small paints the large structures
at the style's scale, cheaply; each larger size then only refines the details.

    result = stylize_coarse_to_fine(content, style, sizes=(256, 512, 1024), steps=(300, 150, 80))

Taught in notebooks/07_beyond_the_basics.ipynb.
"""

from ..config import Config
from ..core.transfer import stylize
from ..errors import NSTError


def stylize_coarse_to_fine(content, style, sizes, steps=None, config=None, **kwargs):
    """Stylize at each size in `sizes` (increasing), each run starting from the last one's best image.

    steps: one number for every size, or one per size (default config.steps each).
    kwargs go to stylize (callback, stop, progress, style_weights, mask, ...). Returns the
    last size's Result, with ``stages``: one (size, steps done, seconds) per size.
    """
    config = config or Config()
    sizes = [int(s) for s in sizes]
    if not sizes or sizes != sorted(sizes):
        raise NSTError(f"sizes must be increasing, e.g. 256,512,1024, not {sizes}.")
    steps = [config.steps] if steps is None else steps
    steps = [int(steps)] if isinstance(steps, (int, float)) else [int(s) for s in steps]
    if len(steps) == 1:  # one count for every size
        steps = steps * len(sizes)
    if len(steps) != len(sizes):
        raise NSTError(
            f"Give one number of steps per size, or one for every size: {len(sizes)} sizes but "
            f"{len(steps)} step counts."
        )
    previous, stages = None, []
    for size, n in zip(sizes, steps):
        result = stylize(content, style, config.replace(max_dim=size, steps=n), init_image=previous, **kwargs)
        stages.append((size, result.steps_done, result.seconds))
        previous = result.best_image
        if result.stopped:  # a stop request or Ctrl-C ends the whole ladder
            break
    result.stages = stages
    return result
