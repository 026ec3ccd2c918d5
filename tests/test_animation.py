"""Frames of a run, saved as a GIF or an MP4 (nstlib.io.animation)."""

import imageio.v3 as iio
import numpy as np
import pytest

from nstlib import stylize
from nstlib.errors import NSTError
from nstlib.io import animation
from nstlib.io.animation import FrameRecorder, save_gif
from nstlib.io.examples import load_example


def frames(n=3, size=(40, 48)):
    rng = np.random.default_rng(0)
    return [rng.integers(0, 256, (*size, 3), dtype=np.uint8) for _ in range(n)]


@pytest.mark.slow
def test_a_20_step_run_recorded_every_5_steps_is_a_4_frame_gif(vgg_weights, tmp_path):
    recorder, small = FrameRecorder(every=5), FrameRecorder(every=10, max_dim=32)

    def both(step, image, costs):
        recorder(step, image, costs)
        small(step, image, costs)

    content, style = load_example("astronaut", max_dim=64), load_example("hubble_deep_field", max_dim=64)
    stylize(content, style, steps=20, max_dim=64, callback=both, callback_every=5, progress=False)
    # steps 5, 10, 15, 20; the initial image is not a frame of its own
    assert recorder.steps == [5, 10, 15, 20] and len(recorder) == 4
    assert all(f.shape == (64, 64, 3) and f.dtype == np.uint8 for f in recorder.frames)
    assert small.steps == [10, 20] and small.frames[0].shape == (32, 32, 3)

    path = save_gif(recorder.frames, tmp_path / "run.gif", fps=10)
    back = iio.imread(path, index=None)
    assert back.shape == (4, 64, 64, 3)
    meta = iio.immeta(path)
    assert meta["loop"] == 0 and meta["duration"] == 100  # ms per frame at 10 fps


def test_save_gif_never_overwrites_without_asking(tmp_path):
    path = save_gif(frames(), tmp_path / "a.gif")
    with pytest.raises(NSTError, match="exists"):
        save_gif(frames(5), path)
    assert iio.imread(path, index=None).shape[0] == 3  # untouched
    save_gif(frames(5), path, overwrite=True)
    assert iio.imread(path, index=None).shape[0] == 5
    assert [p.name for p in tmp_path.iterdir()] == ["a.gif"]  # no temporary file left behind


def test_save_gif_takes_float_images_and_writes_folders(tmp_path):
    images = [f[np.newaxis] / 255.0 for f in frames(2)]  # (1, H, W, 3) in [0, 1]
    path = save_gif(images, tmp_path / "new" / "b.gif", fps=4, loop=1)
    assert iio.imread(path, index=None).shape == (2, 40, 48, 3)
    assert iio.immeta(path)["duration"] == 250


def test_save_mp4_round_trip(tmp_path):
    path = save_gif(frames(4, size=(33, 48)), tmp_path / "a.mp4", fps=5)
    back = iio.imread(path, index=None, plugin="FFMPEG")
    assert back.shape == (4, 34, 48, 3)  # H.264 wants even sides: padded by one row


def test_mp4_without_ffmpeg_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(animation, "ffmpeg_available", lambda: False)
    with pytest.raises(NSTError, match="pip install imageio-ffmpeg"):
        save_gif(frames(), tmp_path / "a.mp4")


@pytest.mark.parametrize("name, given, match", [
    ("a.png", frames(), r"\.gif or \.mp4"),
    ("a.gif", [], "no frames"),
    ("a.gif", frames(1) + frames(1, size=(20, 20)), "one size"),
])
def test_save_gif_mistakes(tmp_path, name, given, match):
    with pytest.raises(NSTError, match=match):
        save_gif(given, tmp_path / name)
    with pytest.raises(NSTError, match="fps"):
        save_gif(frames(), tmp_path / "x.gif", fps=0)


def test_recorder_needs_a_positive_every():
    with pytest.raises(NSTError, match="every"):
        FrameRecorder(every=0)

