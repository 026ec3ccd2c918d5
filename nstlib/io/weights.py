"""Where VGG-19's ImageNet weights come from, and loading them once.

The weights are Keras' own ImageNet weights without the classifier (by K. Simonyan
and A. Zisserman, Oxford VGG, CC BY 4.0; "Very Deep Convolutional Networks for
Large-Scale Image Recognition", 2014). They are found in this order:

1. the ``weights`` argument (a path to the .h5 file);
2. the environment variable ``NSTLIB_VGG19_WEIGHTS``;
3. the Keras cache (``$KERAS_HOME/models/``, by default ``~/.keras/models/``);
4. Keras' own download (``keras.utils.get_file``), which fills that cache.

The algorithm reads no file: ``import nstlib`` registers :func:`load_vgg19` as the provider
:class:`nstlib.core.vgg.FeatureExtractor` gets VGG-19 from (:mod:`nstlib.core.pretrained`).

Taught in notebooks/01_transfer_learning.ipynb.
"""

import functools
import os

from ..errors import NSTError

WEIGHTS_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/" + WEIGHTS_FILE
WEIGHTS_MD5 = "253f8cb515780f3b799900260a226db6"  # the hash Keras itself checks
WEIGHTS_ENV = "NSTLIB_VGG19_WEIGHTS"


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
        import keras

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
    import keras

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
