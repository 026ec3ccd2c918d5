"""VGG-19, frozen, as a feature extractor: an image in, the activations of named layers out.

The network and its weights come from the provider the application registers
(:mod:`nstlib.core.pretrained`; ``import nstlib`` registers :mod:`nstlib.io.weights`'s loader):
the algorithm reads no weights file itself. VGG-19's layer names and the choices (poolings,
precisions) are in :mod:`nstlib.config`.

One speed-up, exact up to float rounding: the gradient of a 3x3 convolution with respect
to its input is itself a convolution, of the output's gradient with the kernel flipped
in space and with its channels swapped. On CPUs whose backward-convolution kernel is
much slower than the forward one (TensorFlow's default Eigen kernels on AVX2 CPUs are
about half as fast backward), the extractor computes the input gradient that way. Which
is faster is measured once per process (``input_gradient="auto"``); see benchmarks/.

Taught in notebooks/01_transfer_learning.ipynb and notebooks/02_vgg_features.ipynb.
"""

import functools
import os
import time

import keras
import numpy as np
import tensorflow as tf

from ..config import LAYER_NAMES, POOLINGS, PRECISIONS, check_choice, check_layers
from ..errors import NSTError
from . import pretrained

INPUT_GRADIENTS = ("auto", "forward", "tensorflow")


def preprocess(image):
    """VGG-19's input from images (1, H, W, 3) of RGB pixels in [0, 1].

    The channels flipped to BGR, scaled to [0, 255], minus ImageNet's mean colour
    (B, G, R) = (103.939, 116.779, 123.68): what VGG-19's weights (converted from Caffe)
    were trained on, = ``keras.applications.vgg19.preprocess_input(image * 255.0)``.
    Taught in notebooks/01_transfer_learning.ipynb.
    """
    return keras.applications.vgg19.preprocess_input(image * 255.0)


def bfloat16_is_fast():
    """True on CPUs with bfloat16 instructions (AVX512_BF16 or AMX), where VGG runs faster in it."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        return False
    return not tf.config.list_physical_devices("GPU") and ("avx512_bf16" in flags or "amx_bf16" in flags)


def resolve_precision(precision):
    """"auto" -> "bfloat16" where bfloat16_is_fast(), else "float32".

    NSTLIB_AUTO_PRECISION=float32 makes "auto" mean float32 on any CPU: a machine with
    bfloat16 instructions then measures the float32 path most laptops take.
    """
    check_choice("precision", precision, PRECISIONS)
    if precision == "auto":
        forced = os.environ.get("NSTLIB_AUTO_PRECISION", "")
        if forced:
            check_choice("NSTLIB_AUTO_PRECISION", forced, ("float32", "bfloat16"))
            return forced
        return "bfloat16" if bfloat16_is_fast() else "float32"
    return precision


@functools.lru_cache(maxsize=4)
def forward_gradient_is_faster(dtype="float32"):
    """True if a forward 3x3 convolution beats TensorFlow's input-gradient kernel by 20 %.

    Measured once per process and dtype, best of three after a warm-up, on the shape of
    the first blocks' layers, which cost the most: 192x192x64 -> 64 (benchmarks/ compare
    the two kernels).
    """
    x = tf.cast(tf.random.stateless_normal((1, 192, 192, 64), seed=(1, 2)), dtype)
    k = tf.cast(tf.random.stateless_normal((3, 3, 64, 64), seed=(3, 4)), dtype)

    def best(fn):
        fn().numpy()
        times = []
        for _ in range(3):
            start = time.perf_counter()
            fn().numpy()
            times.append(time.perf_counter() - start)
        return min(times)

    forward = best(lambda: tf.nn.conv2d(x, k, 1, "SAME"))
    backward = best(lambda: tf.nn.conv2d_transpose(x, k, tf.shape(x), 1, "SAME"))  # the input gradient
    return forward < 0.8 * backward


class Conv3x3(keras.layers.Layer):
    """One of VGG-19's 3x3 convolutions with its ReLU, frozen, the same weights.

    With ``forward_gradient=True`` its input gradient is computed as a forward
    convolution with the flipped kernel (see the module's docstring); the weights get no
    gradient (they are frozen). ``compute_dtype`` "bfloat16" computes in bfloat16.
    """

    def __init__(self, conv, forward_gradient=False, compute_dtype="float32", **kwargs):
        policy = "mixed_bfloat16" if compute_dtype == "bfloat16" else None
        super().__init__(name=conv.name, trainable=False, dtype=policy, **kwargs)
        kernel, bias = conv.get_weights()  # (3, 3, C_in, C_out), (C_out,)
        self.kernel = tf.constant(kernel, compute_dtype)
        self.bias = tf.constant(bias, compute_dtype)
        # the input gradient's kernel: flipped in space, in and out channels swapped
        self.kernel_t = tf.constant(np.ascontiguousarray(kernel[::-1, ::-1].transpose(0, 1, 3, 2)), compute_dtype)
        self.forward_gradient, self.compute = forward_gradient, compute_dtype
        self.filters = kernel.shape[-1]

    def call(self, x):
        x = tf.cast(x, self.compute)
        if not self.forward_gradient:
            return tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, self.kernel, 1, "SAME"), self.bias))

        @tf.custom_gradient
        def conv_relu(x):
            y = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, self.kernel, 1, "SAME"), self.bias))

            def grad(dy):
                return tf.nn.conv2d(tf.where(y > 0, dy, tf.zeros_like(dy)), self.kernel_t, 1, "SAME")

            return y, grad

        return conv_relu(x)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.filters)


@functools.lru_cache(maxsize=8)
def cached_extractor(layer_names, weights=None, pooling="max", preprocess=True, precision="float32"):
    """A FeatureExtractor shared by every run with the same settings (it holds no state
    but frozen weights), so a video, a coarse-to-fine ladder or the studio build it once."""
    return FeatureExtractor(list(layer_names), weights, pooling, preprocess, precision)


class FeatureExtractor:
    """Activations of the named VGG-19 layers for images in [0, 1].

    ``extractor(image)`` takes a float tensor of shape (1, H, W, 3) in [0, 1], applies
    ``keras.applications.vgg19.preprocess_input`` itself (unless ``preprocess=False``,
    which feeds the [0, 1] pixels as they are, as some courses do), and returns a dict
    {layer name: activations of shape (1, n_H, n_W, n_C)}. The network is cut after
    the deepest requested layer, so nothing past it is computed. With
    ``pooling="avg"`` the max poolings become average poolings (Gatys et al.'s choice).
    With ``precision="bfloat16"`` the convolutions compute in bfloat16 (the activations
    come back as float32, so the costs are float32). ``input_gradient``: how the gradient
    with respect to the image is computed, "forward", "tensorflow" or "auto" (measured).
    ``extractor.model`` is the Keras model (VGG-19's layers and weights, frozen).
    ``weights``: None, or the path of VGG-19's weights file, handed to the registered
    provider (:mod:`nstlib.core.pretrained`), which loads it.

    Taught in notebooks/02_vgg_features.ipynb.
    """

    def __init__(self, layer_names, weights=None, pooling="max", preprocess=True, precision="float32",
                 input_gradient="auto"):
        layer_names = list(dict.fromkeys(layer_names))  # unique, in order
        if not layer_names:
            raise NSTError("FeatureExtractor needs at least one layer name.")
        check_layers(layer_names)
        check_choice("pooling", pooling, POOLINGS)
        check_choice("input_gradient", input_gradient, INPUT_GRADIENTS)
        self.layer_names, self.pooling, self.preprocess = layer_names, pooling, preprocess
        self.precision = resolve_precision(precision)
        if input_gradient == "auto":
            input_gradient = "forward" if forward_gradient_is_faster(self.precision) else "tensorflow"
        self.input_gradient = input_gradient
        self.model = self._build(pretrained.vgg19(weights))

    def _build(self, vgg):
        deepest = max(LAYER_NAMES.index(n) for n in self.layer_names)
        inputs = keras.Input(shape=(None, None, 3))
        x, outputs = inputs, {}
        for name in LAYER_NAMES[: deepest + 1]:  # a chain: stop at the deepest layer
            if name.endswith("pool"):
                pool = keras.layers.AveragePooling2D if self.pooling == "avg" else keras.layers.MaxPooling2D
                x = pool(2, 2, name=name, dtype="mixed_bfloat16" if self.precision == "bfloat16" else None)(x)
            else:
                x = Conv3x3(vgg.get_layer(name), self.input_gradient == "forward", self.precision)(x)
            if name in self.layer_names:
                outputs[name] = keras.ops.cast(x, "float32")
        model = keras.Model(inputs, outputs, name=f"vgg19_to_{LAYER_NAMES[deepest]}")
        model.trainable = False
        return model

    def __call__(self, image):
        x = tf.cast(image, tf.float32)  # (1, H, W, 3) in [0, 1]
        if self.preprocess:  # RGB -> BGR in [0, 255], ImageNet mean subtracted
            x = keras.applications.vgg19.preprocess_input(x * 255.0)
        outputs = self.model(x, training=False)
        return {name: outputs[name] for name in self.layer_names}
