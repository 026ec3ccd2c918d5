"""The transform network of notebook 08: its layers' numerics and shapes, saving and loading."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from nstlib.errors import NSTError
from nstlib.feedforward.layers import InstanceNormalization, ReflectionPadding, ResidualBlock, UpsampleConv
from nstlib.feedforward.network import TransformNet, paint
from nstlib.feedforward.storage import load_network, network_path, read_network_file, save_network


def test_instance_norm_matches_a_hand_computation():
    x = np.random.default_rng(0).normal(3.0, 2.0, (2, 5, 4, 3)).astype(np.float32)
    layer = InstanceNormalization(epsilon=1e-5)
    layer.build(x.shape)
    layer.gamma.assign([1.0, 2.0, 0.5])
    layer.beta.assign([0.0, 1.0, -1.0])
    y = layer(x).numpy()
    for i in range(2):  # each image and channel on its own, over its 5 x 4 positions
        for c in range(3):
            v = x[i, :, :, c]
            want = [1.0, 2.0, 0.5][c] * (v - v.mean()) / np.sqrt(v.var() + 1e-5) + [0.0, 1.0, -1.0][c]
            np.testing.assert_allclose(y[i, :, :, c], want, rtol=1e-4, atol=1e-4)


def test_instance_norm_does_not_mix_the_images_of_a_batch():
    x = np.random.default_rng(1).normal(size=(2, 6, 6, 4)).astype(np.float32)
    layer = InstanceNormalization()
    together = layer(x).numpy()
    alone = layer(x[1:]).numpy()
    np.testing.assert_allclose(together[1:], alone, atol=1e-5)


def test_reflection_padding_mirrors_the_border():
    x = tf.reshape(tf.range(9, dtype=tf.float32), (1, 3, 3, 1))
    y = ReflectionPadding(1)(x)[0, :, :, 0].numpy()
    assert y.shape == (5, 5)
    np.testing.assert_array_equal(y[1:4, 1:4], x[0, :, :, 0])
    assert y[0, 0] == 4 and y[0, 1] == 3 and y[2, 0] == 4  # mirrored about the edge pixels
    assert (y == 0).sum() == 1  # the image's own 0 only: no zero padding


def test_upsample_conv_doubles_the_size_and_leaves_no_checkerboard():
    layer = UpsampleConv(5)
    y = layer(tf.ones((2, 7, 9, 3)))
    assert y.shape == (2, 14, 18, 5)
    # a flat input gives a flat output: every pixel sees the same taps (a transposed
    # convolution of stride 2 would not: that is the checkerboard)
    assert float(tf.math.reduce_std(y[0, :, :, 0])) < 1e-5
    transposed = tf.keras.layers.Conv2DTranspose(5, 3, strides=2, padding="same")
    assert float(tf.math.reduce_std(transposed(tf.ones((1, 7, 9, 3)))[0, 1:-1, 1:-1, 0])) > 1e-3


def test_residual_block_keeps_the_shape():
    assert ResidualBlock(8)(tf.zeros((1, 10, 12, 8))).shape == (1, 10, 12, 8)


@pytest.mark.parametrize("shape", [(1, 64, 64, 3), (2, 37, 50, 3), (1, 16, 23, 3)])
def test_the_network_paints_any_size_in_0_1(shape):
    net = TransformNet(widths=[4, 8, 8], residual_blocks=1).build_for()
    y = net(tf.random.uniform(shape)).numpy()
    assert y.shape == shape and y.min() >= 0.0 and y.max() <= 1.0


def test_the_default_network_fits_5_mb_in_float16():
    net = TransformNet().build_for()
    assert net.architecture == {"widths": [16, 32, 64], "residual_blocks": 5}
    assert 2 * net.count_params() < 5e6


def test_bad_architecture_and_tiny_images_give_one_clear_error():
    with pytest.raises(NSTError, match="three positive widths"):
        TransformNet(widths=[4, 8])
    net = TransformNet(widths=[4, 8, 8], residual_blocks=0).build_for()
    with pytest.raises(NSTError, match="at least 16"):
        paint(net, tf.zeros((1, 8, 40, 3)))


def test_save_and_load_give_the_same_paintings(tmp_path):
    keras.utils.set_random_seed(3)  # the initial weights and the noise below: the same every run
    net = TransformNet(widths=[4, 8, 8], residual_blocks=2).build_for()
    for w in net.weights:  # not the initial ones: gamma = 1, beta = 0 would pass by luck
        w.assign(w + tf.random.normal(w.shape, stddev=0.1, seed=3))
    path = save_network(net, tmp_path / "n.nstnet", style="chelsea", record={"steps": 7})
    loaded = load_network(path)
    assert loaded.architecture == net.architecture and loaded.meta["record"] == {"steps": 7}
    x = tf.random.uniform((1, 40, 48, 3), seed=1)
    # float16 weights: each rounded by up to 2^-11 of itself, through ten layers; a few pixels of
    # the 5760 may stray past 2e-3 (one did, 2.3e-3, when the weights were not seeded)
    difference = np.abs(paint(loaded, x).numpy() - paint(net, x).numpy())
    assert difference.max() < 5e-3 and difference.mean() < 5e-4
    again = load_network(save_network(loaded, tmp_path / "m.nstnet"))  # float16 -> float16: exact
    np.testing.assert_array_equal(paint(again, x).numpy(), paint(loaded, x).numpy())


def test_a_file_that_is_not_a_network_gives_one_line(tmp_path):
    bad = tmp_path / "photo.nstnet"
    bad.write_bytes(b"\x89PNG not a network")
    with pytest.raises(NSTError, match="is not an nstlib network") as e:
        load_network(bad)
    assert "\n" not in str(e.value)
    other = tmp_path / "other.nstnet"
    with open(other, "wb") as f:
        np.savez(f, meta=np.array(json.dumps({"format": "something else"})))
    with pytest.raises(NSTError, match="is not an nstlib network"):
        read_network_file(other)


def test_a_newer_version_and_an_unknown_name_are_refused(tmp_path):
    newer = tmp_path / "newer.nstnet"
    with open(newer, "wb") as f:
        np.savez(f, meta=np.array(json.dumps({"format": "nstlib-network", "version": 99})))
    with pytest.raises(NSTError, match="version 99"):
        read_network_file(newer)
    with pytest.raises(NSTError, match="No network 'monet_nothing'"):
        network_path("monet_nothing")
    with pytest.raises(NSTError, match="ends in .nstnet"):
        save_network(TransformNet(widths=[4, 8, 8]).build_for(), tmp_path / "n.h5")
