"""Beyond the basic algorithm: style blends, masks, presets, coarse to fine (each effect measured)."""

import statistics
import time

import numpy as np
import pytest
import tensorflow as tf

from nstlib import StyleTransfer, stylize
from nstlib.config import Config
from nstlib.core import costs
from nstlib.errors import NSTError
from nstlib.extensions.presets import PRESETS, preset
from nstlib.io.examples import load_example
from nstlib.pipeline import stylize_coarse_to_fine

SMALL = Config(max_dim=64, steps=8)


@pytest.mark.slow
def test_blend_weights_one_zero_equal_the_first_style_alone(vgg_weights):
    alone = stylize("chelsea", "hubble_deep_field", SMALL, progress=False)
    blend = stylize("chelsea", ["hubble_deep_field", "coffee"], SMALL, style_weights=[1, 0], progress=False)
    np.testing.assert_allclose(blend.history["total"], alone.history["total"], rtol=1e-5)
    np.testing.assert_allclose(blend.best_image.numpy(), alone.best_image.numpy(), atol=1e-5)
    mixed = stylize("chelsea", ["hubble_deep_field", "coffee"], SMALL, style_weights=[0.5, 0.5], progress=False)
    assert not np.allclose(mixed.history["style"], alone.history["style"], rtol=1e-2)


@pytest.mark.slow
@pytest.mark.parametrize("weights, words", [([1], "one weight per style"), ([1, -1], ">= 0"), (["a", 1], "numbers")])
def test_bad_blend_weights_are_refused(vgg_weights, weights, words):
    with pytest.raises(NSTError, match=words):
        stylize("chelsea", ["hubble_deep_field", "coffee"], SMALL, style_weights=weights, progress=False)


def _half_mask(h, w):
    m = np.zeros((h, w), np.float32)
    m[:, : w // 2] = 1.0  # the style on the left half only
    return m


@pytest.mark.slow
def test_pixels_outside_the_mask_keep_the_content(vgg_weights):
    content = load_example("astronaut", max_dim=64)
    r = stylize(content, "hubble_deep_field", SMALL, mask=_half_mask(64, 64), progress=False)
    img, c = r.best_image.numpy()[0], content.numpy()[0]
    assert np.abs(img[:, 40:] - c[:, 40:]).max() < 1e-3  # right: untouched (away from the blurred edge)
    assert np.abs(img[:, :24] - c[:, :24]).mean() > 0.02  # left: painted


@pytest.mark.slow
def test_a_second_style_paints_outside_the_mask(vgg_weights):
    content = load_example("astronaut", max_dim=64)
    r = stylize(content, "hubble_deep_field", SMALL, mask=_half_mask(64, 64), outside_style="coffee", progress=False)
    c = content.numpy()[0]
    assert np.abs(r.best_image.numpy()[0][:, 40:] - c[:, 40:]).mean() > 0.01


@pytest.mark.slow
def test_gram_targets_do_not_depend_on_the_style_images_size(vgg_weights):
    content = load_example("chelsea", max_dim=64)
    style = load_example("hubble_deep_field", max_dim=64)
    bigger = tf.image.resize(tf.tile(style, (1, 2, 2, 1)), (style.shape[1] * 2, style.shape[2] * 2))  # same texture, 4x area
    a = StyleTransfer(content, style, SMALL).costs(content)["style"]
    b = StyleTransfer(content, bigger, SMALL).costs(content)["style"]
    assert float(b) == pytest.approx(float(a), rel=0.25)  # the course's raw formula would differ ~4x in G, 16x in J


def test_presets_match_their_sources():
    tut = PRESETS["tf-tutorial"]
    assert (tut.alpha, tut.beta, tut.tv_weight, tut.learning_rate, tut.adam_beta1, tut.adam_epsilon) == (1e4, 1e-2, 30, 0.02, 0.99, 0.1)
    assert tut.content_layers == ("block5_conv2",) and tut.normalization == "tf-tutorial" and tut.preprocess
    assert [n for n, _ in tut.style_layers] == [f"block{i}_conv1" for i in range(1, 6)]
    gatys = PRESETS["gatys"]
    assert gatys.content_layers == ("block4_conv2",) and gatys.pooling == "avg" and gatys.optimizer == "lbfgs"
    assert gatys.alpha / gatys.beta == pytest.approx(1e-3) and gatys.normalization == "gatys" and gatys.init == "noise"
    old, new = PRESETS["course-2018"], PRESETS["course-2021"]
    for course in (old, new):  # both versions kept α, β and the layers' weights
        assert (course.alpha, course.beta) == (10, 40) and all(w == 0.2 for _, w in course.style_layers)
    assert old.preprocess and old.content_layers == ("block4_conv2",) and old.noise_ratio == 0.6
    assert old.learning_rate == pytest.approx(2 / 255) and old.steps == 200  # Adam(2.0) on 0-255 pixels
    assert not new.preprocess and new.content_layers == ("block5_conv4",) and new.learning_rate == 0.01
    assert PRESETS["plain"] == Config()
    high = PRESETS["high"]  # the techniques of style-transfer-pytorch, as the issue and the README list them
    assert high.style_loss == "w2" and high.warm_start and high.min_size == 128
    assert high.scale_factor == pytest.approx(2**0.5) and 0.9 <= high.ema < 1
    weights = [w for _, w in high.style_layers]
    assert [w / weights[-1] for w in weights] == pytest.approx([256, 64, 16, 4, 1])
    assert preset("gatys", steps=5).steps == 5
    with pytest.raises(NSTError, match="choose one of fast, high, plain, course-2018, course-2021, gatys, tf-tutorial"):
        preset("picasso")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["fast", "high", "course-2018", "course-2021", "gatys", "tf-tutorial"])
def test_each_preset_runs_and_lowers_its_cost(vgg_weights, name):
    r = stylize("chelsea", "hubble_deep_field", preset(name, max_dim=64, steps=6), progress=False)
    assert r.history["total"][-1] < r.history["total"][0]


def _seconds_per_step(content, style, config):
    """Median seconds per step of a short run, leaving out tf.function's tracing."""
    stamps = []
    stylize(content, style, config.replace(steps=8), progress=False, callback_every=1,
            callback=lambda step, image, costs: stamps.append(time.perf_counter()))
    return statistics.median(np.diff(stamps[2:]))


@pytest.mark.slow
def test_coarse_to_fine_beats_the_final_size_alone_in_the_same_time(vgg_weights):
    """The same time budget, spent as measured steps: 40 steps at 128 px alone, or 30 %
    of that time at 64 px and the rest at 128 px. The step counts come from measured
    times per step, so the optimizations themselves are deterministic."""
    content, style = load_example("astronaut", max_dim=128), load_example("hubble_deep_field", max_dim=128)
    cfg = Config(max_dim=128)
    per_step_hi = _seconds_per_step(content, style, cfg)
    per_step_lo = _seconds_per_step(content, style, cfg.replace(max_dim=64))
    budget = 40 * per_step_hi
    n_lo = int(0.3 * budget / per_step_lo)
    n_hi = int(0.7 * budget / per_step_hi)
    alone = stylize(content, style, cfg.replace(steps=40), progress=False)
    ladder = stylize_coarse_to_fine(content, style, sizes=(64, 128), steps=(n_lo, n_hi), config=cfg, progress=False)
    judge = StyleTransfer(content, style, cfg)
    J_alone = float(judge.costs(alone.best_image)["total"])
    J_ladder = float(judge.costs(ladder.best_image)["total"])
    assert J_ladder < J_alone, (J_ladder, J_alone, n_lo, n_hi)


@pytest.mark.slow
def test_mask_keeps_the_content_outside_whatever_the_init(vgg_weights):
    content = load_example("astronaut", max_dim=64)
    r = stylize(content, "hubble_deep_field", SMALL.replace(init="noise"), mask=_half_mask(64, 64), progress=False)
    assert np.abs(r.best_image.numpy()[0][:, 40:] - content.numpy()[0][:, 40:]).max() < 1e-3


def test_a_soft_mask_weighs_each_position_by_its_value():
    a = tf.random.stateless_normal((1, 4, 5, 3), seed=(4, 4))
    half = tf.fill((1, 4, 5, 1), 0.5)
    np.testing.assert_allclose(costs.position_gram(a, half), costs.position_gram(a), rtol=1e-5)


@pytest.mark.slow
def test_stylize_coarse_to_fine_records_its_stages(vgg_weights):
    r = stylize_coarse_to_fine("chelsea", "hubble_deep_field", sizes=(48, 64), steps=(3, 2), progress=False)
    assert [s[:2] for s in r.stages] == [(48, 3), (64, 2)] and r.best_image.shape[2] == 64
    with pytest.raises(NSTError, match="increasing"):
        stylize_coarse_to_fine("chelsea", "hubble_deep_field", sizes=(64, 48))
    with pytest.raises(NSTError, match="one number of steps per size"):
        stylize_coarse_to_fine("chelsea", "hubble_deep_field", sizes=(48, 64), steps=(1, 2, 3))


@pytest.mark.slow
def test_unpreprocessed_input_makes_activations_far_smaller(vgg_weights):
    from nstlib import FeatureExtractor

    x = load_example("chelsea", max_dim=64)
    raw = FeatureExtractor(["block1_conv1"], preprocess=False)(x)["block1_conv1"]
    pre = FeatureExtractor(["block1_conv1"])(x)["block1_conv1"]
    assert float(tf.reduce_mean(pre)) > 20 * float(tf.reduce_mean(raw))
