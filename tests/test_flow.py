"""Optical flow for video (nstlib.extensions.flow): the convention, warping, OpenCV's DIS flow
against a clip of known motion, Ruder et al.'s occlusion checks, and the drawings."""

import sys

import matplotlib
import numpy as np
import pytest

from nstlib.errors import NSTError
from nstlib.extensions import flow as F
from nstlib.io.examples import load_example

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def scene():
    """A still picture larger than the clips, and a small sprite (a coffee cup)."""
    return load_example("astronaut", max_dim=110), load_example("coffee", max_dim=64)[:, 8:28, 22:42]


def test_warp_convention_is_where_each_pixel_was():
    image = np.zeros((1, 8, 10, 3), np.float32)
    image[0, 3, 5] = 1.0  # a bright pixel at x=5, y=3
    flow = np.zeros((8, 10, 2), np.float32)
    flow[..., 0], flow[..., 1] = 2.0, -1.0  # every pixel of the new frame was 2 right and 1 up
    warped = F.warp(image, flow)
    assert warped.shape == image.shape
    assert np.argwhere(warped[0, ..., 0] == 1.0).tolist() == [[4, 3]]  # warped(x) = image(x + flow)
    half = F.warp(image, np.full((8, 10, 2), [0.5, 0.0], np.float32))  # bilinear between two pixels
    assert half[0, 3, 4, 0] == pytest.approx(0.5) and half[0, 3, 5, 0] == pytest.approx(0.5)
    assert F.warp(image, np.zeros((8, 10, 2))).tolist() == image.tolist()
    with pytest.raises(NSTError, match="does not match"):
        F.warp(image, np.zeros((8, 9, 2)))


def test_warp_against_the_known_motion(scene):
    big, cup = scene
    pan = F.pan_zoom_clip(big, n_frames=4, size=(64, 64), pan=(3.0, 1.0))  # whole pixels: exact
    for t in range(1, 4):
        seen = pan.visible[t - 1] > 0
        diff = np.abs(F.warp(pan.frames[t - 1], pan.flows[t - 1]) - pan.frames[t].numpy())[0].max(-1)
        assert diff[seen].max() < 1e-4 and 0.1 < seen.mean() < 1.0  # the last 3 columns and row enter
    clip = F.pan_zoom_clip(big, n_frames=4, size=(64, 64), pan=(2.0, 1.0), zoom=1.03, sprite=cup)
    for t in range(1, 4):
        for interpolation in ("bilinear", "cubic"):
            diff = np.abs(F.warp(clip.frames[t - 1], clip.flows[t - 1], interpolation) - clip.frames[t].numpy())[0]
            seen = clip.visible[t - 1] > 0
            # where the warp holds it matches up to interpolation; where it does not, it cannot
            assert diff[seen].mean() < 0.02 and diff[~seen].mean() > 0.06, (interpolation, diff[seen].mean())


def test_bilinear_warp_agrees_with_opencv_remap(scene):
    import cv2

    image = scene[0][0, :50, :60].numpy()
    rng = np.random.default_rng(0)
    flow = rng.uniform(-4, 4, (50, 60, 2)).astype(np.float32)
    ys, xs = np.mgrid[0:50, 0:60].astype(np.float32)
    x, y = np.clip(xs + flow[..., 0], 0, 59), np.clip(ys + flow[..., 1], 0, 49)
    expected = cv2.remap(image, x, y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    assert np.abs(F.warp(image, flow) - expected).max() < 1e-3


def test_flow_estimate_matches_the_true_flow(scene):
    big, cup = scene
    clip = F.pan_zoom_clip(big, n_frames=3, size=(80, 80), pan=(2.0, 1.0), zoom=1.02, sprite=cup)
    for t in (1, 2):
        estimate = F.optical_flow(clip.frames[t], clip.frames[t - 1])
        assert estimate.shape == (80, 80, 2) and estimate.dtype == np.float32
        error = np.hypot(*(estimate - clip.flows[t - 1]).transpose(2, 0, 1))[clip.visible[t - 1] > 0]
        # measured: median 0.06 px, 90th percentile 0.2 px; the sprite moves (3, -1) px
        assert np.median(error) < 0.25 and np.percentile(error, 90) < 1.0, (np.median(error), np.percentile(error, 90))
    medium = F.optical_flow(clip.frames[1], clip.frames[0], preset="medium")
    assert np.median(np.hypot(*(medium - clip.flows[0]).transpose(2, 0, 1))) < 0.5
    with pytest.raises(NSTError, match="preset"):
        F.optical_flow(clip.frames[1], clip.frames[0], preset="slow")


def test_occlusion_mask_finds_the_region_uncovered_by_a_pan(scene):
    big, cup = scene
    pan = F.pan_zoom_clip(big, n_frames=2, size=(64, 64), pan=(4.0, 0.0))  # the view moves right
    backward, weights = F.frame_motion(pan.frames[1], pan.frames[0])
    assert weights.shape == (64, 64) and set(np.unique(weights)) <= {0.0, 1.0}
    assert (weights[:, -4:] == 0).mean() > 0.95  # the 4 columns that came into view
    assert (weights[:, :-6] == 1).mean() > 0.9  # the rest was seen before
    # a sprite moving left and down uncovers the background behind it: the forward-backward
    # check finds it (measured: 78% of it over a still background), the checks together
    # (with the motion boundaries) over a panning one (80%)
    for pan, check, found in (((0.0, 0.0), ("occluded",), 0.65), ((2.0, 1.0), ("occluded", "boundary"), 0.7)):
        clip = F.pan_zoom_clip(big, n_frames=2, size=(64, 64), pan=pan, sprite=cup, sprite_velocity=(-3, 1))
        back, fwd = F.optical_flow(clip.frames[1], clip.frames[0]), F.optical_flow(clip.frames[0], clip.frames[1])
        masks = F.occlusions(back, fwd)
        uncovered = (clip.visible[0] == 0) & ~F.outside(clip.flows[0])  # behind the sprite, not the border
        assert uncovered.sum() >= 40
        assert np.any([masks[c] for c in check], axis=0)[uncovered].mean() > found, pan
        assert masks["occluded"][clip.visible[0] > 0].mean() < 0.02  # hardly any false alarm
        assert F.reliability(back, fwd)[clip.visible[0] > 0].mean() > 0.85  # most seen pixels are trusted


def test_consistency_thresholds_are_ruder_et_al():
    backward = np.full((20, 20, 2), [1.0, 0.0], np.float32)
    agree, disagree = -backward, backward.copy()  # the forward flow undoes the backward one, or not
    assert not F.occlusions(backward, agree)["occluded"].any()
    assert F.occlusions(backward, disagree)["occluded"].all()  # |w + ŵ|² = 4 > 0.01 · 2 + 0.5
    slightly = agree + np.float32([0.5, 0.0])  # |w + ŵ|² = 0.25 < 0.01 (0.25 + 1) + 0.5
    assert not F.occlusions(backward, slightly)["occluded"].any()
    step = np.zeros((20, 20, 2), np.float32)
    step[:, 10:, 0] = 3.0  # a motion boundary between columns 9 and 10
    boundary = F.occlusions(step, -step)["boundary"]
    assert boundary[:, 9:11].all() and not boundary[:, :8].any() and not boundary[:, 12:].any()


def test_flow_colours_and_arrows():
    right = np.zeros((4, 4, 2), np.float32)
    right[..., 0] = 2.0
    right[0, 0] = 0.0
    colours = F.flow_to_color(right)
    assert colours.shape == (4, 4, 3)
    np.testing.assert_allclose(colours[1, 1], [1, 0, 0], atol=1e-6)  # to the right: red, full brightness
    np.testing.assert_allclose(colours[0, 0], [0, 0, 0])  # still: black
    down = F.flow_to_color(np.full((2, 2, 2), [0.0, 1.0], np.float32), max_magnitude=2.0)[0, 0]
    assert down.max() == pytest.approx(0.5) and down[0] < down.max()  # half as long: half as bright, not red
    legend = F.flow_legend(32)
    assert legend.shape == (32, 32, 3) and legend[16, 31].argmax() == 0 and legend[0, 0].max() == 0
    flow = np.zeros((32, 48, 2), np.float32)
    flow[..., 0], flow[..., 1] = 3.0, -1.0
    ax = F.plot_flow_arrows(flow, np.zeros((1, 32, 48, 3)), step=8, title="flow")
    quiver = ax.collections[0]
    assert quiver.N == 4 * 6 and set(quiver.U) == {3.0} and set(quiver.V) == {-1.0}
    assert ax.get_title() == "flow"


def test_without_opencv_one_clear_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "cv2", None)  # import cv2 now raises ImportError
    assert not F.opencv_available()
    frame = np.zeros((1, 40, 40, 3), np.float32)
    with pytest.raises(NSTError, match=r"pip install 'nstlib\[video\]'") as e:
        F.optical_flow(frame, frame)
    assert "\n" not in str(e.value)
    assert F.warp(frame, np.zeros((40, 40, 2))).shape == frame.shape  # bilinear warping needs no OpenCV
