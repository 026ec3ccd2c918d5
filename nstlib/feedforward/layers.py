"""The transform network's building blocks, each a small Keras layer. Taught in notebook 08.

- ``InstanceNormalization``: Ulyanov, Vedaldi and Lempitsky, "Instance Normalization: The
  Missing Ingredient for Fast Stylization" (2016): each image's channels normalized over
  their own positions, so that the contrast of one photo does not leak into another's.
- ``ReflectionPadding``: pad by mirroring the border, so that a convolution sees no black
  frame (zero padding leaves dark borders in the painted picture).
- ``ConvBlock``: reflection padding, a convolution, instance normalization, ReLU.
- ``ResidualBlock``: two 3x3 convolution blocks and the input added back (He et al. 2016).
- ``UpsampleConv``: double the size by nearest-neighbour resizing, then convolve. A
  transposed convolution with a stride of 2 overlaps its kernels unevenly and leaves a
  checkerboard (Odena, Dumoulin and Olah, "Deconvolution and Checkerboard Artifacts",
  Distill 2016); resize-then-convolve cannot.

Every layer takes and returns float tensors of shape (batch, H, W, C).
"""

import keras
import tensorflow as tf


class InstanceNormalization(keras.layers.Layer):
    """y = gamma * (x - mu) / sqrt(sigma^2 + epsilon) + beta, per image and per channel.

    x: (m, n_H, n_W, n_C). mu and sigma^2 (m, 1, 1, n_C) are the mean and the variance of
    each image's channel over its n_H * n_W positions; gamma and beta (n_C,) are learned,
    starting at 1 and 0. Taught in notebook 08 (an exercise).
    """

    def __init__(self, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def build(self, input_shape):
        n_C = input_shape[-1]
        self.gamma = self.add_weight(name="gamma", shape=(n_C,), initializer="ones")
        self.beta = self.add_weight(name="beta", shape=(n_C,), initializer="zeros")

    def call(self, x):
        mu, sigma2 = tf.nn.moments(x, axes=[1, 2], keepdims=True)  # (m, 1, 1, n_C) each
        return self.gamma * (x - mu) * tf.math.rsqrt(sigma2 + self.epsilon) + self.beta

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


class ReflectionPadding(keras.layers.Layer):
    """(m, n_H, n_W, n_C) -> (m, n_H + 2p, n_W + 2p, n_C), the border mirrored (p < n_H, n_W)."""

    def __init__(self, pad, **kwargs):
        super().__init__(**kwargs)
        self.pad = int(pad)

    def call(self, x):
        p = self.pad
        return tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]], mode="REFLECT")

    def get_config(self):
        return {**super().get_config(), "pad": self.pad}


class ConvBlock(keras.layers.Layer):
    """Reflection padding, a k x k convolution with a stride, instance normalization, ReLU.

    (m, n_H, n_W, C_in) -> (m, n_H / stride, n_W / stride, filters). With ``relu=False``
    and ``norm=False`` it is a plain convolution (the network's last layer).
    """

    def __init__(self, filters, kernel_size, stride=1, norm=True, relu=True, **kwargs):
        super().__init__(**kwargs)
        self.pad = ReflectionPadding(kernel_size // 2)
        self.conv = keras.layers.Conv2D(filters, kernel_size, strides=stride, padding="valid")
        self.norm = InstanceNormalization() if norm else None
        self.relu = relu

    def call(self, x):
        x = self.conv(self.pad(x))
        if self.norm is not None:
            x = self.norm(x)
        return tf.nn.relu(x) if self.relu else x


class ResidualBlock(keras.layers.Layer):
    """x + IN(conv(ReLU(IN(conv(x))))): (m, n_H, n_W, n_C) -> the same shape."""

    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.first = ConvBlock(filters, 3)
        self.second = ConvBlock(filters, 3, relu=False)

    def call(self, x):
        return x + self.second(self.first(x))


class UpsampleConv(keras.layers.Layer):
    """Nearest-neighbour resizing by 2, then a ConvBlock: (m, n_H, n_W, C) -> (m, 2 n_H, 2 n_W, filters).

    Every output pixel is computed by the same number of kernel taps, so no checkerboard
    (a transposed convolution of stride 2 and kernel 3 overlaps unevenly). Taught in
    notebook 08 (an exercise).
    """

    def __init__(self, filters, kernel_size=3, **kwargs):
        super().__init__(**kwargs)
        self.block = ConvBlock(filters, kernel_size)

    def call(self, x):
        shape = tf.shape(x)
        x = tf.image.resize(x, (2 * shape[1], 2 * shape[2]), method="nearest")  # (m, 2 n_H, 2 n_W, C)
        return self.block(x)
