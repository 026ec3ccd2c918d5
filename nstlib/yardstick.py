"""The yardstick every picture is judged by, whatever made it (issue 14's definition).

VGG-19 (Keras' own, float32, TensorFlow's gradient: nothing of nstlib's extractor) on
``preprocess_input``'ed images at `size` px (512 by default):

- the style distance is the mean over block1_conv1 .. block5_conv1 of the mean squared
  difference of the Gram matrices, each divided by C·H·W;
- the style ratio is the result's style distance divided by the content image's (how far
  the photo itself is from the painting's style): lower is more painted;
- the content distance is the mean squared difference of the activations at block4_conv2
  between the result and the content image: lower is more faithful.

    judge = Yardstick("astronaut", "hubble_deep_field")
    judge(result.best_image)   # {"style_ratio": ..., "content_distance": ...}

Used by the benchmarks (benchmarks/yardstick.py) and by notebook 06's graded tuning
exercise (nstlib.checks.nb06_tuning). Not part of the algorithm: it reads the weights file
and the images it is given by name (:mod:`nstlib.io`).
"""

import keras
import numpy as np
import tensorflow as tf

from .core.pixels import resize, resize_to
from .io.sources import as_image
from .io.weights import find_weights

STYLE = [f"block{i}_conv1" for i in range(1, 6)]
CONTENT = "block4_conv2"


def _gram(a):
    _, h, w, c = a.shape  # a: (1, H, W, C)
    f = tf.reshape(a, (-1, c))  # (H·W, C)
    return tf.matmul(f, f, transpose_a=True) / (c * h * w)  # (C, C)


class Yardstick:
    """The yardstick for one (content, style) pair, at `size` px.

    content, style: example names, paths or URLs (loaded at `size` px), or (1, H, W, 3)
    images in [0, 1], used as they are.
    """

    def __init__(self, content, style, size=512):
        vgg = keras.applications.VGG19(include_top=False, weights=find_weights())
        self.model = keras.Model(vgg.input, [vgg.get_layer(n).output for n in STYLE + [CONTENT]])
        self.size = size
        self.content = as_image(content, size) if isinstance(content, str) else content
        style = as_image(style, size) if isinstance(style, str) else style
        self.style_grams = self._features(style)[0]
        grams, self.content_features = self._features(self.content)
        self.content_style = self._style_distance(grams)

    def _features(self, image):
        outputs = self.model(keras.applications.vgg19.preprocess_input(tf.cast(image, tf.float32) * 255.0))
        return [_gram(a) for a in outputs[:-1]], outputs[-1]

    def _style_distance(self, grams):
        return float(np.mean([np.mean((g - s).numpy() ** 2) for g, s in zip(grams, self.style_grams)]))

    def __call__(self, image):
        if max(image.shape[1:3]) != self.size:
            image = resize(image, self.size)
        image = resize_to(image, self.content.shape[1:3])
        grams, features = self._features(image)
        return {
            "style_ratio": self._style_distance(grams) / self.content_style,
            "content_distance": float(np.mean((features - self.content_features).numpy() ** 2)),
        }
