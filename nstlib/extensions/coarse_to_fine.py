"""High resolution by coarse to fine: optimize small, upsample, refine larger.

A run at 2048 px straight away is slow, and its style looks small: VGG-19's receptive
fields cover a fixed number of pixels, so the brush strokes it learned from the style
image shrink relative to a large picture. Starting small paints the large structures
at the style's scale, cheaply; each larger size then only refines the details.

    result = stylize_coarse_to_fine(content, style, sizes=(256, 512, 1024), steps=(300, 150, 80))

This is the explicit form of Config's coarse-to-fine fields (min_size, scale_factor,
coarse_steps), which ``stylize`` follows: both run nstlib.core.schedule's ladder, where
each size starts from the last one's result and Adam keeps its moments.

Taught in notebooks/07_beyond_the_basics.ipynb.
"""

from ..config import DEFAULT_CONFIG
from ..core.schedule import Stage, within_budget
from ..core.transfer import run_stages
from ..errors import NSTError
from ..io.images import load_image, load_mask
from ..pipeline import read_images


def stylize_coarse_to_fine(content, style, sizes, steps=None, config=None, **kwargs):
    """Stylize at each size in `sizes` (increasing), each run starting from the last one's result.

    steps: one number for every size, or one per size (default config.steps each). With
    config.time_budget, each size gets its share of the time (nstlib.core.schedule.within_budget).
    kwargs go to stylize (callback, stop, progress, style_weights, mask, ...). Returns the
    last size's Result, with ``stages``: one (size, steps done, seconds) per size.
    """
    config = config or DEFAULT_CONFIG
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
    config = config.replace(min_size=sizes[0] if len(sizes) > 1 else 0, max_dim=sizes[-1])
    if kwargs.get("mask") is not None:  # files read here, as stylize() does: the algorithm takes tensors
        kwargs["mask"] = load_mask(kwargs["mask"])
    if kwargs.get("init_image") is not None:
        kwargs["init_image"] = load_image(kwargs["init_image"], min_side=1)
    content, style, kwargs["outside_style"] = read_images(content, style, kwargs.get("outside_style"), sizes[-1],
                                                          config.style_scale)
    stages = within_budget([Stage(s, n) for s, n in zip(sizes, steps)], config.time_budget)  # --time too
    return run_stages(content, style, config, stages, **kwargs)
