"""The transform network: a photo in, the painted photo out, in one forward pass.

Johnson, Alahi and Fei-Fei, "Perceptual Losses for Real-Time Style Transfer and
Super-Resolution" (ECCV 2016), with instance normalization in place of batch
normalization (Ulyanov et al. 2016) and upsampling by resize-then-convolve (Odena et al.
2016). Johnson et al.'s widths are 32/64/128 with 5 residual blocks; ``ARCHITECTURE``
below is narrower, chosen for a CPU's speed (benchmarks/feedforward.py measures it). Taught in notebook 08.

    image (m, H, W, 3) in [0, 1]
      -> reflection-padded to multiples of 4
      -> ConvBlock 9x9, w1            (m, H, W, w1)
      -> ConvBlock 3x3 / 2, w2        (m, H/2, W/2, w2)
      -> ConvBlock 3x3 / 2, w3        (m, H/4, W/4, w3)
      -> residual blocks x n          (m, H/4, W/4, w3)
      -> UpsampleConv w2              (m, H/2, W/2, w2)
      -> UpsampleConv w1              (m, H, W, w1)
      -> conv 9x9, 3, sigmoid         (m, H, W, 3) in [0, 1], cropped back to H x W
"""

import keras
import tensorflow as tf

from ..errors import NSTError
from .layers import ConvBlock, ReflectionPadding, ResidualBlock, UpsampleConv

ARCHITECTURE = {"widths": [16, 32, 64], "residual_blocks": 5}
MULTIPLE = 4  # two stride-2 convolutions: sides are padded to a multiple of 4
MIN_SIDE = 16  # below this the 9x9 first layer's reflection padding runs out of image


class TransformNet(keras.Model):
    """The transform network; ``TransformNet(widths=[16, 32, 64], residual_blocks=5)``.

    ``net(images)`` takes (m, H, W, 3) in [0, 1], any H, W >= 16, and returns the painted
    images, the same shape, in [0, 1]. ``net.architecture`` is what storage.py saves to
    rebuild it. Taught in notebook 08.
    """

    def __init__(self, widths=None, residual_blocks=None, **kwargs):
        super().__init__(**kwargs)
        widths = list(widths or ARCHITECTURE["widths"])
        blocks = ARCHITECTURE["residual_blocks"] if residual_blocks is None else int(residual_blocks)
        if len(widths) != 3 or min(widths) < 1 or blocks < 0:
            raise NSTError(f"A transform network needs three positive widths and >= 0 residual blocks, "
                           f"not widths={widths}, residual_blocks={blocks}.")
        w1, w2, w3 = (int(w) for w in widths)
        self.architecture = {"widths": [w1, w2, w3], "residual_blocks": blocks}
        self.down = [ConvBlock(w1, 9), ConvBlock(w2, 3, stride=2), ConvBlock(w3, 3, stride=2)]
        self.residuals = [ResidualBlock(w3) for _ in range(blocks)]
        self.up = [UpsampleConv(w2), UpsampleConv(w1)]
        self.out_pad = ReflectionPadding(4)
        self.out_conv = keras.layers.Conv2D(3, 9, padding="valid")

    def call(self, images):
        shape = tf.shape(images)
        H, W = shape[1], shape[2]
        pad_H, pad_W = (-H) % MULTIPLE, (-W) % MULTIPLE
        x = tf.pad(images * 2.0 - 1.0, [[0, 0], [0, pad_H], [0, pad_W], [0, 0]], mode="REFLECT")
        for layer in self.down + self.residuals + self.up:
            x = layer(x)
        x = tf.sigmoid(self.out_conv(self.out_pad(x)))  # (m, H + pad_H, W + pad_W, 3) in [0, 1]
        return x[:, :H, :W, :]

    def build_for(self, size=64):
        """Create the weights by painting one blank (1, size, size, 3) image; returns self."""
        self(tf.zeros((1, size, size, 3)))
        return self


def paint(net, image):
    """The painted image (1, H, W, 3) in [0, 1] of an image (1, H, W, 3) in [0, 1]: one forward pass.

    NSTError for an image smaller than 16 px on a side.
    """
    image = tf.convert_to_tensor(image, tf.float32)
    if min(image.shape[1], image.shape[2]) < MIN_SIDE:
        raise NSTError(f"The image is {image.shape[2]}x{image.shape[1]} pixels: a transform network "
                       f"needs at least {MIN_SIDE} on each side.")
    return _forward(net, image)


@tf.function(reduce_retracing=True)
def _forward(net, image):
    return net(image, training=False)
