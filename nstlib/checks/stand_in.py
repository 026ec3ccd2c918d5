"""StandInExtractor: a tiny random convnet standing in for VGG-19 in the checks and tests."""

import numpy as np
import tensorflow as tf

from ..config import LAYER_NAMES


class StandInExtractor(tf.Module):
    """A tiny fixed random convnet that answers to VGG-19's layer names.

    Lets check_train_step (and tests) build a real StyleTransfer problem without the
    VGG-19 weights: ``extractor(image)`` returns {layer name: activations} for the
    requested layers, each a 3x3 convolution (softplus) of the one before, halved in
    size between them. Its kernels are *trainable* variables on purpose, so that a
    train step that takes the gradient with respect to the weights is caught.
    """

    def __init__(self, layer_names, channels=4, seed=0):
        super().__init__(name="stand_in_extractor")
        self.layer_names = sorted(dict.fromkeys(layer_names), key=LAYER_NAMES.index)
        rng = np.random.default_rng(seed)
        self.kernels = []
        c_in = 3
        for _ in self.layer_names:
            k = rng.normal(0.0, 1.0 / np.sqrt(9 * c_in), (3, 3, c_in, channels)).astype(np.float32)
            self.kernels.append(tf.Variable(k, trainable=True))
            c_in = channels
        self.model = self  # like FeatureExtractor.model, for `extractor.model.trainable_variables`

    def __call__(self, image):
        x, outputs = tf.cast(image, tf.float32) * 2.0 - 1.0, {}
        for i, (name, k) in enumerate(zip(self.layer_names, self.kernels)):
            if i > 0:
                x = tf.nn.avg_pool2d(x, 2, 2, "SAME")
            x = tf.nn.softplus(tf.nn.conv2d(x, k, 1, "SAME"))
            outputs[name] = x
        return outputs
