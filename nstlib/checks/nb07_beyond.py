"""The checks of notebooks/07_beyond_the_basics.ipynb: ``check_preserve_luminance``, ``check_masked_gram``.

References: :func:`nstlib.extensions.color.preserve_luminance` (scikit-image's YIQ) and
:func:`nstlib.core.costs.position_gram` with a mask.

Any colour space whose luma is YIQ's Y (YUV, YCbCr, YPbPr) gives the same image, to
float rounding: with Y kept from one image and the chroma from the other, the result is
content + (Y_result - Y_content) in each channel, whatever the chroma's axes. Those
pass; HSV's V and Lab's L are other quantities, and fail with their hints.
"""

import numpy as np
import tensorflow as tf

from ..core import costs
from .harness import activation_inputs, activations, expect_value, passed, quiet, run_function_checks

# ------------------------------------------------------------ preserve_luminance

SHAPE = (1, 6, 8, 3)
_TOLERANCE = 2e-3  # YIQ's matrices rounded to three digits are right too
_LUMA = "keep the result's luminance Y (of YIQ) and the content's chroma I, Q, then convert back to RGB"


def check_preserve_luminance(preserve_luminance):
    """Check preserve_luminance(result, content): the result's Y with the content's I, Q, in RGB.

    result, content: (1, H, W, 3) in [0, 1], the same size; the answer is (1, H, W, 3),
    clipped to [0, 1], a float32 tf.Tensor (computing it with numpy or scikit-image and
    converting it at the end is fine: nothing differentiates through it). Notebook 07.
    """
    from ..extensions.color import preserve_luminance as reference

    name = "preserve_luminance"
    result, content = np.random.default_rng(12).uniform(size=(2, *SHAPE)).astype(np.float32)
    gray = f"returned only the luminance Y: {_LUMA}"
    with quiet():
        expect_value(
            name, preserve_luminance, (tf.constant(result), tf.constant(content)),
            reference(result, content).numpy(), f"preserve_luminance(result, content) for images of shape {SHAPE}",
            mistakes=_luminance_mistakes(result[0], content[0]), atol=_TOLERANCE,
            shape_hints={SHAPE[:3] + (1,): gray, SHAPE[:3]: gray, SHAPE[1:]: "keep the batch axis: (1, H, W, 3)"},
            diagnose=lambda got: (
                "the pixels left [0, 1]: converting back to RGB can overshoot; clip the RGB "
                "image to [0, 1] (tf.clip_by_value)"
                if got.min() < -_TOLERANCE or got.max() > 1 + _TOLERANCE else None
            ),
        )
    passed(name)


def _combine(space, luma_of, chroma_of, channel=0, clip=True):
    """luma_of's luminance channel with chroma_of's other channels, in the colour space
    `space` (a pair of scikit-image conversions), back in RGB (1, H, W, 3)."""
    to_space, to_rgb = space
    mixed = to_space(chroma_of)
    mixed[..., channel] = to_space(luma_of)[..., channel]
    rgb = to_rgb(mixed)
    return (np.clip(rgb, 0.0, 1.0) if clip else rgb)[np.newaxis]


def _luminance_mistakes(result, content):
    """The values of typical wrong answers for result, content (H, W, 3), with their hints."""
    from skimage import color

    yiq, hsv, lab = ((color.rgb2yiq, color.yiq2rgb), (color.rgb2hsv, color.hsv2rgb),
                     (color.rgb2lab, color.lab2rgb))
    y = color.rgb2yiq(result)[..., :1]
    return [
        (_combine(yiq, content, result), f"luminance and chroma are swapped: this is the content's "
                                         f"Y with the result's colours; {_LUMA}"),
        (_combine(yiq, result, content, clip=False), "converting back from YIQ can leave [0, 1]: "
                                                     "clip the RGB image to [0, 1] (tf.clip_by_value)"),
        (_combine(hsv, result, content, channel=2), "HSV's V is max(R, G, B), not the luminance: use "
                                                    "YIQ, whose Y = 0.299 R + 0.587 G + 0.114 B"),
        (_combine(lab, result, content), "Lab's L is not the luminance the method keeps: use YIQ, "
                                         "whose Y = 0.299 R + 0.587 G + 0.114 B"),
        (((result + content) / 2)[np.newaxis], f"averaging the two images mixes their colours: {_LUMA}"),
        (np.repeat(y, 3, axis=-1)[np.newaxis], f"that is a gray image, the luminance alone: {_LUMA}"),
        (result[np.newaxis], f"the result came back unchanged: {_LUMA}"),
        (content[np.newaxis], f"the content came back unchanged: {_LUMA}"),
    ]


# ------------------------------------------------------------------- masked Gram

_SQRT = ("a·mask weighs each position by m² (both factors of the Gram matrix carry the weight), "
         "which is wrong where the mask is soft: weigh a by a factor whose square is m, so that "
         "each position counts m once in the product")
_BY_MASS = ("divide by the mask's total weight, the sum of m over all positions, so that the result "
            "is a mean over the masked positions")


def check_masked_gram(masked_gram):
    """Check masked_gram(a, mask) = sum_p m_p a_p a_pᵀ / sum_p m_p, (n_C, n_C). Notebook 07.

    a: activations (1, n_H, n_W, n_C); mask: (1, n_H, n_W, 1) in [0, 1], soft (its edges
    between 0 and 1). A mask of ones must give position_gram(a).
    """
    name, shape = "masked_gram", (1, 4, 6, 3)
    a = activations(13, shape)
    mask = np.clip(np.random.default_rng(14).uniform(-0.3, 1.3, size=(*shape[:3], 1)), 0.0, 1.0)
    mask = tf.constant(mask.astype(np.float32))
    ones = tf.ones_like(mask)
    run_function_checks(
        name, masked_gram, (a, mask), costs.position_gram(a, mask).numpy(),
        f"masked_gram(a, mask) for a of shape {shape} and a soft mask", "masked_gram(a, mask)",
        wrt=[0], build=activation_inputs((shape[-1], 1)), mistakes=_mask_mistakes(a, mask),
        more=lambda: expect_value(name, masked_gram, (a, ones), costs.position_gram(a).numpy(),
                                  "masked_gram(a, mask of ones) (= position_gram(a))"),
    )


def _mask_mistakes(a, mask):
    """The values of typical wrong masked Gram matrices of a, mask, with their hints."""
    x, m = np.asarray(a)[0], np.asarray(mask)[0]  # (n_H, n_W, n_C), (n_H, n_W, 1)
    n = x.shape[0] * x.shape[1]

    def gram(weights, norm):
        F = (x * weights).reshape(-1, x.shape[-1])
        return F.T @ F / norm

    return [
        (gram(m, m.sum()), _SQRT),
        (gram(m, (m**2).sum()), _SQRT),
        (gram(m, n), _SQRT),
        (gram(np.sqrt(m), n), f"divided by the number of all positions, n_H n_W: {_BY_MASS}"),
        (gram(np.sqrt(m), 1.0), f"not divided: {_BY_MASS}"),
        (gram(1.0, n), "the mask was ignored: weigh each position's activations so that it counts "
                       f"m in the Gram matrix, and {_BY_MASS}"),
        (gram(np.sqrt(1 - m), (1 - m).sum()), "the mask is inverted: it weighs the positions outside "
                                              "the region; use mask, not 1 − mask"),
    ]
