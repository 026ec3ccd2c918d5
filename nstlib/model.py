"""VGG-19, frozen, as a feature extractor.

The weights are Keras' own ImageNet weights without the classifier (by K. Simonyan
and A. Zisserman, Oxford VGG, CC BY 4.0; "Very Deep Convolutional Networks for
Large-Scale Image Recognition", 2014). They are found in this order:

1. the ``weights`` argument (a path to the .h5 file);
2. the environment variable ``NSTLIB_VGG19_WEIGHTS``;
3. the Keras cache (``$KERAS_HOME/models/``, by default ``~/.keras/models/``);
4. Keras' own download (``keras.utils.get_file``), which fills that cache.

Taught in notebooks/01_transfer_learning.ipynb and notebooks/02_vgg_features.ipynb.
"""

import functools
import os

import keras
import tensorflow as tf

from .errors import NSTError

WEIGHTS_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/" + WEIGHTS_FILE
WEIGHTS_MD5 = "253f8cb515780f3b799900260a226db6"  # the hash Keras itself checks
WEIGHTS_ENV = "NSTLIB_VGG19_WEIGHTS"

# The 16 convolutions and 5 poolings of VGG-19, in order.
LAYER_NAMES = tuple(
    f"block{b}_{kind}"
    for b, n_conv in zip(range(1, 6), (2, 2, 4, 4, 4))
    for kind in [f"conv{i}" for i in range(1, n_conv + 1)] + ["pool"]
)
POOLINGS = ("max", "avg")
PRECISIONS = ("float32", "bfloat16", "auto")


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
    if precision not in PRECISIONS:
        raise NSTError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}.")
    if precision == "auto":
        return "bfloat16" if bfloat16_is_fast() else "float32"
    return precision
# Five poolings halve the image five times: below this VGG-19's deepest layers are empty.
MIN_SIDE = 32


def keras_cache_dir():
    """Where Keras keeps downloaded models: $KERAS_HOME/models, or ~/.keras/models."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return os.path.join(home, "models")


def find_weights(weights=None, download=True):
    """Path of the VGG-19 (no top) weights file, looked up in the module's order.

    Raises NSTError naming every place tried, and how to get the file, when none has it.
    """
    if weights is not None:
        if os.path.isfile(weights):
            return os.fspath(weights)
        raise NSTError(
            f"VGG-19 weights file not found: {weights}. Pass the path of {WEIGHTS_FILE} "
            f"(Keras downloads it from {WEIGHTS_URL})."
        )
    tried = []
    env = os.environ.get(WEIGHTS_ENV)
    if env:
        if os.path.isfile(env):
            return env
        tried.append(f"${WEIGHTS_ENV}={env} (no such file)")
    else:
        tried.append(f"${WEIGHTS_ENV} (not set)")
    cached = os.path.join(keras_cache_dir(), WEIGHTS_FILE)
    if os.path.isfile(cached):
        return cached
    tried.append(f"the Keras cache {cached} (no such file)")
    if download:
        try:
            return keras.utils.get_file(
                WEIGHTS_FILE, WEIGHTS_URL, cache_subdir="models", file_hash=WEIGHTS_MD5
            )
        except Exception as e:  # no internet, proxy, corrupt download...
            tried.append(f"Keras' download from {WEIGHTS_URL} ({type(e).__name__}: {e})")
    raise NSTError(
        "Could not find the VGG-19 weights. Tried: "
        + "; ".join(tried)
        + f". Download {WEIGHTS_FILE} from {WEIGHTS_URL} (md5 {WEIGHTS_MD5}) and set "
        f"{WEIGHTS_ENV} to its path, or copy it into {keras_cache_dir()}."
    )


@functools.lru_cache(maxsize=4)
def _load_vgg19(path):
    try:
        vgg = keras.applications.VGG19(include_top=False, weights=path)
    except Exception as e:
        raise NSTError(
            f"Could not load VGG-19 weights from {path} ({type(e).__name__}: {e}). The file "
            f"may be truncated or not {WEIGHTS_FILE}; download it again from {WEIGHTS_URL}."
        ) from None
    vgg.trainable = False
    return vgg


def load_vgg19(weights=None):
    """Keras' VGG-19 without the classifier, with ImageNet weights, frozen.

    Loaded once per weights file and process. Taught in notebooks/01_transfer_learning.ipynb.
    """
    return _load_vgg19(find_weights(weights))


def check_layers(layer_names):
    """Raise ValueError, listing the valid names, for any name that is not a VGG-19 layer."""
    unknown = [n for n in layer_names if n not in LAYER_NAMES]
    if unknown:
        raise NSTError(
            f"Unknown VGG-19 layer name(s): {', '.join(map(str, unknown))}. "
            f"Valid names: {', '.join(LAYER_NAMES)}."
        )


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
        if pooling not in POOLINGS:
            raise NSTError(f"pooling must be one of {', '.join(POOLINGS)}, not {pooling!r}.")
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
