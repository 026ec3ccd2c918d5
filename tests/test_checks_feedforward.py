"""nstlib.checks.check_instance_norm and check_upsample (notebook 08): they pass the reference and
the package's own layers' arithmetic written otherwise, and fail each typical mistake with its hint;
an answer that hands the job to the package's layers fails and scores 0."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from own_work_rule import reference_passes, rule_on, wrong_answers_may_use_the_package  # noqa: F401

from nstlib import checks
from nstlib.checks import CheckFailed, NotImplementedYet
from nstlib.checks.nb08_feedforward import reference_instance_norm, reference_upsample
from nstlib.feedforward.layers import InstanceNormalization


def fails_with(check, fn, *hints):
    with pytest.raises(CheckFailed) as info:
        check.raw(fn)
    message = str(info.value)
    assert "\n" not in message
    for hint in hints:
        assert hint in message, f"{hint!r} not in {message!r}"
    return message


def test_references_pass_and_as_answers_score_0(capsys):
    reference_passes(checks.check_instance_norm.raw, reference_instance_norm)
    reference_passes(checks.check_upsample.raw, reference_upsample)
    out = capsys.readouterr().out
    assert "✓ instance_norm: all checks passed" in out and "✓ upsample: all checks passed" in out


def test_answers_written_otherwise_pass(capsys):
    def by_hand(x, gamma, beta, epsilon=1e-5):
        mu = tf.reduce_mean(x, axis=[1, 2], keepdims=True)
        var = tf.reduce_mean(tf.square(x - mu), axis=[1, 2], keepdims=True)
        return gamma * (x - mu) * tf.math.rsqrt(var + epsilon) + beta

    def with_repeat(x, kernel, bias):
        x = tf.repeat(tf.repeat(x, 2, axis=1), 2, axis=2)
        x = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
        return tf.nn.bias_add(tf.nn.conv2d(x, kernel, 1, "VALID"), bias)

    checks.check_instance_norm.raw(by_hand)
    checks.check_upsample.raw(with_repeat)
    assert capsys.readouterr().out.count("all checks passed") == 2


def test_the_package_layer_under_another_name_scores_0():
    def with_the_layer(x, gamma, beta):
        layer = InstanceNormalization()
        layer.build(x.shape)
        layer.gamma.assign(gamma)
        layer.beta.assign(beta)
        return layer(x)

    with rule_on("instance_norm"), pytest.raises(CheckFailed, match="calls a ready-made answer"):
        checks.check_instance_norm.raw(with_the_layer)


def test_stubs_say_not_implemented():
    def stub(*args):
        raise NotImplementedError()

    for check in (checks.check_instance_norm, checks.check_upsample):
        with pytest.raises(NotImplementedYet):
            check.raw(stub)


def moments_over(axes, eps=1e-5, scale=True):
    def fn(x, gamma, beta):
        mu, var = tf.nn.moments(x, axes=axes, keepdims=True)
        y = (x - mu) / tf.sqrt(var + eps)
        return gamma * y + beta if scale else y
    return fn


@pytest.mark.parametrize("fn, hint", [
    (moments_over([0, 1, 2]), "over the whole batch"),
    (moments_over([1, 2, 3]), "over the channels"),
    (moments_over([1, 2], eps=0.0), "epsilon is missing"),
    (moments_over([1, 2], scale=False), "gamma and offset beta are missing"),
    (lambda x, g, b: g * (x - tf.reduce_mean(x, [1, 2], keepdims=True))
     / (tf.math.reduce_std(x, [1, 2], keepdims=True) + 1e-5) + b, "under the square root"),
    (lambda x, g, b: np.asarray(moments_over([1, 2])(x, g, b)), "numpy"),
    (lambda x, g, b: tf.nn.moments(x, [1, 2], keepdims=True)[0], "shape of the statistics"),
])
def test_instance_norm_mistakes_get_their_hints(fn, hint):
    fails_with(checks.check_instance_norm, fn, hint)


def conv(x, kernel, bias, pad="REFLECT"):
    x = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode=pad)
    return tf.nn.conv2d(x, kernel, 1, "VALID") + bias


def nearest(x):
    return tf.image.resize(x, 2 * tf.shape(x)[1:3], method="nearest")


@pytest.mark.parametrize("fn, hint", [
    (lambda x, k, b: conv(nearest(x), k, b, "CONSTANT"), "padded with zeros"),
    (lambda x, k, b: conv(nearest(x), k, 0.0), "the bias is missing"),
    (lambda x, k, b: conv(tf.image.resize(x, 2 * tf.shape(x)[1:3]), k, b), "bilinear"),
    (lambda x, k, b: nearest(conv(x, k, b)), "convolved first"),
    (lambda x, k, b: conv(x, k, b), "not enlarged"),
    (lambda x, k, b: tf.nn.conv2d(nearest(x), k, 1, "VALID") + b, "keep the size"),
    (lambda x, k, b: conv(tf.image.resize(x, (2 * x.shape[2], 2 * x.shape[1]), "nearest"), k, b), "swapped"),
    (lambda x, k, b: keras.layers.Conv2DTranspose(k.shape[-1], 3, strides=2, padding="same")(x), "expected"),
])
def test_upsample_mistakes_get_their_hints(fn, hint):
    fails_with(checks.check_upsample, fn, hint)
