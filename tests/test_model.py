"""VGG-19: where the weights are found, how the algorithm gets them (a provider the application
registers), and the extractor against Keras' full model."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from nstlib import config
from nstlib.core import pretrained, vgg
from nstlib.errors import NSTError
from nstlib.io import weights


@pytest.fixture
def no_weights_anywhere(monkeypatch, tmp_path):
    """No env var, an empty Keras cache, and a download that fails (as offline)."""
    monkeypatch.delenv(weights.WEIGHTS_ENV, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))

    def offline(*args, **kwargs):
        raise OSError("no internet")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    return tmp_path


@pytest.mark.slow
def test_lookup_order_argument_env_cache(no_weights_anywhere, vgg_weights, monkeypatch, tmp_path):
    cache = tmp_path / "keras" / "models"
    cache.mkdir(parents=True)
    cached = cache / weights.WEIGHTS_FILE
    cached.write_bytes(b"stand-in")
    assert weights.find_weights() == str(cached)  # 3. the Keras cache
    monkeypatch.setenv(weights.WEIGHTS_ENV, vgg_weights)
    assert weights.find_weights() == vgg_weights  # 2. the env var beats the cache
    explicit = tmp_path / "mine.h5"
    explicit.write_bytes(b"x")
    assert weights.find_weights(str(explicit)) == str(explicit)  # 1. the argument beats both


def test_download_is_the_last_resort(no_weights_anywhere, monkeypatch):
    calls = []
    monkeypatch.setattr(keras.utils, "get_file", lambda *a, **k: calls.append(k) or "/downloaded.h5")
    assert weights.find_weights() == "/downloaded.h5"
    assert calls[0]["file_hash"] == weights.WEIGHTS_MD5 and calls[0]["cache_subdir"] == "models"


def test_error_names_every_place_tried(no_weights_anywhere, monkeypatch):
    monkeypatch.setenv(weights.WEIGHTS_ENV, "/nowhere/w.h5")
    with pytest.raises(NSTError) as e:
        weights.find_weights()
    msg = str(e.value)
    for place in ("/nowhere/w.h5", weights.keras_cache_dir(), weights.WEIGHTS_URL, "no internet", weights.WEIGHTS_ENV):
        assert place in msg


def test_missing_explicit_path_is_refused():
    with pytest.raises(NSTError, match="not found: /no/such.h5"):
        weights.find_weights("/no/such.h5")


def test_truncated_weights_file_is_refused(tmp_path):
    bad = tmp_path / "truncated.h5"
    bad.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 100)
    with pytest.raises(NSTError, match="truncated"):
        weights.load_vgg19(str(bad))


def test_the_extractor_reads_no_file_it_asks_the_provider_the_application_registered(monkeypatch):
    assert pretrained._provider is weights.load_vgg19  # registered by `import nstlib`
    asked, random_vgg = [], keras.applications.VGG19(include_top=False, weights=None)  # nothing read
    monkeypatch.setattr(pretrained, "_provider", lambda w: asked.append(w) or random_vgg)
    fe = vgg.FeatureExtractor(["block1_conv2"], weights="my/vgg19.h5", input_gradient="tensorflow")
    assert asked == ["my/vgg19.h5"]  # the weights argument, followed through to the provider
    kernel = random_vgg.get_layer("block1_conv2").get_weights()[0]
    np.testing.assert_array_equal(fe.model.get_layer("block1_conv2").kernel, kernel)
    monkeypatch.setattr(pretrained, "_provider", None)
    with pytest.raises(NSTError, match="use_weights"):
        vgg.FeatureExtractor(["block1_conv1"], input_gradient="tensorflow")


@pytest.mark.slow
def test_unknown_layer_lists_the_valid_names(vgg_weights):
    with pytest.raises(ValueError, match="block5_conv4"):
        vgg.FeatureExtractor(["block6_conv1"])


@pytest.mark.slow
def test_vgg_is_frozen_with_imagenet_weights(vgg_weights):
    vgg = weights.load_vgg19()
    assert not vgg.trainable and vgg.count_params() == 20_024_384
    assert [layer.name for layer in vgg.layers[1:]] == list(config.LAYER_NAMES)


@pytest.mark.slow
@pytest.mark.parametrize("pooling", ["max", "avg"])
def test_extractor_matches_full_vgg19_and_stops_at_deepest_layer(vgg_weights, pooling):
    names = ["block4_conv2", "block1_conv1", "block3_conv1"]
    fe = vgg.FeatureExtractor(names, pooling=pooling)
    # nothing past block4_conv2: input + 13 layers up to it
    assert len(fe.model.layers) == 1 + config.LAYER_NAMES.index("block4_conv2") + 1
    image = tf.random.stateless_uniform((1, 64, 80, 3), seed=(1, 2))
    ours = fe(image)
    assert list(ours) == names
    if pooling == "avg":  # average pooling changes what comes after the first pooling
        assert not np.allclose(ours["block3_conv1"], _reference(names, image)["block3_conv1"])
        np.testing.assert_allclose(ours["block1_conv1"], _reference(names, image)["block1_conv1"], rtol=1e-5)
        return
    ref = _reference(names, image)
    for n in names:
        assert ours[n].shape == ref[n].shape
        np.testing.assert_allclose(ours[n], ref[n], rtol=1e-4, atol=1e-3)


def _reference(names, image):
    full = keras.applications.VGG19(include_top=False, weights=os.environ.get(weights.WEIGHTS_ENV) or weights.find_weights())
    ref = keras.Model(full.input, [full.get_layer(n).output for n in names])
    outs = ref(keras.applications.vgg19.preprocess_input(image * 255.0))
    return dict(zip(names, outs))


def test_auto_precision_can_be_forced_to_float32_for_measuring_the_laptop_path(monkeypatch):
    from nstlib.core.vgg import bfloat16_is_fast, resolve_precision
    from nstlib.errors import NSTError

    monkeypatch.delenv("NSTLIB_AUTO_PRECISION", raising=False)
    assert resolve_precision("auto") == ("bfloat16" if bfloat16_is_fast() else "float32")
    monkeypatch.setenv("NSTLIB_AUTO_PRECISION", "float32")
    assert resolve_precision("auto") == "float32" and resolve_precision("bfloat16") == "bfloat16"
    monkeypatch.setenv("NSTLIB_AUTO_PRECISION", "half")
    with pytest.raises(NSTError, match="NSTLIB_AUTO_PRECISION"):
        resolve_precision("auto")
