"""An image from one layer's activations alone: Gatys et al.'s content reconstruction.

``reconstruct(a_target, extractor, layer, start, steps, learning_rate)`` changes the
pixels of ``start`` with Adam until its activations at ``layer`` match ``a_target``
(the content cost of :mod:`nstlib.core.costs`), keeping the pixels in [0, 1]. Nothing
else: no style, no total variation, no schedule (:func:`nstlib.stylize` is the full loop).

Taught in notebooks/02_vgg_features.ipynb.
"""

import keras
import tensorflow as tf

from .costs import content_cost


def reconstruct(a_target, extractor, layer, start, steps, learning_rate):
    """`steps` Adam steps on the pixels of `start` towards the activations a_target at `layer`.

    a_target: (1, n_H, n_W, n_C), the activations to match; extractor: a callable, image
    (1, H, W, 3) in [0, 1] -> {layer name: activations} (a FeatureExtractor); start: the
    image to start from, (1, H, W, 3) in [0, 1]. Each step minimizes
    content_cost(a_target, extractor(image)[layer]) with one step of
    keras.optimizers.Adam(learning_rate) (created once) on the image's pixels only, then
    clips the image to [0, 1]. Returns the image, a float32 tf.Tensor (1, H, W, 3).
    The extractor's weights are never changed. Taught in notebooks/02_vgg_features.ipynb.
    """
    a_target = tf.convert_to_tensor(a_target, tf.float32)
    image = tf.Variable(tf.convert_to_tensor(start, tf.float32))
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    optimizer.build([image])  # its slots exist before the step is traced

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            J = content_cost(a_target, extractor(image)[layer])
        optimizer.apply_gradients([(tape.gradient(J, image), image)])
        image.assign(tf.clip_by_value(image, 0.0, 1.0))
        return J

    for _ in range(steps):
        step()
    return tf.convert_to_tensor(image)
