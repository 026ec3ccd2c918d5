"""The pretrained VGG-19 the algorithm runs on, as the application hands it over.

core/ reads no file: finding VGG-19's ImageNet weights and loading them is the work of
:mod:`nstlib.io.weights`. The application registers a *provider* with :func:`use_weights`,
a function ``provider(weights)`` that returns Keras' VGG-19 without its classifier, frozen;
``import nstlib`` registers :func:`nstlib.io.weights.load_vgg19` (nstlib/__init__.py), and
every import of a core module runs that first. :class:`nstlib.core.vgg.FeatureExtractor`
asks :func:`vgg19` for the network, passing its ``weights`` argument on (None, or the path
of the weights file).

Taught in notebooks/01_transfer_learning.ipynb.
"""

from ..errors import NSTError

_provider = None  # provider(weights) -> Keras' VGG-19 (no top, frozen); set by use_weights


def use_weights(provider):
    """Register where VGG-19 comes from: ``provider(weights)`` returns Keras' VGG-19 without
    its classifier, frozen. Returns the provider it replaces, so it can be put back."""
    global _provider
    previous, _provider = _provider, provider
    return previous


def vgg19(weights=None):
    """Keras' VGG-19 (no classifier, frozen) from the registered provider, given `weights`."""
    if _provider is None:
        raise NSTError(
            "No VGG-19 provider is registered, so the algorithm has no weights. Register one with "
            "nstlib.core.pretrained.use_weights(provider), a function of the weights argument that "
            "returns Keras' VGG-19 without its classifier (importing nstlib registers "
            "nstlib.io.weights.load_vgg19, which finds and loads the weights file)."
        )
    return _provider(weights)
