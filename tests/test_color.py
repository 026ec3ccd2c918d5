"""Colour preservation (nstlib.extensions.color): luminance-only transfer and histogram matching."""

import numpy as np
import pytest
from skimage.color import rgb2yiq

from nstlib.errors import NSTError
from nstlib.extensions.color import match_style_colors, preserve_luminance
from nstlib.io.examples import load_example
from nstlib.io.images import resize_to
from nstlib.pipeline import PRESERVE_MODES, stylize_preserving_colors


def yiq(image):
    return rgb2yiq(np.asarray(image)[0])  # (H, W, 3): Y, I, Q


def color_stats(image):
    """Per-channel means and standard deviations, shape (6,)."""
    pixels = np.asarray(image).reshape(-1, 3)
    return np.concatenate([pixels.mean(0), pixels.std(0)])


@pytest.fixture(scope="module")
def pair():
    return load_example("astronaut", max_dim=64), load_example("hubble_deep_field", max_dim=64)


def test_preserve_luminance_takes_the_results_luminance_and_the_contents_chroma(pair):
    content, style = pair
    result = resize_to(style, content.shape[1:3])  # a picture of other colours stands in for a result
    out = preserve_luminance(result, content)
    assert out.shape == content.shape and out.dtype.name == "float32"
    assert 0 <= float(np.min(out)) and float(np.max(out)) <= 1
    assert np.abs(yiq(out)[..., 1:] - yiq(content)[..., 1:]).mean() < 0.02  # chroma: the content's
    assert np.abs(yiq(out)[..., 0] - yiq(result)[..., 0]).mean() < 0.02  # luminance: the result's
    assert np.abs(yiq(result)[..., 1:] - yiq(content)[..., 1:]).mean() > 0.05  # (they did differ)


def test_preserve_luminance_takes_arrays_and_resizes_the_content():
    content = load_example("astronaut", max_dim=96)  # 96x96
    result = np.asarray(load_example("hubble_deep_field", max_dim=64))[0]  # (56, 64, 3) float
    out = preserve_luminance(np.round(result * 255).astype(np.uint8), content)  # uint8 works too
    assert out.shape == (1, 56, 64, 3)
    small_content = resize_to(content, (56, 64))
    assert np.abs(yiq(out)[..., 1:] - yiq(small_content)[..., 1:]).mean() < 0.02


def test_match_style_colors_moves_the_styles_colour_statistics_to_the_contents(pair):
    content, style = pair
    matched = match_style_colors(style, content)
    assert matched.shape == style.shape  # the style's size
    before = np.abs(color_stats(style) - color_stats(content)).sum()
    after = np.abs(color_stats(matched) - color_stats(content)).sum()
    assert after < before / 10, (before, after)


def test_unknown_mode_lists_the_modes(pair):
    with pytest.raises(NSTError, match="luminance, histogram"):
        stylize_preserving_colors(*pair, "grayscale")
    assert PRESERVE_MODES == ("luminance", "histogram")


@pytest.mark.slow
def test_luminance_mode_end_to_end(vgg_weights, pair):
    content, style = pair
    # init="style" starts from the style's colours: without preservation they would stay
    r = stylize_preserving_colors(content, style, "luminance", steps=5, max_dim=64, init="style", progress=False)
    assert r.steps_done == 5 and len(r.history["total"]) == 5
    for image in (r.image, r.best_image):
        assert image.shape == content.shape
        assert np.abs(yiq(image)[..., 1:] - yiq(content)[..., 1:]).mean() < 0.02
    assert np.abs(yiq(r.best_image)[..., 0] - yiq(content)[..., 0]).mean() > 0.05  # not just the content


@pytest.mark.slow
def test_histogram_mode_end_to_end(vgg_weights, pair):
    content, style = pair
    r = stylize_preserving_colors(content, style, "histogram", steps=5, max_dim=64, init="style", progress=False)
    assert r.best_image.shape == content.shape
    # started from the recoloured style, so the colours are the content's, not the Hubble's
    before = np.abs(color_stats(style) - color_stats(content)).sum()
    after = np.abs(color_stats(r.best_image) - color_stats(content)).sum()
    assert after < before / 3, (before, after)
