"""The training loop end to end, with the real weights at a small size."""

import os
import signal
import threading
import time

import numpy as np
import pytest
import tensorflow as tf

from nstlib import stylize
from nstlib.config import Config


@pytest.mark.slow
def test_adam_paints_the_style(vgg_weights, tiny_pair):
    content, style = tiny_pair
    r = stylize(content, style, Config(max_dim=128, steps=40), progress=False)
    h = r.history
    assert r.steps_done == 40 and len(h["style"]) == 40 and not r.stopped
    assert h["style"][0] / h["style"][-1] > 10  # the style cost falls by a large factor
    assert r.best_cost <= min(h["total"])
    img = r.best_image.numpy()
    assert img.shape == content.shape and img.min() >= 0 and img.max() <= 1
    assert np.abs(img - content.numpy()).mean() > 0.03  # it changed the picture
    assert r.history["content"][0] < 1e-3 * r.history["content"][-1]  # starts at the content (bfloat16 rounding aside)


@pytest.mark.slow
def test_lbfgs_lowers_the_cost_within_bounds(vgg_weights, tiny_pair):
    content, style = tiny_pair
    r = stylize(content, style, Config(max_dim=64, steps=15, optimizer="lbfgs"), progress=False)
    h = r.history
    assert 5 <= r.steps_done <= 15 and h["total"][-1] < h["total"][0] / 5
    assert 0 <= float(tf.reduce_min(r.best_image)) and float(tf.reduce_max(r.best_image)) <= 1


@pytest.mark.slow
@pytest.mark.parametrize("init", ["noise", "style"])
def test_other_inits_start_away_from_the_content(vgg_weights, tiny_pair, init):
    content, style = tiny_pair
    r = stylize(content, style, Config(max_dim=64, steps=2, init=init), progress=False)
    assert r.history["content"][0] > 0


@pytest.mark.slow
def test_stop_event_ends_cleanly_with_best_image(vgg_weights, tiny_pair):
    stop = threading.Event()
    seen = []

    def callback(step, image, costs):
        seen.append(step)
        if step >= 5:
            stop.set()

    r = stylize(*tiny_pair, Config(max_dim=64, steps=100), callback=callback, callback_every=1, stop=stop, progress=False)
    assert r.stopped and r.steps_done == 5 and "Stopped on request" in r.message
    assert seen == [1, 2, 3, 4, 5]
    assert r.best_image.shape == (1, 64, 64, 3)  # resized to max_dim


@pytest.mark.slow
def test_callback_returning_true_stops(vgg_weights, tiny_pair):
    r = stylize(*tiny_pair, Config(max_dim=64, steps=50), callback=lambda s, i, c: s >= 4, callback_every=2, progress=False)
    assert r.stopped and r.steps_done == 4


@pytest.mark.slow
def test_keyboard_interrupt_keeps_the_best_image(vgg_weights, tiny_pair):
    def callback(step, image, costs):
        if step == 3:
            raise KeyboardInterrupt

    r = stylize(*tiny_pair, Config(max_dim=64, steps=50), callback=callback, callback_every=1, progress=False)
    assert r.interrupted and r.steps_done == 3 and r.best_step in (1, 2, 3)
    assert r.best_cost == pytest.approx(min(r.history["total"]))


@pytest.mark.slow
@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
def test_ctrl_c_ends_the_run_after_its_step(vgg_weights, tiny_pair, optimizer):
    # SIGINT at step 3, as Ctrl-C or Jupyter's Interrupt button sends it: nothing is
    # raised in the middle of the step's code (here the callback, which goes on), and
    # the run ends after the step with its best image.
    finished = []

    def callback(step, image, costs):
        if step == 3:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # where KeyboardInterrupt would have landed
            finished.append(step)

    r = stylize(*tiny_pair, Config(max_dim=64, steps=50, optimizer=optimizer), callback=callback,
                callback_every=1, progress=True)
    assert finished == [3]
    assert r.interrupted and r.stopped and r.steps_done == 3 and "Interrupted after 3 steps" in r.message
    assert r.best_cost == pytest.approx(min(r.history["total"]))
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Ctrl-C is itself again


@pytest.mark.slow
def test_ctrl_c_at_any_moment_of_a_step_ends_the_run(vgg_weights, tiny_pair):
    # SIGINTs from another thread, a random moment after step 2, land wherever the loop
    # is (inside TensorFlow, scipy, tqdm's lock): each run still ends at a step.
    rng = np.random.default_rng(0)
    for optimizer in ("adam", "lbfgs") * 4:
        timer = threading.Timer(rng.uniform(0, 0.2), os.kill, (os.getpid(), signal.SIGINT))

        def callback(step, image, costs, timer=timer):
            if step == 2:
                timer.start()

        r = stylize(*tiny_pair, Config(max_dim=48, steps=100000, optimizer=optimizer), callback=callback,
                    callback_every=1, progress=True)
        timer.join()
        assert r.interrupted and 2 <= r.steps_done < 100000, r.message
        assert r.best_image.shape == (1, 48, 48, 3)


@pytest.mark.slow
def test_a_second_ctrl_c_stops_at_once(vgg_weights, tiny_pair):
    finished = []

    def callback(step, image, costs):
        if step == 2:
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)  # raises KeyboardInterrupt here, in the callback
            time.sleep(0.05)
            finished.append(step)  # not reached: the second Ctrl-C did not wait for the step

    r = stylize(*tiny_pair, Config(max_dim=64, steps=50), callback=callback, callback_every=1, progress=False)
    assert finished == []
    assert r.interrupted and r.steps_done == 2


@pytest.mark.slow
def test_non_finite_cost_stops_with_last_good_image(vgg_weights, tiny_pair):
    # alpha so large that alpha * J_content overflows float32 once the image moves
    r = stylize(*tiny_pair, Config(max_dim=64, steps=20, alpha=1e36), progress=False)
    assert r.diverged and r.stopped and "learning rate" in r.message
    assert r.steps_done >= 1 and np.all(np.isfinite(r.image.numpy()))
    assert np.isfinite(r.best_cost)


@pytest.mark.slow
def test_names_and_overrides(vgg_weights):
    r = stylize("chelsea", "hubble_deep_field", steps=2, max_dim=64, progress=False)
    assert r.config.steps == 2 and r.best_image.shape[2] == 64
