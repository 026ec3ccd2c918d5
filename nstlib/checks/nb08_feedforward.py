"""The checks of notebooks/08_fast_style_transfer.ipynb: ``check_instance_norm``, ``check_upsample``.

References (here, as plain functions of tensors; the package's Keras layers compute the same,
:mod:`nstlib.feedforward.layers`):

- :func:`reference_instance_norm`: gamma * (x - mu) / sqrt(sigma^2 + epsilon) + beta, mu and
  sigma^2 each image's and each channel's own mean and (biased) variance over its positions
  (Ulyanov, Vedaldi and Lempitsky 2016).
- :func:`reference_upsample`: nearest-neighbour resizing by 2, reflection padding of 1, a 3x3
  convolution with stride 1 and its bias (Odena, Dumoulin and Olah 2016's resize-then-convolve).

Both are layers of a network that is trained, so besides the value: a tf.Tensor of the right
shape, a gradient flows back to the input and to the learned weights, and the function works
inside a tf.function with unknown sizes and on symbolic Keras tensors.
"""

import numpy as np
import tensorflow as tf

from .harness import (
    CheckFailed,
    as_tensor,
    compare,
    expect_gradient,
    expect_symbolic,
    passed,
    quiet,
    run_student,
)

EPSILON = 1e-5
IN_SHAPE = (2, 5, 7, 3)  # two images (a batch), H != W, three channels: every axis mix-up shows
UP_SHAPE = (2, 3, 5, 2)  # upsample's input; the kernel maps 2 channels to 4
UP_OUT = 4


def reference_instance_norm(x, gamma, beta, epsilon=EPSILON):
    """x (m, n_H, n_W, n_C) normalized per image and per channel over its positions, scaled and shifted."""
    mu, var = tf.nn.moments(x, axes=[1, 2], keepdims=True)  # (m, 1, 1, n_C)
    return gamma * (x - mu) / tf.sqrt(var + epsilon) + beta


def reference_upsample(x, kernel, bias):
    """x (m, n_H, n_W, C_in) -> (m, 2 n_H, 2 n_W, C_out): nearest x2, reflection pad 1, 3x3 conv + bias."""
    shape = tf.shape(x)
    x = tf.image.resize(x, (2 * shape[1], 2 * shape[2]), method="nearest")
    x = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    return tf.nn.conv2d(x, kernel, strides=1, padding="VALID") + bias


# --------------------------------------------------------------------------- instance normalization

def _in_inputs():
    """x with channels of very different scales (one nearly flat, so epsilon matters), gamma, beta."""
    rng = np.random.default_rng(8)
    x = rng.normal(size=IN_SHAPE).astype(np.float32)
    x *= np.float32([1.0, 5.0, 2e-3])  # the last channel's variance (4e-6) is near epsilon
    x += np.float32([0.5, -3.0, 0.0])  # the flat channel about 0: float32 keeps its small deviations
    x[1] = x[1] * np.float32([4.0, 0.5, 3.0]) + np.float32([2.0, 1.0, 0.0])  # the second image: other statistics
    gamma = np.float32([1.5, 0.5, 2.0])
    beta = np.float32([0.1, -0.2, 0.3])
    return tf.constant(x), tf.constant(gamma), tf.constant(beta)


def _in_mistakes(x, gamma, beta):
    """The values of typical wrong instance normalizations, with their hints."""
    x = np.asarray(x, np.float64)
    g, b = np.asarray(gamma, np.float64), np.asarray(beta, np.float64)

    def norm(axes, eps=EPSILON, ddof=0, std=True, eps_outside=False):
        mu = x.mean(axis=axes, keepdims=True)
        n = np.prod([x.shape[a] for a in axes])
        var = ((x - mu) ** 2).sum(axis=axes, keepdims=True) / (n - ddof)
        if eps_outside:
            return (x - mu) / (np.sqrt(var) + eps)
        return (x - mu) / (np.sqrt(var + eps) if std else var + eps)

    right = norm((1, 2))
    wrong = [
        (g * norm((0, 1, 2)) + b, "the mean and variance were taken over the whole batch as well (batch "
                                  "normalization): in instance normalization each image has its own"),
        (g * norm((1, 2, 3)) + b, "the mean and variance were taken over the channels as well: each channel "
                                  "of each image is normalized with its own statistics"),
        (g * norm((0, 1, 2, 3)) + b, "one mean and one variance for the whole tensor: each image's channel "
                                     "needs its own, over that image's positions only"),
        (right, "the learned scale gamma and offset beta are missing: the layer could never "
                "learn any contrast or brightness back"),
        (g * right, "the learned offset beta is missing"),
        (right * 1 + b, "the learned scale gamma is missing"),
        (g * norm((1, 2), eps=0.0) + b, "epsilon is missing: a flat channel (variance near 0) is divided by "
                                        "almost nothing"),
        (g * norm((1, 2), eps_outside=True) + b, "epsilon belongs under the square root, with the variance"),
        (g * norm((1, 2), std=False) + b, "divided by the variance: divide by the standard deviation, its "
                                          "square root"),
        (g * norm((1, 2), ddof=1) + b, "the unbiased variance (divided by n_H n_W - 1): instance "
                                       "normalization divides by the number of positions, n_H n_W"),
    ]
    return [(value.astype(np.float32), hint) for value, hint in wrong]


def _in_build(gamma, beta):
    import keras

    specs = [tf.TensorSpec((None, None, None, IN_SHAPE[-1]), tf.float32)]
    return specs, lambda: [keras.Input((None, None, IN_SHAPE[-1]))], lambda fn, x: fn(x, gamma, beta)


def check_instance_norm(instance_norm):
    """Check instance_norm(x, gamma, beta): x (m, n_H, n_W, n_C), gamma and beta (n_C,).

    Each image's channel is normalized over its own positions (mean 0, variance 1, epsilon
    1e-5 added to the variance under the square root), then scaled by gamma and shifted by
    beta. The answer: a float32 tf.Tensor of x's shape. Notebook 08.
    """
    name = "instance_norm"
    x, gamma, beta = _in_inputs()
    expected = np.asarray(reference_instance_norm(x, gamma, beta))
    call = f"instance_norm(x, gamma, beta) for x of shape {IN_SHAPE}"
    with quiet():
        out = run_student(name, instance_norm, x, gamma, beta)
        if out is not None and tuple(getattr(out, "shape", ())) in ((1, 1, 1, 3), (IN_SHAPE[0], 1, 1, 3), (3,)):
            raise CheckFailed(f"{call} returned shape {tuple(out.shape)}: that is the shape of the statistics; "
                              f"return the normalized x itself, shape {IN_SHAPE}")
        got = as_tensor(out, call, IN_SHAPE)
        compare(call, got, expected, _in_mistakes(x, gamma, beta), atol=1e-4)
        # the same image alone gives the same answer: nothing from the other images leaks in
        alone = as_tensor(run_student(name, instance_norm, x[:1], gamma, beta), "instance_norm(x[:1], gamma, beta)",
                          (1,) + IN_SHAPE[1:])
        if not np.allclose(alone, expected[:1], atol=1e-4):
            raise CheckFailed("instance_norm(x[:1], gamma, beta) differs from the first image of instance_norm(x, "
                              "gamma, beta): an image's result must not depend on the other images of the batch")
        expect_gradient(name, instance_norm, [x, gamma, beta], wrt=(0, 1, 2),
                        call=call)
        expect_symbolic(name, instance_norm, _in_build(gamma, beta), [x], expected, call)
    passed(name)


# --------------------------------------------------------------------------- upsampling

def _up_inputs():
    rng = np.random.default_rng(9)
    x = tf.constant(rng.normal(size=UP_SHAPE).astype(np.float32))
    kernel = tf.constant(rng.normal(size=(3, 3, UP_SHAPE[-1], UP_OUT)).astype(np.float32) / 3)
    bias = tf.constant(rng.normal(size=(UP_OUT,)).astype(np.float32))
    return x, kernel, bias


def _up_mistakes(x, kernel, bias):
    m, h, w, _ = UP_SHAPE
    big = tf.image.resize(x, (2 * h, 2 * w), method="nearest")
    conv = lambda t, pad="REFLECT": tf.nn.conv2d(  # noqa: E731
        tf.pad(t, [[0, 0], [1, 1], [1, 1], [0, 0]], mode=pad), kernel, 1, "VALID")
    bilinear = tf.image.resize(x, (2 * h, 2 * w), method="bilinear")
    wrong = [
        (conv(big, "CONSTANT") + bias, "the border is wrong: padded with zeros, which the network paints as a "
                                       "dark frame; pad by reflection (mirror the border)"),
        (conv(big, "SYMMETRIC") + bias, "the border is padded symmetrically (the edge pixel repeated): pad by "
                                        "reflection, which mirrors around the edge pixel"),
        (conv(big), "the bias is missing"),
        (conv(bilinear) + bias, "resized by bilinear interpolation: this layer resizes by the nearest "
                                "neighbour, each pixel copied into a 2x2 block"),
        (tf.image.resize(conv(x) + bias, (2 * h, 2 * w), method="nearest"),
         "convolved first, resized after: the result is made of 2x2 blocks; resize first, so that the "
         "convolution works at the new size"),
    ]
    return [(np.asarray(value), hint) for value, hint in wrong]


def _up_build(kernel, bias):
    import keras

    specs = [tf.TensorSpec((None, None, None, UP_SHAPE[-1]), tf.float32)]
    return specs, lambda: [keras.Input((None, None, UP_SHAPE[-1]))], lambda fn, x: fn(x, kernel, bias)


def check_upsample(upsample):
    """Check upsample(x, kernel, bias): x (m, n_H, n_W, C_in), kernel (3, 3, C_in, C_out), bias (C_out,).

    Nearest-neighbour resizing to (2 n_H, 2 n_W), reflection padding of 1 pixel, a 3x3
    convolution with stride 1 ("VALID" after the padding) plus the bias. The answer: a float32
    tf.Tensor (m, 2 n_H, 2 n_W, C_out). Notebook 08.
    """
    name = "upsample"
    x, kernel, bias = _up_inputs()
    m, h, w, _ = UP_SHAPE
    shape = (m, 2 * h, 2 * w, UP_OUT)
    expected = np.asarray(reference_upsample(x, kernel, bias))
    call = f"upsample(x, kernel, bias) for x of shape {UP_SHAPE} and a (3, 3, {UP_SHAPE[-1]}, {UP_OUT}) kernel"
    with quiet():
        out = run_student(name, upsample, x, kernel, bias)
        got_shape = tuple(getattr(out, "shape", ()))
        if got_shape == (m, 2 * w, 2 * h, UP_OUT):
            raise CheckFailed(f"{call} returned shape {got_shape}, expected {shape}: the height and the width "
                              "are swapped (tf.image.resize takes (height, width), an image is [m, y, x, c])")
        if got_shape == (m, h, w, UP_OUT):
            raise CheckFailed(f"{call} returned shape {got_shape}, expected {shape}: the picture was not "
                              "enlarged; the layer doubles the height and the width before the convolution")
        if got_shape in ((m, 2 * h - 2, 2 * w - 2, UP_OUT), (m, 2 * h + 2, 2 * w + 2, UP_OUT)):
            raise CheckFailed(f"{call} returned shape {got_shape}, expected {shape}: the padding and the 3x3 "
                              "convolution must keep the size: one pixel on each side, then a 'VALID' convolution")
        got = as_tensor(out, call, shape)
        compare(call, got, expected, _up_mistakes(x, kernel, bias), atol=1e-4)
        expect_gradient(name, upsample, [x, kernel, bias], wrt=(0, 1, 2), call=call)
        expect_symbolic(name, upsample, _up_build(kernel, bias), [x], expected, call)
    passed(name)
