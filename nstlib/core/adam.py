"""Adam on the image's pixels, as a pure function, so that its state can move between sizes.

The update is Keras' Adam, to the letter (``keras.optimizers.Adam``; tests/test_loop.py
checks that the two agree). It is written out here because a Keras optimizer keeps its
moments in variables of one fixed shape: a coarse-to-fine run needs to carry them from
one size to the next (resized, as K. Crowson's style-transfer-pytorch warm-starts Adam
between scales), and one traced step needs to serve every size. The state also holds a
bias-corrected exponential moving average of the iterates (Config.ema), the output of
the high-quality preset.

Taught in notebooks/05_full_optimization.ipynb (Adam); 07_beyond_the_basics.ipynb (the average).
"""

from typing import NamedTuple

import tensorflow as tf

BETA_2 = 0.999  # Keras' default, as the TensorFlow tutorial keeps it


class AdamState(NamedTuple):
    m: tf.Tensor  # (1, H, W, 3): the moving average of the gradient
    v: tf.Tensor  # (1, H, W, 3): the moving average of its square
    t: tf.Tensor  # the number of steps taken (a float scalar)
    avg: tf.Tensor  # (1, H, W, 3): the moving average of the images, not yet bias-corrected
    decay: tf.Tensor  # decay**(steps since the average started): its bias correction

    @classmethod
    def zeros(cls, shape):
        zero = tf.zeros(shape, tf.float32)
        return cls(zero, zero, tf.constant(0.0), zero, tf.constant(1.0))

    def average(self):
        """The bias-corrected average of the images since it started: the last one when ema is 0."""
        return self.avg / (1.0 - self.decay)

    def resized(self, size):
        """This state for an image of size (H, W): the moments upsampled, with the scale
        of the gradient per pixel (which shrinks with the pixel count) taken into account.
        The average starts again at the new size."""
        area = (self.m.shape[1] * self.m.shape[2]) / (size[0] * size[1])
        m = tf.image.resize(self.m, size, method="bicubic") * area
        v = tf.nn.relu(tf.image.resize(self.v, size, method="bilinear")) * area**2
        zero = tf.zeros_like(m)
        return AdamState(m, v, self.t, zero, tf.constant(1.0))


def hyperparameters(config):
    """The step's scalar inputs from a Config, as tensors (a change retraces nothing)."""
    values = {"lr": config.learning_rate, "beta_1": config.adam_beta1, "beta_2": BETA_2,
              "epsilon": config.adam_epsilon, "ema": config.ema}
    return {k: tf.constant(v, tf.float32) for k, v in values.items()}


def adam_update(x, grad, state, hyper):
    """One Adam step on x (pixels kept in [0, 1]): (new x, new AdamState)."""
    t = state.t + 1.0
    m = state.m + (grad - state.m) * (1.0 - hyper["beta_1"])
    v = state.v + (tf.square(grad) - state.v) * (1.0 - hyper["beta_2"])
    step_size = hyper["lr"] * tf.sqrt(1.0 - hyper["beta_2"] ** t) / (1.0 - hyper["beta_1"] ** t)
    new_x = tf.clip_by_value(x - step_size * m / (tf.sqrt(v) + hyper["epsilon"]), 0.0, 1.0)
    avg = hyper["ema"] * state.avg + (1.0 - hyper["ema"]) * new_x
    return new_x, AdamState(m, v, t, avg, state.decay * hyper["ema"])
