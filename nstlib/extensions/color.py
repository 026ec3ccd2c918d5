"""Colour preservation: the style's brushwork with the content's colours.

Gatys, Ecker, Bethge, Hertzmann and Shechtman (2017), "Controlling Perceptual
Factors in Neural Style Transfer", CVPR, section 5 (https://arxiv.org/abs/1611.07865).

Why the style's colours leak in: the style cost matches Gram matrices, and the Gram
matrices of the first layers (block1_conv1, ...) are little more than the co-occurrence
of the colours of small patches, so matching them repaints the image in the style's palette.

Two remedies from the paper, both here:

- ``"luminance"``: stylize as usual, then keep only the result's luminance (Y of YIQ)
  and put back the content's chroma (I, Q). Luminance-only transfer.
- ``"histogram"``: recolour the style so its colour histogram matches the content's,
  then stylize with that style. (The paper matches the colours' mean and covariance
  with a linear map; scikit-image's per-channel histogram matching is simpler and
  does the same job for a course.)

They are a step before the run (histogram) or after it (luminance) of
:func:`nstlib.pipeline.run`, so they go with any run: ``stylize(..., preserve_colors=mode)``,
``stylize_preserving_colors`` and ``nst stylize --preserve-colors`` ask for them.

Taught in notebooks/07_beyond_the_basics.ipynb.
"""

import dataclasses

import numpy as np
import tensorflow as tf
from skimage.color import rgb2yiq, yiq2rgb
from skimage.exposure import match_histograms

from ..io.images import load_image, resize_to
from ..io.sources import as_image


def _pixels(image, size=None):
    """(H, W, 3) float pixels of an image (1, H, W, 3) or (H, W, 3), resized to size=(H, W)."""
    image = load_image(image, min_side=1)  # also takes uint8 arrays
    return (image if size is None else resize_to(image, size)).numpy()[0]


def _tensor(pixels):
    return tf.constant(np.clip(pixels, 0.0, 1.0)[np.newaxis], tf.float32)  # (1, H, W, 3)


def preserve_luminance(result, content):
    """The result's luminance (Y) with the content's chroma (I, Q), as (1, H, W, 3) in [0, 1].

    result, content: (1, H, W, 3) or (H, W, 3) tensors or arrays; the content is
    resized to the result's size if they differ. Converting back to RGB can leave
    [0, 1], so the pixels are clipped (which moves the chroma of saturated pixels a little).
    """
    result = _pixels(result)
    content = _pixels(content, size=result.shape[:2])
    yiq = np.concatenate([rgb2yiq(result)[..., :1], rgb2yiq(content)[..., 1:]], axis=-1)
    return _tensor(yiq2rgb(yiq))


def match_style_colors(style, content):
    """The style recoloured so that each RGB channel's histogram matches the content's.

    Returns (1, H, W, 3) in [0, 1] at the style's size: use it as the style before
    optimizing (the sizes of style and content need not agree).
    """
    matched = match_histograms(_pixels(style), _pixels(content), channel_axis=-1)
    return _tensor(matched)


def keep_content_colors(result, content):
    """Mode "luminance"'s last step: the Result with its image and best image replaced by their
    preserve_luminance versions (the history and costs stay those of the run)."""
    content_image = as_image(content, max(result.best_image.shape[1:3]))
    return dataclasses.replace(
        result,
        image=preserve_luminance(result.image, content_image),
        best_image=preserve_luminance(result.best_image, content_image),
    )
