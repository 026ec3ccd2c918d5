"""nstlib.checks.check_warp (notebook 07's video section): it passes the reference and the
usual library calls, and fails each typical mistake with its hint."""

import numpy as np
import pytest
import tensorflow as tf
from own_work_rule import reference_passes, rule_on, wrong_answers_may_use_the_package  # noqa: F401

from nstlib import checks
from nstlib.checks import CheckFailed, NotImplementedYet
from nstlib.extensions import flow as F


def fails_with(fn, *hints):
    with pytest.raises(CheckFailed) as info:
        checks.check_warp(fn)
    message = str(info.value)
    assert "\n" not in message
    for hint in hints:
        assert hint in message, f"{hint!r} not in {message!r}"
    return message


def grid(image, flow):
    a = np.asarray(image)[0]
    h, w = a.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    return a, h, w, xs, ys


def bilinear(a, x, y, swap=False):
    h, w = a.shape[:2]
    x, y = np.clip(x, 0, w - 1), np.clip(y, 0, h - 1)
    x0, y0 = np.minimum(np.floor(x).astype(int), w - 2), np.minimum(np.floor(y).astype(int), h - 2)
    fx, fy = (x - x0)[..., None], (y - y0)[..., None]
    if swap:
        fx, fy = 1 - fx, 1 - fy
    top = a[y0, x0] * (1 - fx) + a[y0, x0 + 1] * fx
    bottom = a[y0 + 1, x0] * (1 - fx) + a[y0 + 1, x0 + 1] * fx
    return (top * (1 - fy) + bottom * fy)[None]


def test_reference_passes(capsys):
    reference_passes(checks.check_warp, F.warp)
    assert "✓ warp: all checks passed" in capsys.readouterr().out


def test_opencv_remap_and_a_tensorflow_answer_pass(capsys):
    import cv2

    def with_remap(image, flow):
        a, h, w, xs, ys = grid(image, flow)
        return cv2.remap(a, xs + flow[..., 0], ys + flow[..., 1], cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_REPLICATE)[None]

    checks.check_warp(with_remap)
    assert capsys.readouterr().out.count("✓ warp") == 1
    # the package's warp under another name is still the package's: it scores 0
    with rule_on("warp"), pytest.raises(CheckFailed, match="calls a ready-made answer"):
        checks.check_warp(lambda image, flow: tf.constant(F.warp(image, flow)))


def test_a_stub_is_not_implemented_yet():
    def stub(image, flow):
        # YOUR CODE HERE
        raise NotImplementedError()

    with pytest.raises(NotImplementedYet):
        checks.check_warp.raw(stub)


def test_minus_the_flow():
    fails_with(lambda image, flow: F.warp(image, -flow), "not at x − flow(x)")


def test_components_swapped():
    fails_with(lambda image, flow: F.warp(image, flow[..., ::-1]), "components are swapped")


@pytest.mark.parametrize("to_pixel, hint", [(np.round, "rounded the point to the nearest pixel"),
                                             (np.floor, "floor(x + flow(x))")])
def test_a_whole_pixel_instead_of_bilinear(to_pixel, hint):
    def whole_pixel(image, flow):
        a, h, w, xs, ys = grid(image, flow)
        x = np.clip(to_pixel(xs + flow[..., 0]), 0, w - 1).astype(int)
        y = np.clip(to_pixel(ys + flow[..., 1]), 0, h - 1).astype(int)
        return a[y, x][None]

    fails_with(whole_pixel, hint)


def test_weights_swapped():
    def swapped(image, flow):
        a, h, w, xs, ys = grid(image, flow)
        return bilinear(a, xs + flow[..., 0], ys + flow[..., 1], swap=True)

    fails_with(swapped, "weights are swapped")


def test_unmoved():
    fails_with(lambda image, flow: np.asarray(image), "came back unmoved")


def test_no_clipping_raises_an_index_error_with_the_border_hint():
    def unclipped(image, flow):
        a, h, w, xs, ys = grid(image, flow)
        x, y = xs + flow[..., 0], ys + flow[..., 1]
        x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
        fx, fy = (x - x0)[..., None], (y - y0)[..., None]
        top = a[y0, x0] * (1 - fx) + a[y0, x0 + 1] * fx
        bottom = a[y0 + 1, x0] * (1 - fx) + a[y0 + 1, x0 + 1] * fx
        return (top * (1 - fy) + bottom * fy)[None]

    fails_with(unclipped, "IndexError", "nearest border pixel")


def test_black_outside():
    def black(image, flow):
        out = F.warp(image, flow)
        out[0][F.outside(flow)] = 0.0
        return out

    fails_with(black, "wrong where the point leaves it", "nearest border pixel")


def test_shapes_and_types():
    fails_with(lambda image, flow: F.warp(image, flow)[0], "keep the batch axis")
    fails_with(lambda image, flow: None, "return")
    fails_with(lambda image, flow: [1.0], "list")
    fails_with(lambda image, flow: np.uint8(F.warp(image, flow) * 255), "floats")
