"""The probe's estimates: a step measured once, other runs predicted from the work they do."""

import numpy as np
import pytest

from nstlib import timing
from nstlib.config import LAYER_NAMES, Config
from nstlib.io.weights import load_vgg19


@pytest.mark.slow
def test_forward_flops_count_every_convolution_of_the_real_vgg19(vgg_weights):
    vgg = load_vgg19(vgg_weights)
    h, w, expected = 96, 64, 0
    for name in LAYER_NAMES[: LAYER_NAMES.index("block4_conv2") + 1]:
        if name.endswith("pool"):
            h, w = h // 2, w // 2
        else:
            kh, kw, c_in, c_out = vgg.get_layer(name).kernel.shape
            expected += 2 * h * w * kh * kw * c_in * c_out
    assert timing.forward_flops("block4_conv2", 96, 64) == expected
    assert timing.forward_flops("block1_conv1", 10, 10) == 2 * 100 * 9 * 3 * 64


class _Measured(timing.Probe):
    """A probe with a step time given, not measured (the arithmetic only)."""

    def __init__(self, step, size=256):
        self.config, self.size, self.step, self.pixels = Config().replace(max_dim=size), size, step, size * size


def test_estimates_grow_with_pixels_runs_and_iterations():
    probe = _Measured(step=0.5)
    assert probe.seconds(100) == pytest.approx(50)
    assert probe.seconds(100, size=512) == pytest.approx(200)  # 4 times the pixels
    assert probe.seconds(100, runs=3) == pytest.approx(150)
    assert probe.seconds(100, optimizer="lbfgs") == pytest.approx(50 * timing.LBFGS_EVALUATIONS)


def test_a_network_cut_at_a_shallow_layer_is_estimated_by_its_share_of_the_work():
    probe = _Measured(step=1.0)
    deepest = probe.seconds(10, layers=["block5_conv1"])  # the probe's own network: the full step
    assert deepest == pytest.approx(10)
    shallow = probe.seconds(10, layers=["block1_conv2"])
    assert 0 < shallow < 0.2 * deepest
    both = probe.seconds(10, layers=["block1_conv2", "block5_conv1"])
    assert both == pytest.approx(shallow + deepest)
    text = probe.describe(300, layers=["block1_conv2", "block3_conv2", "block5_conv2"])
    assert text.startswith("3 runs of 300 steps (VGG-19 cut at block1_conv2 … block5_conv2) at 256 px")


def test_a_picture_that_is_not_square_is_estimated_by_its_pixels():
    bridge = np.zeros((1, 119, 256, 3), np.float32)  # the Golden Gate photo at 256 px
    probe = _Measured(step=0.5)  # at 256 px
    assert probe.seconds(100, image=bridge) == pytest.approx(50 * 119 / 256)
    assert probe.seconds(100) == pytest.approx(50)  # None: a square
    portrait = np.zeros((1, 300, 200, 3))  # only the proportions count, not the picture's own size
    assert probe.seconds(100, 512, image=portrait) == pytest.approx(50 * 4 * 200 / 300)
    assert probe.seconds(10, 512, optimizer="lbfgs", image=bridge) > probe.seconds(10, 512, image=bridge)
    assert "100 steps at 512 px: about 2.2 min here" in probe.describe(100, 512, image=portrait)  # 133 s


def test_a_steps_fixed_part_does_not_shrink_with_the_pixels():
    probe = _Measured(step=0.5)
    probe.fixed = 0.1  # of the 0.5 s at 256 px, 0.1 s whatever the size
    assert probe.step_seconds(256 * 256) == pytest.approx(0.5)
    assert probe.step_seconds(128 * 128) == pytest.approx(0.1 + 0.4 / 4)
    assert probe.seconds(100, size=128) == pytest.approx(100 * 0.2)  # not 100 * 0.5 / 4
    assert probe.seconds(100, size=512) == pytest.approx(100 * (0.1 + 0.4 * 4))


def test_the_notebooks_top_line_scales_its_measured_steps_by_this_machines_step(monkeypatch):
    monkeypatch.setenv("NSTLIB_AUTO_PRECISION", "float32")  # the float32 path's count, on any CPU
    probe = _Measured(step=0.5)
    monkeypatch.setitem(timing.NOTEBOOK_STEPS, "06", 600)
    assert probe.notebook_seconds("06") == pytest.approx(300)
    assert _Measured(step=1.0, size=128).notebook_seconds("06") == pytest.approx(600 * 4)  # 4 x the pixels at 256


def test_every_course_notebook_has_its_measured_steps():
    from pathlib import Path

    notebooks = sorted(p.name[:2] for p in (Path(__file__).parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(timing.NOTEBOOK_STEPS) == notebooks
    assert all(steps > 0 for steps in timing.NOTEBOOK_STEPS.values()), "run benchmarks/notebooks.py"
    assert set(timing.NOTEBOOK_STEPS_BFLOAT16) <= set(notebooks)
    assert all(steps > 0 for steps in timing.NOTEBOOK_STEPS_BFLOAT16.values())


def test_a_bfloat16_cpu_counts_its_own_steps(monkeypatch):
    monkeypatch.setitem(timing.NOTEBOOK_STEPS, "02", 700)
    monkeypatch.setitem(timing.NOTEBOOK_STEPS_BFLOAT16, "02", 1400)  # its probe step twice as fast, not the notebook
    monkeypatch.setenv("NSTLIB_AUTO_PRECISION", "bfloat16")
    assert timing.notebook_steps("02") == 1400 and _Measured(step=0.25).notebook_seconds("02") == pytest.approx(350)
    monkeypatch.setenv("NSTLIB_AUTO_PRECISION", "float32")
    assert timing.notebook_steps("02") == 700 and _Measured(step=0.5).notebook_seconds("02") == pytest.approx(350)
