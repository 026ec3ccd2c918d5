"""nstlib: neural style transfer (Gatys et al.) with TensorFlow, the tested core of the course.

The library and its applications, each in its own place:

    config.py     Config: every hyperparameter and every rule, with plain defaults
    core/         the algorithm, on tensors: costs, the VGG-19 extractor, the problem, the loop
    pipeline/     Request, run(request), stylize(): one request, one pipeline, core on tensors
    io/           inputs and outputs: images, the example catalog, downloads, weights,
                  checkpoints, animations and video frames
    timing.py     the probe: a step measured here, the time a run or a notebook will take
    yardstick.py  the yardstick every picture is judged by (benchmarks, notebook 06's check)
    extensions/   beyond the basics (notebook 07): colour, video and optical flow, presets
    feedforward/  a network that paints in one pass, trained with the course's costs (notebook 08)
    studio/       the live widget panel (notebook 06)
    checks/       the exercises' checks (notebooks 01 to 07)
    instructor/   nst release and nst grade
    cli/          the `nst` command

The names most used are re-exported here: ``nstlib.stylize``, ``nstlib.Config``,
``nstlib.Result``, the cost functions (``nstlib.content_cost``, ...), ``nstlib.load_image``...
They are imported on first use, so that `nst --help` does not wait for TensorFlow.
"""

import importlib
import logging
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter hides the lesson


def _use_tensorflow_backend():
    """Keras 3 runs on TensorFlow, JAX or PyTorch; nstlib is written for TensorFlow.

    Set KERAS_BACKEND=tensorflow explicitly (it overrides a backend in ~/.keras/keras.json);
    another backend, asked for by the variable or already loaded, is one line of error, not
    the confusing failures it would cause later.
    """
    asked = os.environ.get("KERAS_BACKEND", "tensorflow")
    loaded = sys.modules["keras"].backend.backend() if "keras" in sys.modules else "tensorflow"
    if asked == loaded == "tensorflow":
        os.environ["KERAS_BACKEND"] = "tensorflow"
        return
    why = f"KERAS_BACKEND is {asked!r}" if asked != "tensorflow" else f"Keras was already loaded with {loaded!r}"
    message = (f"nstlib runs on TensorFlow, but {why}: unset KERAS_BACKEND (or set it to tensorflow) "
               "and restart the kernel or the program.")
    if "ipykernel" in sys.modules:  # a notebook shows an NSTError as one line
        from .errors import NSTError

        raise NSTError(message)
    raise SystemExit(f"nstlib: error: {message}")  # one line on stderr, status 1


_use_tensorflow_backend()
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

__version__ = "0.2.0"  # the one place the version is written (pyproject.toml reads it)

_SUBPACKAGES = ("config", "errors", "core", "pipeline", "io", "extensions", "feedforward", "studio", "checks", "instructor", "cli")
# name -> the module that defines it
_EXPORTS = {
    "Config": "config", "quick": "config", "NSTError": "errors",
    "stylize": "pipeline", "stylize_coarse_to_fine": "pipeline",
    "stylize_preserving_colors": "pipeline", "Request": "pipeline", "Result": "core.loop", "StyleTransfer": "core.problem",
    "FeatureExtractor": "core.vgg",
    "content_cost": "core.costs", "gram_matrix": "core.costs", "layer_style_cost": "core.costs",
    "style_cost": "core.costs", "total_variation_cost": "core.costs", "total_cost": "core.costs",
    "load_image": "io.images", "save_image": "io.images", "show_images": "io.images",
    "next_free_path": "io.images",
    "load_example": "io.examples", "list_examples": "io.examples", "credit": "io.examples",
    "Studio": "studio",
}
__all__ = list(_SUBPACKAGES) + list(_EXPORTS)


def __getattr__(name):
    if name in _SUBPACKAGES:
        return importlib.import_module(f".{name}", __name__)
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'nstlib' has no attribute {name!r}")


def __dir__():
    return __all__


def _register_vgg19():
    """core/ reads no file: it gets VGG-19 from a provider, the loader of io/ (see
    nstlib.core.pretrained). Both modules are light: no TensorFlow before it is needed."""
    from .core.pretrained import use_weights
    from .io.weights import load_vgg19

    use_weights(load_vgg19)


_register_vgg19()
