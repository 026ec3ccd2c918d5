"""Resizing an image tensor: the algorithm's only pixel plumbing, on tensors, with no file.

Every image inside nstlib is a float32 tensor of shape (1, H, W, 3) with values in [0, 1].
:mod:`nstlib.io.images` (which loads and saves files) re-exports these two.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from ..errors import NSTError


def resize(image: tf.Tensor, max_dim: int) -> tf.Tensor:
    """image (1, H, W, 3) resized so that its longest side is max_dim, aspect kept.

    Shrinks or enlarges, antialiased; values stay in [0, 1].
    Used throughout the notebooks; taught nowhere: it's plumbing.
    """
    if isinstance(max_dim, bool) or not isinstance(max_dim, (int, np.integer)) or max_dim < 1:
        raise NSTError(f"max_dim must be a whole number of pixels >= 1, not {max_dim!r}.")
    height, width = tf.convert_to_tensor(image).shape[-3:-1]
    scale = max_dim / max(height, width)
    return resize_to(image, (max(1, round(height * scale)), max(1, round(width * scale))))


def resize_to(image: tf.Tensor, size: tuple) -> tf.Tensor:
    """image (1, H, W, 3) or (H, W, 3) resized to size = (new_H, new_W), antialiased.

    Used throughout the notebooks (e.g. to give two images one size); taught nowhere.
    """
    image = tf.convert_to_tensor(image, tf.float32)
    size = tuple(int(side) for side in size)  # also takes a TensorShape: content.shape[1:3]
    if tuple(image.shape[-3:-1]) != size:
        image = tf.image.resize(image, size, method="bilinear", antialias=True)
    return tf.clip_by_value(image, 0.0, 1.0)
