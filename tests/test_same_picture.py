"""One default, one picture (issue 24): stylize(), `nst stylize`, the studio and `nst video`
(its first frame) start from the same settings and paint the same picture for the same pair."""

import dataclasses

import numpy as np
import pytest
from PIL import Image

from nstlib import cli, stylize
from nstlib.config import DEFAULT_CONFIG
from nstlib.io.examples import load_example
from nstlib.io.images import save_image

TINY = dict(max_dim=64, steps=4)  # the defaults, but for the size and the step count


def test_the_studio_starts_from_the_default():
    from nstlib.studio.binding import Binding  # ipywidgets: a runtime dependency

    studio, default = Binding().config, DEFAULT_CONFIG
    differ = {f.name for f in dataclasses.fields(default) if getattr(studio, f.name) != getattr(default, f.name)}
    assert not differ, {name: (getattr(studio, name), getattr(default, name)) for name in differ}


def pixels(path):
    return np.asarray(Image.open(path), np.float32) / 255


@pytest.mark.slow
def test_stylize_the_cli_and_the_video_paint_the_same_picture(vgg_weights, tmp_path, capsys):
    frames = tmp_path / "clip"
    photo = load_example("astronaut", max_dim=64)
    for k in range(2):  # a clip of two frames, the first the photo itself
        save_image(photo if k == 0 else photo[:, :, ::-1], frames / f"frame_{k}.png")
    content = frames / "frame_0.png"
    library = stylize(str(content), "hubble_deep_field", progress=False, **TINY).best_image.numpy()[0]
    out = tmp_path / "cli.png"
    assert cli.main(["stylize", str(content), "hubble_deep_field", "--size", "64", "--steps", "4", "--quiet",
                     "-o", str(out)]) == 0
    assert cli.main(["video", str(frames), str(tmp_path / "video"), "--style", "hubble_deep_field",
                     "--size", "64", "--steps", "4"]) == 0
    capsys.readouterr()
    first_frame = sorted((tmp_path / "video").glob("*.png"))[0]
    assert np.abs(pixels(out) - library).max() <= 1 / 255  # PNG's rounding
    assert np.abs(pixels(first_frame) - library).max() <= 1 / 255
