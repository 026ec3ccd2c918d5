"""The check of notebooks/01_transfer_learning.ipynb: ``check_preprocess``.

The reference is :func:`nstlib.core.vgg.preprocess`, i.e. Keras'
``keras.applications.vgg19.preprocess_input(image * 255.0)``. A wrong answer is
diagnosed from what it does to each channel: a correct one is, per output channel c,
255 · (input channel 2 - c) - mean[c], an affine map of one input channel; the
mistakes change its slope (no ×255, a division by a standard deviation), its channel
(no flip) or its offset (the means paired with the wrong channels, the image's own mean).
"""

import numpy as np
import tensorflow as tf

from ..core.vgg import preprocess as reference
from .harness import activation_inputs, run_function_checks

MEAN_BGR = (103.939, 116.779, 123.68)  # ImageNet's mean colour, in VGG-19's channel order
SHAPE = (1, 6, 8, 3)  # H != W, so that a transposed image has another shape

_FLIP = (
    "reverse the order of the last axis only, the channels (a slice with step -1 on that "
    "axis, or tf.reverse), and leave the height and width alone"
)
_RECIPE = (
    "VGG-19's Keras weights (converted from Caffe) expect BGR pixels in [0, 255] minus "
    "ImageNet's mean colour (B, G, R) = (103.939, 116.779, 123.68), and no division"
)


def check_preprocess(preprocess):
    """Check preprocess(image): RGB in [0, 1] -> BGR in [0, 255] minus ImageNet's mean colour.

    image: (1, H, W, 3) float32; the result has the same shape. It must equal
    keras.applications.vgg19.preprocess_input(image * 255.0), let a gradient flow back
    to the image and work in a tf.function and a Keras model. Notebook 01.
    """
    image = tf.constant(np.random.default_rng(5).uniform(size=SHAPE).astype(np.float32))
    x = image.numpy()
    batchless = "keep the batch axis: the result has the image's shape (1, H, W, 3)"
    run_function_checks(
        "preprocess", preprocess, (image,), reference(image).numpy(),
        f"preprocess(image) for an image of shape {SHAPE} in [0, 1]", "preprocess(image)",
        wrt=[0], build=activation_inputs((3,)),
        mistakes=_flipped_in_space(x), diagnose=lambda got: _diagnose(x, got),
        shape_hints={
            SHAPE[1:]: batchless, (SHAPE[0], SHAPE[3], SHAPE[1], SHAPE[2]): (
                "the channels moved to the front: Keras' VGG-19 is channels-last, "
                "(1, H, W, 3); a transpose moves axes, it does not reorder R, G, B: reverse "
                "the order along the last axis instead"
            ),
        },
    )


def _flipped_in_space(x):
    """The values of an image flipped upside down or left to right, its channels flipped or not."""
    mean = np.array(MEAN_BGR, np.float32)
    mistakes = []
    for axes, how in (((1,), "upside down (axis 1)"), ((2,), "left to right (axis 2)"),
                      ((1, 2), "upside down and left to right")):
        for channels in ((), (3,)):
            flipped = np.flip(x, axis=axes + channels) * 255.0 - mean
            mistakes.append((flipped, f"the image was flipped {how}: only the channels change order, RGB to BGR; {_FLIP}"))
    return mistakes


def _affine_fits(x, got):
    """For each output channel c, (k, slope, offset) with got[..., c] = slope · x[..., k] + offset.

    None if some output channel is no such function of one input channel.
    """
    fits = []
    for c in range(3):
        y = got[..., c].ravel().astype(np.float64)
        best = None
        for k in range(3):
            X = np.stack([x[..., k].ravel(), np.ones(y.size)], axis=1)
            (slope, offset), *_ = np.linalg.lstsq(X, y, rcond=None)
            if np.abs(X @ (slope, offset) - y).max() <= 1e-4 * (1.0 + np.abs(y).max()):
                best = (k, slope, offset)
        if best is None:
            return None
        fits.append(best)
    return fits


def _diagnose(x, got):
    """The hint for a wrong preprocessing, from its affine fit to each input channel."""
    fits = _affine_fits(x, got)
    if fits is None:
        return (
            "each channel of the result should be 255 × one channel of the image minus a "
            f"number: {_RECIPE}"
        )
    channels, slopes, offsets = (np.array(v) for v in zip(*fits))
    if np.allclose(slopes, 1.0, rtol=1e-3):
        return "the pixels were not scaled: multiply by 255 first (they are in [0, 1]); " + _RECIPE
    if not np.allclose(slopes, 255.0, rtol=1e-3):
        return (
            f"the pixels were scaled by {', '.join(f'{s:.4g}' for s in slopes)} instead of "
            "255: did you divide by a standard deviation (PyTorch's normalization)? " + _RECIPE
        )
    if tuple(channels) != (2, 1, 0):
        return f"the channels are still in RGB order, VGG-19 expects BGR: {_FLIP}; " + _RECIPE
    return _offset_hint(x, offsets)


def _offset_hint(x, offsets):
    """The hint for a preprocessing right but for the numbers subtracted (offsets, BGR order)."""
    own = 255.0 * x.mean(axis=(0, 1, 2))[::-1]  # the image's own mean colour, BGR
    if np.allclose(-offsets, MEAN_BGR[::-1], atol=1e-2):
        return (
            "the means go with the wrong channels: after the flip channel 0 is blue, so "
            "subtract (103.939, 116.779, 123.68) from (B, G, R); (123.68, 116.779, 103.939) "
            "is the same colour in RGB order, to subtract before flipping"
        )
    if np.allclose(-offsets, own, atol=1e-2) or np.allclose(-offsets, own.mean(), atol=1e-2):
        return (
            "you subtracted the image's own mean: subtract ImageNet's mean colour, the same "
            "for every image, (B, G, R) = (103.939, 116.779, 123.68)"
        )
    if np.allclose(offsets, 0.0, atol=1e-2):
        return "no mean was subtracted: " + _RECIPE
    return "subtract ImageNet's mean colour (B, G, R) = (103.939, 116.779, 123.68) after the flip"
