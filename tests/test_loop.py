"""The loop's parts: Adam as Keras computes it, one traced step for every size and run,
the moving average of the iterates, the Wasserstein-2 style loss, the ladder and the
time budget."""

import time

import keras
import numpy as np
import pytest
import tensorflow as tf

from nstlib import Config, StyleTransfer, stylize
from nstlib.core import losses, schedule
from nstlib.core.adam import AdamState, adam_update, hyperparameters
from nstlib.core.loop import traced_adam_step


def test_adam_update_is_keras_adam_step_by_step():
    cfg = Config(learning_rate=0.05, adam_beta1=0.9, adam_epsilon=1e-3)
    x0 = tf.random.stateless_uniform((1, 4, 5, 3), seed=(1, 1))
    variable = tf.Variable(x0)
    keras_adam = keras.optimizers.Adam(learning_rate=0.05, beta_1=0.9, epsilon=1e-3)
    x, state, hyper = x0, AdamState.zeros(x0.shape), hyperparameters(cfg)
    for k in range(5):
        grad = tf.random.stateless_normal(x0.shape, seed=(2, k))
        keras_adam.apply_gradients([(grad, variable)])
        variable.assign(tf.clip_by_value(variable, 0.0, 1.0))
        x, state = adam_update(x, grad, state, hyper)
        np.testing.assert_allclose(x, variable, atol=2e-5)  # float32 rounding of the same formula
    assert float(state.t) == 5


@pytest.mark.slow
def test_one_traced_step_serves_every_size_and_every_run(vgg_weights, tiny_pair):
    content, style = tiny_pair
    cfg = Config(max_dim=64, steps=2)
    r = stylize(content, style, cfg, progress=False)
    problem = StyleTransfer(content, style, cfg.replace(max_dim=128))
    step = traced_adam_step(problem.spec, problem.extractor, False)
    stylize(content, style, cfg.replace(learning_rate=0.01, beta=1e-2), progress=False)  # new weights
    stylize(content, style, cfg.replace(max_dim=96, min_size=48, coarse_steps=2), progress=False)  # a ladder
    assert r.steps_done == 2
    assert step.traced.experimental_get_tracing_count() == 1


@pytest.mark.slow
def test_the_moving_average_is_the_result_and_is_bias_corrected(vgg_weights, tiny_pair):
    content, style = tiny_pair
    r = stylize(content, style, Config(max_dim=64, steps=6, ema=0.9), progress=False)
    np.testing.assert_allclose(r.best_image, r.state.average(), atol=1e-6)
    assert r.best_step == 6 and np.isfinite(r.best_cost)
    assert not np.allclose(r.best_image, r.image, atol=1e-3)  # an average, not the last image
    state = AdamState.zeros((1, 2, 2, 3))
    for value in (0.2, 0.2, 0.2):  # the same image three times: its average is that image
        _, state = adam_update(tf.fill((1, 2, 2, 3), value), tf.zeros((1, 2, 2, 3)), state,
                               hyperparameters(Config(ema=0.99, learning_rate=1e-9)))
    np.testing.assert_allclose(state.average(), 0.2, atol=1e-5)


def test_wasserstein_style_loss_is_zero_for_the_same_statistics_and_has_a_gradient():
    a = tf.random.stateless_normal((1, 6, 7, 5), seed=(3, 1)) ** 2
    b = tf.random.stateless_normal((1, 6, 7, 5), seed=(3, 2)) ** 2 * 2.0
    mean, gram = losses.position_moments(a)
    target = losses.w2_target(mean, gram)
    assert abs(float(losses.style_distance(target, a, style_loss="w2"))) < 1e-3
    with tf.GradientTape() as tape:
        tape.watch(b)
        J = losses.style_distance(target, b, style_loss="w2")
    assert float(J) > 0.1 and float(tf.reduce_sum(tf.abs(tape.gradient(J, b)))) > 0


def test_trace_of_the_square_root_and_its_gradient_match_an_explicit_square_root():
    M = tf.random.stateless_normal((8, 8), seed=(4, 4))
    A = M @ tf.transpose(M) + 0.1 * tf.eye(8)
    values, vectors = np.linalg.eigh(A.numpy().astype(np.float64))
    root = (vectors * np.sqrt(values)) @ vectors.T
    with tf.GradientTape() as tape:
        tape.watch(A)
        t = losses.trace_sqrtm(A)
    np.testing.assert_allclose(float(t), np.trace(root), rtol=1e-5)
    # d tr(A^½) / dA = ½ A^(-½) for a symmetric A
    np.testing.assert_allclose(tape.gradient(t, A).numpy(), 0.5 * np.linalg.inv(root), rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("max_dim, min_size, factor, sizes", [
    (512, 0, 2.0, [512]),
    (512, 128, 2.0, [128, 256, 512]),
    (512, 600, 2.0, [512]),
    (160, 128, 2.0, [160]),
    (512, 128, 2 ** 0.5, [128, 181, 256, 362, 512]),
])
def test_ladder_sizes(max_dim, min_size, factor, sizes):
    assert schedule.ladder_sizes(max_dim, min_size, factor) == sizes


def test_a_time_budget_shares_the_time_by_the_work_of_each_size():
    stages = schedule.plan(Config(max_dim=512, min_size=128, coarse_steps=100, steps=20, time_budget=60))
    assert [s.size for s in stages] == [128, 256, 512]
    assert sum(s.seconds for s in stages) == pytest.approx(60)
    work = [100 * 128**2, 100 * 256**2, 20 * 512**2]
    assert [s.seconds for s in stages] == pytest.approx([60 * w / sum(work) for w in work])


@pytest.mark.slow
def test_a_run_with_a_time_budget_ends_within_it(vgg_weights, tiny_pair):
    content, style = tiny_pair
    start = time.perf_counter()
    r = stylize(content, style, Config(max_dim=96, min_size=48, steps=5, coarse_steps=5, time_budget=6),
                progress=False)
    seconds = time.perf_counter() - start
    assert seconds < 6 + 3, seconds  # the budget, one step over it, loading the images
    assert not r.stopped and [size for size, _, _ in r.stages] == [48, 96]
    assert r.stages[1][1] > 5  # more steps than planned: they fit in the time
