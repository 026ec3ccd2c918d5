"""VGG-19, frozen, as a feature extractor: an image in, the activations of named layers out.

The weights come from :mod:`nstlib.io.weights`; VGG-19's layer names and the choices
(poolings, precisions) are in :mod:`nstlib.config`.

Taught in notebooks/01_transfer_learning.ipynb and notebooks/02_vgg_features.ipynb.
"""

import functools

import keras
import tensorflow as tf

from ..config import LAYER_NAMES, POOLINGS, PRECISIONS, check_choice, check_layers
from ..errors import NSTError
from ..io.weights import load_vgg19


def bfloat16_is_fast():
    """True on CPUs with bfloat16 instructions (AVX512_BF16 or AMX), where VGG runs faster in it."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        return False
    return not tf.config.list_physical_devices("GPU") and ("avx512_bf16" in flags or "amx_bf16" in flags)


def resolve_precision(precision):
    """"auto" -> "bfloat16" where bfloat16_is_fast(), else "float32"."""
    check_choice("precision", precision, PRECISIONS)
    if precision == "auto":
        return "bfloat16" if bfloat16_is_fast() else "float32"
    return precision


@functools.lru_cache(maxsize=8)
def cached_extractor(layer_names, weights=None, pooling="max", preprocess=True, precision="float32"):
    """A FeatureExtractor shared by every run with the same settings (it holds no state
    but frozen weights), so a video, a coarse-to-fine ladder or the widgets build it once."""
    return FeatureExtractor(list(layer_names), weights, pooling, preprocess, precision)


class FeatureExtractor:
    """Activations of the named VGG-19 layers for images in [0, 1].

    ``extractor(image)`` takes a float tensor of shape (1, H, W, 3) in [0, 1], applies
    ``keras.applications.vgg19.preprocess_input`` itself (unless ``preprocess=False``,
    which feeds the [0, 1] pixels as they are, as some courses do), and returns a dict
    {layer name: activations of shape (1, n_H, n_W, n_C)}. The network is cut after
    the deepest requested layer, so nothing past it is computed. With
    ``pooling="avg"`` the max poolings become average poolings (Gatys et al.'s choice).
    With ``precision="bfloat16"`` the convolutions compute in bfloat16 (weights stay
    float32; the activations come back as float32, so the costs are float32).

    Taught in notebooks/02_vgg_features.ipynb.
    """

    def __init__(self, layer_names, weights=None, pooling="max", preprocess=True, precision="float32"):
        layer_names = list(dict.fromkeys(layer_names))  # unique, in order
        if not layer_names:
            raise NSTError("FeatureExtractor needs at least one layer name.")
        check_layers(layer_names)
        check_choice("pooling", pooling, POOLINGS)
        self.layer_names = layer_names
        self.pooling = pooling
        self.preprocess = preprocess
        self.precision = resolve_precision(precision)
        vgg = load_vgg19(weights)
        deepest = max(LAYER_NAMES.index(n) for n in layer_names)
        inputs = keras.Input(shape=(None, None, 3))
        x, outputs = inputs, {}
        for name in LAYER_NAMES[: deepest + 1]:  # a chain: stop at the deepest layer
            layer = vgg.get_layer(name)
            if name.endswith("pool") and pooling == "avg":
                layer = keras.layers.AveragePooling2D(2, 2, name=name)
            elif name.endswith("pool") and self.precision == "bfloat16":
                layer = keras.layers.MaxPooling2D(2, 2, name=name, dtype="mixed_bfloat16")
            elif self.precision == "bfloat16":  # the same weights, computing in bfloat16
                layer = _bfloat16_copy(layer)
            x = layer(x)
            if name in layer_names:
                outputs[name] = keras.ops.cast(x, "float32")
        self.model = keras.Model(inputs, outputs, name=f"vgg19_to_{LAYER_NAMES[deepest]}")
        self.model.trainable = False

    def __call__(self, image):
        x = tf.cast(image, tf.float32)  # (1, H, W, 3) in [0, 1]
        if self.preprocess:  # RGB -> BGR in [0, 255], ImageNet mean subtracted
            x = keras.applications.vgg19.preprocess_input(x * 255.0)
        outputs = self.model(x, training=False)
        return {name: outputs[name] for name in self.layer_names}


def _bfloat16_copy(conv):
    """conv with the same (float32) weights, computing in bfloat16."""
    copy = keras.layers.Conv2D.from_config({**conv.get_config(), "dtype": "mixed_bfloat16"})
    copy.build(conv.input.shape if hasattr(conv, "input") else (None, None, None, conv.kernel.shape[2]))
    copy.set_weights(conv.get_weights())
    copy.trainable = False
    return copy
