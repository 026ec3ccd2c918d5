"""nstlib: neural style transfer (Gatys et al.) with TensorFlow, the tested core of the course.

One idea per module:
    images    load, resize, save and show images             (used in every notebook)
    data      the catalog of example images and their credits
    model     VGG-19, frozen, as a feature extractor           (notebooks 01, 02)
    costs     content cost, Gram matrix, style cost, total cost (notebooks 03, 04, 05)
    config    Config: every hyperparameter, plain defaults     (notebook 05)
    optimize  stylize(): the training loop                     (notebook 05)
    checks    the exercises' checks                            (notebooks 03 to 05)
    presets, multiscale, color, animation, video   beyond the basics (notebook 07)
    checkpoint  a run's state in one file, to resume it
    widgets   the live studio                                  (notebook 06)
    release, grade   the instructor's tools
    cli       the `nst` command

Submodules are imported on first use, so `nst --help` does not wait for TensorFlow.
"""

import importlib
import logging
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter hides the lesson
# Each stylize() run builds its own tf.function; TensorFlow would warn about "retracing".
logging.getLogger("tensorflow").setLevel(logging.ERROR)


def import_tensorflow_quietly():
    """Import TensorFlow with its C++ start-up log (oneDNN, CUDA probing) kept off stderr.

    TensorFlow 2.21 writes those lines before its logging is set up, so no setting hides
    them; file descriptor 2 is silenced for the import alone. Python errors still show.
    """
    if "tensorflow" in sys.modules:
        return
    try:
        saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    except OSError:  # no usable stderr: nothing to keep clean
        import tensorflow  # noqa: F401

        return
    try:
        sys.stderr.flush()
        os.dup2(devnull, 2)
        import tensorflow as tf

        tf.config.list_physical_devices()  # the CUDA probe logs here, once
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


if "ipykernel" in sys.modules:  # in a notebook: keep the first cell's output clean
    import_tensorflow_quietly()

__version__ = "0.1.0"

_SUBMODULES = (
    "images", "data", "model", "costs", "config", "optimize", "checks", "cli",
    "errors", "widgets", "release", "grade", "checkpoint", "presets", "multiscale", "color",
    "animation", "video",
)
_NAMES = {
    "Config": "config", "stylize": "optimize", "Result": "optimize", "NSTError": "errors",
    "load_image": "images", "save_image": "images", "show_images": "images",
    "load_example": "data", "FeatureExtractor": "model", "quick": "config",
}
__all__ = list(_SUBMODULES) + list(_NAMES)


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _NAMES:
        return getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
    raise AttributeError(f"module 'nstlib' has no attribute {name!r}")


def __dir__():
    return __all__
