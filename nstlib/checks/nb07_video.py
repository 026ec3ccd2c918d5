"""The check of notebooks/07_beyond_the_basics.ipynb's video section: ``check_warp``.

Reference: :func:`nstlib.extensions.flow.warp` (bilinear): warped(x) = image(x + flow(x)),
flow[..., 0] the horizontal and flow[..., 1] the vertical displacement in pixels, points
outside the image taking the nearest border pixel's value.

The warp is not differentiated through (the warped previous frame is a constant target of
the temporal cost), so numpy is fine here: the answer may be a numpy array or a tf.Tensor.
OpenCV's cv2.remap (INTER_LINEAR, BORDER_REPLICATE) and scipy's map_coordinates (order=1,
mode="nearest") pass too: the image is smooth, so remap's 1/32-pixel rounding of the
points stays within the tolerance.
"""

import numpy as np
import tensorflow as tf

from .harness import CheckFailed, compare, passed, quiet, run_student

SHAPE = (1, 7, 9, 3)  # H != W: an axis mix-up shows
_TOLERANCE = 5e-3
_RULE = "warped(x) = image(x + flow(x)), interpolated bilinearly between the four pixels around that point"
_BORDER = ("points x + flow(x) outside the image take the nearest border pixel's value: clip the point to "
           "[0, W − 1] × [0, H − 1] before interpolating")


def _smooth_image(shape=SHAPE):
    """A smooth image (1, H, W, C) in [0, 1], different in each channel."""
    _, h, w, c = shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    return np.stack([0.5 + 0.2 * np.sin(0.5 * xs + 0.3 * ys + k) + 0.1 * np.cos(0.4 * ys - 0.2 * xs * k)
                     for k in range(c)], axis=-1)[None].astype(np.float32)


def _flows(shape=SHAPE):
    """(a flow whose points x + flow(x) all stay inside the image, one that leaves it)."""
    _, h, w, _ = shape
    rng = np.random.default_rng(15)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    target = np.stack([rng.uniform(0.1, w - 1.1, (h, w)), rng.uniform(0.1, h - 1.1, (h, w))], axis=-1)
    inside = np.clip(target - np.stack([xs, ys], axis=-1), -1.6, 1.6).astype(np.float32)
    inside += np.float32([0.3, -0.2]) * (np.abs(inside).max() < 1e-6)
    leaving = inside.copy()
    leaving[:, -2:, 0] += 2.5  # the last columns look right of the image
    leaving[:2, :, 1] -= 2.5  # the first rows look above it
    return inside, leaving


def _bilinear(image, x, y, weights_swapped=False):
    """image (H, W, C) sampled at (x, y): the reference's bilinear sampling, or with the
    neighbours' weights swapped (a typical mistake)."""
    h, w = image.shape[:2]
    x, y = np.clip(x, 0.0, w - 1.0), np.clip(y, 0.0, h - 1.0)
    x0 = np.clip(np.floor(x).astype(int), 0, w - 2)
    y0 = np.clip(np.floor(y).astype(int), 0, h - 2)
    fx, fy = (x - x0)[..., None], (y - y0)[..., None]
    if weights_swapped:
        fx, fy = 1.0 - fx, 1.0 - fy
    top = image[y0, x0] * (1 - fx) + image[y0, x0 + 1] * fx
    bottom = image[y0 + 1, x0] * (1 - fx) + image[y0 + 1, x0 + 1] * fx
    return top * (1 - fy) + bottom * fy


def _border_diagnosis(image, flow):
    """compare's diagnose: right wherever x + flow(x) is inside the image, wrong outside."""
    from ..extensions.flow import outside
    from ..extensions.flow import warp as reference

    out, expected = outside(flow), reference(image, flow)

    def diagnose(got):
        if out.any() and np.allclose(got[0][~out], expected[0][~out], atol=_TOLERANCE):
            return f"right inside the image, wrong where the point leaves it: {_BORDER}"
        return None

    return diagnose


def _nearest(image, x, y, rounding):
    h, w = image.shape[:2]
    x = np.clip(rounding(x), 0, w - 1).astype(int)
    y = np.clip(rounding(y), 0, h - 1).astype(int)
    return image[y, x]


def _mistakes(image, flow):
    """The values (1, H, W, C) of typical wrong warps of image along flow, with their hints."""
    a = image[0]
    h, w = a.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    u, v = flow[..., 0], flow[..., 1]
    wrong = [
        (_bilinear(a, xs - u, ys - v), "the flow says where each pixel of the new frame *was*: sample the "
                                       "image at x + flow(x), not at x − flow(x)"),
        (_bilinear(a, xs + v, ys + u), "the flow's components are swapped: flow[..., 0] is the horizontal "
                                       "displacement (along x, the columns), flow[..., 1] the vertical one "
                                       "(along y, the rows), and an image is indexed [y, x]"),
        (_nearest(a, xs + u, ys + v, np.round), "rounded the point to the nearest pixel: interpolate "
                                                "bilinearly between the four pixels around it"),
        (_nearest(a, xs + u, ys + v, np.floor), "took the pixel at floor(x + flow(x)): interpolate bilinearly, "
                                                "with the fractional parts as the weights of the neighbours"),
        (_bilinear(a, xs + u, ys + v, weights_swapped=True), "the neighbours' weights are swapped: the nearer "
                                                             "pixel must weigh more (the left one 1 − fx, the "
                                                             "right one fx, where fx is the fractional part)"),
        (a, "the image came back unmoved: " + _RULE),
    ]
    return [(value[None], hint) for value, hint in wrong]


def _as_pixels(out, call, shape):
    """The student's warped image as numpy (numpy or tf.Tensor accepted), checked."""
    if out is None:
        raise CheckFailed(f"{call} returned None: did you forget the `return` statement?")
    if tf.is_tensor(out) or isinstance(out, (np.ndarray, np.generic)):
        got = np.asarray(out)
    else:
        raise CheckFailed(f"{call} returned a {type(out).__name__}; it should return an image (1, H, W, C)")
    if got.shape == tuple(shape[1:]):
        raise CheckFailed(f"{call} returned shape {got.shape}, expected {tuple(shape)}: keep the batch axis")
    if got.shape != tuple(shape):
        raise CheckFailed(f"{call} returned shape {got.shape}, expected {tuple(shape)}, the image's shape")
    if not np.issubdtype(got.dtype, np.floating):
        raise CheckFailed(f"{call} returned {got.dtype} pixels: interpolated values are not whole numbers, "
                          "keep floats (float32)")
    if not np.all(np.isfinite(got)):
        raise CheckFailed(f"{call} returned values that are not finite numbers")
    return got


def _run(name, warp, image, flow, call):
    try:
        return run_student(name, warp, tf.constant(image), flow.copy())
    except CheckFailed as e:
        if "IndexError" in str(e) or "out of bounds" in str(e):
            raise CheckFailed(f"{e}: a point x + flow(x) fell outside the image; {_BORDER}") from None
        raise


def check_warp(warp):
    """Check warp(image, flow): image (1, H, W, C) moved along flow (H, W, 2), bilinearly.

    warped(x) = image(x + flow(x)), flow[..., 0] horizontal and flow[..., 1] vertical, in
    pixels; outside the image, the nearest border pixel. The answer: (1, H, W, C), a numpy
    array or a tf.Tensor, float. Notebook 07.
    """
    from ..extensions.flow import warp as reference

    name = "warp"
    image = _smooth_image()
    inside, leaving = _flows()
    with quiet():
        for flow, what in ((np.zeros_like(inside), "a flow of zeros"),
                           (inside, "a sub-pixel flow whose points stay inside the image"),
                           (leaving, "a flow that points outside the image")):
            call = f"warp(image, flow) for an image of shape {SHAPE} and {what}"
            got = _as_pixels(_run(name, warp, image, flow, call), call, SHAPE)
            compare(call, got, reference(image, flow), _mistakes(image, flow), atol=_TOLERANCE,
                    diagnose=_border_diagnosis(image, flow))
    passed(name)
