"""Stylizing a clip frame by frame (nstlib.extensions.video, nstlib.io.frames): reading, writing, warm start."""

import numpy as np
import pytest
import tensorflow as tf

from nstlib.config import Config
from nstlib.io.examples import load_example
from nstlib.errors import NSTError
from nstlib.io.images import save_image
from nstlib.extensions.video import frame_change, stylize_video
from nstlib.io.frames import read_frames, write_frames


def shifted_clip():
    """4 frames of 64x64: a camera panning 2 pixels per frame across the astronaut."""
    big = load_example("astronaut", max_dim=72)
    return [big[:, 2:66, 2 * k:2 * k + 64, :] for k in range(4)]


def noisy_clip():
    """4 frames of 43x64: a still scene with fresh sensor noise in every frame."""
    still = load_example("chelsea", max_dim=64)
    return [tf.clip_by_value(still + tf.random.stateless_normal(still.shape, seed=(k, 0), stddev=0.03), 0, 1)
            for k in range(4)]


@pytest.mark.parametrize("clip", [shifted_clip, noisy_clip])
def test_warm_start_flickers_less(vgg_weights, tmp_path, clip):
    frames, style = clip(), load_example("kandinsky_composition_vii", max_dim=64)
    config = Config(max_dim=64, steps=10)
    seen = []
    warm = stylize_video(frames, style, config, callback_frame=lambda k, image: seen.append(k), progress=False)
    cold = stylize_video(frames, style, config, warm_start=False, progress=False)
    assert len(warm) == len(cold) == 4 and seen == [0, 1, 2, 3]
    assert all(f.shape == frames[0].shape for f in warm)
    # measured: 0.018 vs 0.158 (shifted), 0.015 vs 0.073 (noisy)
    assert frame_change(warm) < 0.5 * frame_change(cold), (frame_change(warm), frame_change(cold))
    # no frame is a frozen copy of the one before (what a too high learning rate gave)
    assert all(np.abs(np.asarray(a) - np.asarray(b)).max() > 0.01 for a, b in zip(warm, warm[1:]))
    # one output frame per input frame
    assert len(read_frames(write_frames(warm, tmp_path / "out"))) == 4


def test_callback_frame_can_stop(vgg_weights):
    frames = noisy_clip()
    out = stylize_video(frames, "hubble_deep_field", steps=2, max_dim=64, callback_frame=lambda k, image: k == 1,
                        progress=False)
    assert len(out) == 2


def test_read_frames_from_a_folder_in_natural_order(tmp_path):
    for i in (10, 2, 1):
        save_image(np.full((1, 40, 50, 3), i / 10, np.float32), tmp_path / f"frame_{i}.png")
    (tmp_path / "notes.txt").write_text("not a frame")
    frames = read_frames(tmp_path, max_dim=48)
    assert [round(float(np.mean(f)) * 10) for f in frames] == [1, 2, 10]  # frame_2 before frame_10
    assert all(f.shape == (1, 38, 48, 3) for f in frames)
    assert len(read_frames(tmp_path, max_frames=2)) == 2


def test_write_frames_names_and_refuses_to_overwrite(tmp_path):
    frames = [np.full((1, 40, 40, 3), 0.5, np.float32)] * 3
    out = write_frames(frames, tmp_path / "out")
    assert sorted(p.name for p in out.iterdir()) == ["frame_0001.png", "frame_0002.png", "frame_0003.png"]
    with pytest.raises(NSTError, match="frame_0001.png exists"):
        write_frames(frames, out)
    write_frames(frames, out, overwrite=True)
    with pytest.raises(NSTError, match="folder"):
        write_frames(frames, tmp_path / "out.png")


def test_read_frames_mistakes(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(NSTError, match="has no images"):
        read_frames(tmp_path / "empty")
    (tmp_path / "fake.gif").write_text("<html>not a gif</html>")
    with pytest.raises(NSTError, match="could not be read"):
        read_frames(tmp_path / "fake.gif")
    with pytest.raises(NSTError, match="No such file"):
        read_frames(tmp_path / "missing.mp4")
    save_image(np.zeros((1, 40, 40, 3)), tmp_path / "mixed" / "a.png")
    save_image(np.zeros((1, 40, 48, 3)), tmp_path / "mixed" / "b.png")
    with pytest.raises(NSTError, match="one size"):
        read_frames(tmp_path / "mixed")
