"""The course's cost functions, each a pure TensorFlow function.

They take activations of shape (1, n_H, n_W, n_C), as VGG-19 returns them, and work
on eager tensors, inside a ``tf.function`` and on symbolic Keras tensors alike
(nothing here calls ``.numpy()`` or reads a static shape that may be unknown).

Taught in:
- ``content_cost``: notebooks/03_content_cost.ipynb
- ``gram_matrix``, ``layer_style_cost``, ``style_cost``: notebooks/04_style_cost.ipynb
- ``total_cost``, ``total_variation_cost``: notebooks/05_full_optimization.ipynb

What the training loop computes from them, under each reference's normalization, is in
:mod:`nstlib.core.losses`.
"""

from __future__ import annotations

import tensorflow as tf

from ..config import STYLE_LAYERS  # noqa: F401 (the course's layers, used in notebook 04)


def _dims(a):
    """(n_H, n_W, n_C) of activations a of shape (1, n_H, n_W, n_C), as float32 tensors."""
    shape = tf.shape(a)
    return tuple(tf.cast(shape[i], tf.float32) for i in (1, 2, 3))


def content_cost(a_C: tf.Tensor, a_G: tf.Tensor) -> tf.Tensor:
    """J_content = 1 / (4 n_H n_W n_C) * sum((a_C - a_G)^2).

    a_C, a_G: (1, n_H, n_W, n_C) activations of the content and generated images at
    one layer. Returns a float32 scalar. Taught in notebooks/03_content_cost.ipynb.
    """
    a_C = tf.convert_to_tensor(a_C, tf.float32)
    a_G = tf.convert_to_tensor(a_G, tf.float32)
    n_H, n_W, n_C = _dims(a_G)
    return tf.reduce_sum(tf.square(a_C - a_G)) / (4.0 * n_H * n_W * n_C)


def gram_matrix(A: tf.Tensor) -> tf.Tensor:
    """G_A = A A^T for A of shape (n_C, n_H*n_W); returns (n_C, n_C).

    G_A[i, j] is how much channels i and j fire together over the whole image: the
    image's texture, with where things are thrown away. Taught in
    notebooks/04_style_cost.ipynb.
    """
    A = tf.convert_to_tensor(A, tf.float32)
    return tf.matmul(A, A, transpose_b=True)  # (n_C, n_C)


def unroll(a: tf.Tensor) -> tf.Tensor:
    """Activations (1, n_H, n_W, n_C) -> A of shape (n_C, n_H*n_W), ready for gram_matrix."""
    a = tf.convert_to_tensor(a, tf.float32)
    n_C = tf.shape(a)[-1]
    return tf.transpose(tf.reshape(a, (-1, n_C)))  # (n_C, n_H*n_W)


def style_gram(a: tf.Tensor) -> tf.Tensor:
    """The Gram matrix (n_C, n_C) of activations a of shape (1, n_H, n_W, n_C)."""
    return gram_matrix(unroll(a))


def gram_style_cost(G_S: tf.Tensor, a_G: tf.Tensor) -> tf.Tensor:
    """layer_style_cost with the style image's Gram matrix G_S computed beforehand.

    The training loop computes G_S once and calls this at every step.
    """
    n_H, n_W, n_C = _dims(a_G)
    G_G = style_gram(a_G)  # (n_C, n_C)
    return tf.reduce_sum(tf.square(G_S - G_G)) / (4.0 * n_C**2 * (n_H * n_W) ** 2)


def layer_style_cost(a_S: tf.Tensor, a_G: tf.Tensor) -> tf.Tensor:
    """J_style^[l] = 1 / (4 n_C^2 (n_H n_W)^2) * sum((G_S - G_G)^2) at one layer.

    a_S, a_G: (1, n_H, n_W, n_C) activations of the style and generated images.
    Taught in notebooks/04_style_cost.ipynb.
    """
    return gram_style_cost(style_gram(a_S), a_G)


def style_cost(a_S: dict, a_G: dict, weights: dict | tuple | None = None) -> tf.Tensor:
    """J_style = sum over layers l of lambda_l * J_style^[l].

    a_S, a_G: sequences (or dicts keyed by layer name) of activations, one per style
    layer, in the same order; weights: the lambda_l, one per layer (default 1/L
    each, which is the course's 0.2 for its five layers). Taught in
    notebooks/04_style_cost.ipynb.
    """
    if isinstance(a_S, dict):
        names = list(a_S)
        a_S, a_G = [a_S[n] for n in names], [a_G[n] for n in names]
    if weights is None:
        weights = [1.0 / len(a_S)] * len(a_S)
    if isinstance(weights, dict):
        weights = list(weights.values())
    if not len(a_S) == len(a_G) == len(weights):
        raise ValueError(
            f"style_cost needs as many style activations ({len(a_S)}), generated "
            f"activations ({len(a_G)}) and weights ({len(weights)}), one per layer"
        )
    J_style = tf.constant(0.0)
    for a_S_l, a_G_l, lambda_l in zip(a_S, a_G, weights):
        J_style += float(lambda_l) * layer_style_cost(a_S_l, a_G_l)
    return J_style


def total_variation_cost(image: tf.Tensor) -> tf.Tensor:
    """Sum of absolute differences between neighbouring pixels of image (1, H, W, 3).

    Penalizes high-frequency noise; weighted by tv_weight in the loop. Uses
    ``tf.image.total_variation``. Taught in notebooks/05_full_optimization.ipynb.
    """
    return tf.reduce_sum(tf.image.total_variation(tf.convert_to_tensor(image, tf.float32)))


def total_cost(J_content: tf.Tensor | float, J_style: tf.Tensor | float, alpha: float = 10, beta: float = 40,
               J_tv: tf.Tensor | float = 0.0, tv_weight: float = 0.0) -> tf.Tensor | float:
    """J(G) = alpha * J_content(C, G) + beta * J_style(S, G) + tv_weight * J_tv(G).

    Scalars (or scalar tensors) in, a scalar out. The first four parameters are the
    deeplearning.ai assignment's, in its order (``total_cost(J_content, J_style, 10, 40)``);
    the smoothness term comes after them. Taught in notebooks/05_full_optimization.ipynb.
    """
    return alpha * J_content + beta * J_style + tv_weight * J_tv


def position_gram(a: tf.Tensor, mask: tf.Tensor | None = None) -> tf.Tensor:
    """G / (number of positions) for activations a (1, n_H, n_W, n_C), optionally masked.

    The loop compares Gram matrices per position, so that a style image of another size
    than the content still asks for the same statistics (the same texture over twice the
    area has twice the Gram matrix, but the same G per position). With equal sizes,
    sum((G_hat_S - G_hat_G)^2) / (4 n_C^2) is exactly the course's layer_style_cost.

    mask: (1, n_H, n_W, 1) weights in [0, 1] (a region of the image): the Gram matrix
    is then the mask-weighted mean over positions (activations scaled by sqrt(mask), so
    soft edges weigh each position by m, not m^2). Returns (n_C, n_C).
    """
    a = tf.convert_to_tensor(a, tf.float32)
    if mask is None:
        n_H, n_W, _ = _dims(a)
        return style_gram(a) / (n_H * n_W)
    return style_gram(a * tf.sqrt(mask)) / tf.maximum(tf.reduce_sum(mask), 1.0)
