"""nstlib.core.reconstruct.reconstruct: notebook 02's reconstruction loop, on the stand-in extractor."""

import numpy as np
import pytest
import tensorflow as tf

from nstlib.checks import CheckFailed, StandInExtractor, check_reconstruct
from nstlib.core import costs
from nstlib.core.reconstruct import reconstruct

LAYERS = ("block1_conv1", "block2_conv1")
LAYER = "block2_conv1"


def _problem(seed=3, size=16):
    rng = np.random.default_rng(seed)
    content, start = rng.uniform(size=(2, 1, size, size, 3)).astype(np.float32)
    start[:, : size // 2] = np.round(start[:, : size // 2])  # pixels at 0 and 1: the clip matters
    extractor = StandInExtractor(LAYERS)
    return extractor, extractor(tf.constant(content))[LAYER], tf.constant(start)


def _cost(extractor, a_target, image):
    return float(costs.content_cost(a_target, extractor(image)[LAYER]))


def test_it_lowers_the_content_cost_and_keeps_the_pixels_in_the_unit_range():
    extractor, a_target, start = _problem()
    image = reconstruct(a_target, extractor, LAYER, start, steps=30, learning_rate=0.05)
    assert isinstance(image, tf.Tensor) and image.shape == start.shape and image.dtype == tf.float32
    assert _cost(extractor, a_target, image) < 0.5 * _cost(extractor, a_target, start)
    assert float(tf.reduce_min(image)) >= 0.0 and float(tf.reduce_max(image)) <= 1.0


def test_it_leaves_the_extractors_weights_alone():
    extractor, a_target, start = _problem()
    before = [k.numpy().copy() for k in extractor.kernels]  # trainable on purpose
    reconstruct(a_target, extractor, LAYER, start, steps=5, learning_rate=0.05)
    for k, k0 in zip(extractor.kernels, before):
        np.testing.assert_array_equal(k.numpy(), k0)


def test_it_is_deterministic_and_leaves_start_alone():
    extractor, a_target, start = _problem()
    start_copy = start.numpy().copy()
    first = reconstruct(a_target, extractor, LAYER, start, steps=5, learning_rate=0.05)
    second = reconstruct(a_target, extractor, LAYER, start, steps=5, learning_rate=0.05)
    np.testing.assert_array_equal(first.numpy(), second.numpy())
    np.testing.assert_array_equal(start.numpy(), start_copy)


def test_zero_steps_return_the_start_and_it_works_on_other_shapes():
    extractor, a_target, start = _problem(size=12)
    np.testing.assert_array_equal(reconstruct(a_target, extractor, LAYER, start, 0, 0.05).numpy(), start.numpy())
    rng = np.random.default_rng(4)
    content, start = (tf.constant(x) for x in rng.uniform(size=(2, 1, 10, 14, 3)).astype(np.float32))
    a_target = extractor(content)[LAYER]
    image = reconstruct(a_target, extractor, LAYER, start, 3, 0.05)
    assert image.shape == (1, 10, 14, 3)


def test_it_is_the_reference_of_notebook_02s_check(monkeypatch):
    from nstlib.checks import own_work
    from nstlib.checks.nb02_features import reference_reconstruct

    assert reference_reconstruct is reconstruct
    with pytest.raises(CheckFailed, match="calls a ready-made answer"):  # a student's answer may not call it
        check_reconstruct(lambda *args: reconstruct(*args))
    monkeypatch.setitem(own_work.REFERENCES, "reconstruct", ())  # as the reference, it passes
    check_reconstruct(reconstruct)  # prints that it passed; raises CheckFailed if not
