"""Stylizing a clip frame by frame (nstlib.extensions.video, nstlib.io.frames, `nst video`):
reading, writing, warm starts, the optical flow method and its temporal cost, bad input,
stopping and resuming."""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from nstlib import cli
from nstlib.config import Config
from nstlib.errors import NSTError
from nstlib.extensions import flow as optical
from nstlib.extensions import video
from nstlib.extensions.video import frame_change, frame_start, stylize_video, warping_error
from nstlib.io.examples import load_example
from nstlib.io.frames import FrameFolder, frames_folder_for, read_frames, write_frames
from nstlib.io.images import save_image


def shifted_clip():
    """4 frames of 64x64: a camera panning 2 pixels per frame across the astronaut."""
    big = load_example("astronaut", max_dim=72)
    return [big[:, 2:66, 2 * k:2 * k + 64, :] for k in range(4)]


def noisy_clip():
    """4 frames of 43x64: a still scene with fresh sensor noise in every frame."""
    still = load_example("chelsea", max_dim=64)
    return [tf.clip_by_value(still + tf.random.stateless_normal(still.shape, seed=(k, 0), stddev=0.03), 0, 1)
            for k in range(4)]


@pytest.mark.slow
@pytest.mark.parametrize("clip", [shifted_clip, noisy_clip])
def test_warm_start_flickers_less(vgg_weights, tmp_path, clip):
    frames, style = clip(), load_example("kandinsky_composition_vii", max_dim=64)
    config = Config(max_dim=64, steps=10)
    seen = []
    warm = stylize_video(frames, style, config, "warm", callback_frame=lambda k, image: seen.append(k),
                         progress=False)
    cold = stylize_video(frames, style, config, "independent", progress=False)
    assert len(warm) == len(cold) == 4 and seen == [0, 1, 2, 3]
    assert all(f.shape == frames[0].shape for f in warm)
    # measured: 0.018 vs 0.158 (shifted), 0.015 vs 0.073 (noisy)
    assert frame_change(warm) < 0.5 * frame_change(cold), (frame_change(warm), frame_change(cold))
    # no frame is a frozen copy of the one before (what a too high learning rate gave)
    assert all(np.abs(np.asarray(a) - np.asarray(b)).max() > 0.01 for a, b in zip(warm, warm[1:]))
    # one output frame per input frame
    assert len(read_frames(write_frames(warm, tmp_path / "out"))) == 4


@pytest.mark.slow
def test_callback_frame_can_stop(vgg_weights):
    frames = noisy_clip()
    out = stylize_video(frames, "hubble_deep_field", steps=2, max_dim=64, callback_frame=lambda k, image: k == 1,
                        progress=False)
    assert len(out) == 2
    # a resumed clip goes on after the frames done, which it keeps as they are
    seen = []
    rest = stylize_video(frames, "hubble_deep_field", method="warm", steps=2, max_dim=64, done=out,
                         callback_frame=lambda k, image: seen.append(k), progress=False)
    assert seen == [2, 3] and len(rest) == 4 and rest[0] is not None
    assert all(np.array_equal(a, b) for a, b in zip(rest[:2], out))
    with pytest.raises(NSTError, match="one size"):
        stylize_video(frames, "hubble_deep_field", steps=2, max_dim=64, done=[tf.zeros((1, 32, 32, 3))], progress=False)


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


# --- the optical flow method -----------------------------------------------------------

def known_motion_clip(n_frames=4):
    """4 frames of 64x64: a camera panning (2, 1) px and zooming 2% per frame over the
    astronaut, a coffee cup moving the other way in front, with the true flow."""
    cup = load_example("coffee", max_dim=64)[:, 8:28, 22:42]
    return optical.pan_zoom_clip(load_example("astronaut", max_dim=110), n_frames, (64, 64), pan=(2.0, 1.0),
                                 zoom=1.02, sprite=cup)


@pytest.mark.slow
def test_the_temporal_cost_lowers_the_warping_error(vgg_weights):
    clip, style = known_motion_clip(), load_example("kandinsky_composition_vii", max_dim=64)
    config = Config(max_dim=64, steps=10)
    runs = {name: stylize_video(clip.frames, style, config, method, progress=False, temporal_weight=w)
            for name, method, w in (("warm", "warm", None), ("flow", "flow", None), ("no temporal cost", "flow", 0),
                                    ("strong temporal cost", "flow", 3e10))}
    error = {name: warping_error(frames, motion=clip.motion) for name, frames in runs.items()}
    # measured (grey levels): warm 37, warped starts alone 6.7, with the default temporal
    # weight 5.6, with a 10 times stronger one 3.1 (independent frames: 17.6)
    assert error["flow"] < 0.5 * error["warm"], error
    assert error["strong temporal cost"] < 0.6 * error["no temporal cost"], error
    assert error["flow"] < error["no temporal cost"], error
    assert all(len(frames) == 4 and frames[3].shape == (1, 64, 64, 3) for frames in runs.values())
    # the strokes move: no frame is a frozen copy of the warped frame before it
    flow = runs["flow"]
    assert all(np.abs(flow[t].numpy() - optical.warp(flow[t - 1], clip.flows[t - 1], "cubic")).max() > 0.05
               for t in range(1, 4))
    # the yardstick with the estimated flow agrees with the true one's verdict
    assert warping_error(flow, clip.frames) < 0.5 * warping_error(runs["warm"], clip.frames)


def test_a_flow_frame_starts_from_the_warped_previous_result():
    clip = known_motion_clip(2)
    previous_result = tf.image.flip_left_right(clip.frames[0])  # any picture: a stylized frame 0
    start, (warped, weights) = frame_start("flow", clip.frames[1], clip.frames[0], previous_result)
    assert start.shape == warped.shape == (1, 64, 64, 3) and weights.shape == (1, 64, 64, 1)
    expected = optical.warp(previous_result, clip.flows[0], "cubic")
    seen = weights.numpy()[0, ..., 0] > 0
    assert np.abs(warped.numpy() - expected)[0][seen].mean() < 0.03  # along the estimated flow: close
    assert np.abs(start - warped.numpy())[0][seen].max() < 1e-6  # where the warp holds, the start is the warp
    entering = optical.outside(clip.flows[0])  # the right column and bottom row came into view
    np.testing.assert_allclose(start[0][entering], clip.frames[1].numpy()[0][entering], atol=1e-6)  # content
    assert frame_start("warm", clip.frames[1], clip.frames[0], previous_result) == (previous_result, None)
    assert frame_start("independent", clip.frames[1], clip.frames[0], previous_result) == (None, None)


def test_warping_error_is_zero_for_frames_that_follow_the_motion():
    pan = optical.pan_zoom_clip(load_example("astronaut", max_dim=110), 3, (64, 64), pan=(3.0, 0.0))
    assert warping_error(pan.frames, motion=pan.motion) < 1e-4
    frozen = [pan.frames[0]] * 3
    assert warping_error(frozen, motion=pan.motion) > 0.02
    with pytest.raises(NSTError, match="input frames"):
        warping_error(frozen)


@pytest.mark.slow
def test_lbfgs_frames_and_method_mistakes(vgg_weights, monkeypatch):
    frames = known_motion_clip(2).frames
    out = stylize_video(frames, "hubble_deep_field", Config(max_dim=64, steps=3, optimizer="lbfgs"), "flow",
                        progress=False)
    assert len(out) == 2 and not np.array_equal(out[0], out[1])
    with pytest.raises(NSTError, match="method must be one of flow, warm, independent"):
        stylize_video(frames, "hubble_deep_field", method="optical", progress=False)
    monkeypatch.setitem(sys.modules, "cv2", None)  # OpenCV not installed
    assert video.default_method() == "warm"
    with pytest.raises(NSTError, match=r"pip install 'nstlib\[video\]'"):
        stylize_video(frames, "hubble_deep_field", method="flow", progress=False)


# --- nst video ---------------------------------------------------------------------------

def run_cli(capsys, *argv):
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def save_clip(folder, frames):
    for k, frame in enumerate(frames):
        save_image(frame, folder / f"frame_{k}.png")
    return folder


def test_cli_bad_input_gets_one_line_and_status_2(tmp_path, capsys, monkeypatch):
    (tmp_path / "notes.gif").write_text("not a gif")
    (tmp_path / "noise.mp4").write_bytes(os.urandom(2000))
    save_image(np.zeros((1, 40, 40, 3)), tmp_path / "one" / "a.png")
    save_image(np.zeros((1, 40, 40, 3)), tmp_path / "mixed" / "a.png")
    save_image(np.zeros((1, 40, 48, 3)), tmp_path / "mixed" / "b.png")
    clip = save_clip(tmp_path / "clip", known_motion_clip(2).frames)
    (tmp_path / "taken.gif").write_bytes(b"precious")
    (tmp_path / "stopped.gif.frames").mkdir()  # a stopped run's frames
    for args, words in (
        (["notes.gif", "o.gif"], "could not be read as a clip"),
        (["noise.mp4", "o.gif"], "could not be read as a clip"),
        (["one", "o.gif"], "has one frame"),
        (["mixed", "o.gif"], "do not all have one size"),
        (["clip", "o.png"], "give a .gif or .mp4 file or a folder"),
        (["clip", "taken.gif"], "exists"),
        (["clip", "o.gif", "--resume"], "Nothing to resume"),
        (["clip", "stopped.gif"], "holds the frames of a stopped run: pass --resume"),
        (["clip", "o.gif", "--temporal-weight", "-1"], "at least 0"),
    ):
        status, _, err = run_cli(capsys, "video", *[str(tmp_path / a) if i < 2 else a for i, a in enumerate(args)],
                                 "--size", "64")
        assert status == 2 and err.count("\n") == 1 and words in err, (args, err)
    assert (tmp_path / "taken.gif").read_bytes() == b"precious" and not (tmp_path / "o.gif.frames").exists()
    monkeypatch.setattr(optical, "opencv_available", lambda: False)
    status, _, err = run_cli(capsys, "video", str(clip), str(tmp_path / "o.gif"), "--method", "flow")
    assert status == 2 and err.count("\n") == 1 and "pip install 'nstlib[video]'" in err, err


def test_the_cli_and_the_library_share_the_temporal_weight():
    from nstlib import config

    assert video.TEMPORAL_WEIGHT is config.TEMPORAL_WEIGHT and video.METHODS is config.VIDEO_METHODS
    help_text = " ".join(cli.build_parser()._subparsers._group_actions[0].choices["video"].format_help().split())
    assert f"(default: {video.TEMPORAL_WEIGHT:g}; at least 0)" in help_text and "--resume" in help_text


@pytest.mark.slow
def test_a_stopped_run_keeps_its_frames_and_resumes(vgg_weights, tmp_path, capsys):
    clip = save_clip(tmp_path / "clip", known_motion_clip(4).frames)
    out = tmp_path / "styled"
    folder = frames_folder_for(out)
    args = ["video", str(clip), str(out), "--style", "hubble_deep_field", "--size", "64", "--steps", "12"]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "nstlib", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 120
        while not (folder / "frame_0001.png").exists() and time.time() < deadline and proc.poll() is None:
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)  # `kill`: as Ctrl-C
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err[-800:]
    assert "--resume" in err and "Traceback" not in err
    kept = sorted(p.name for p in folder.glob("frame_*.png"))
    assert 1 <= len(kept) < 4 and (folder / FrameFolder.SETTINGS).is_file() and not out.exists()
    first = np.asarray(Image.open(folder / "frame_0001.png"))
    # other settings than the stopped run's: refused; the same: it goes on from there
    status, _, err = run_cli(capsys, *args[:-1], "8", "--resume")
    assert status == 2 and "steps" in err and err.count("\n") == 1
    status, stdout, err = run_cli(capsys, *args, "--resume")
    assert status == 0, err
    assert f"Resuming after frame {len(kept)} of 4" in stdout and "Saved 4 frames" in stdout
    assert np.array_equal(np.asarray(Image.open(out / "frame_0001.png")), first)  # kept, not redone
    assert not folder.exists()  # the clip is written: the frames' folder is gone
