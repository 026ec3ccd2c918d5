"""The `nst` command: exit codes, outputs, no silent overwrite, one-line errors, Ctrl-C, resume."""

import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image

from nstlib import cli, stylize
from nstlib.config import Config
from nstlib.io.checkpoint import checkpoint_path_for, load_checkpoint

FAST = ["--size", "64", "--steps", "4", "--quiet"]


def run(capsys, *argv):
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.slow
def test_stylize_writes_the_image(vgg_weights, tmp_path, capsys):
    out = tmp_path / "sub" / "a.png"
    status, stdout, err = run(capsys, "stylize", "chelsea", "hubble_deep_field", "-o", str(out), *FAST)
    assert status == 0 and "Saved" in stdout and err == ""
    im = Image.open(out)
    assert im.size == (64, 43) and im.mode == "RGB"


@pytest.mark.slow
def test_no_silent_overwrite(vgg_weights, tmp_path, capsys):
    out = tmp_path / "a.png"
    out.write_bytes(b"precious")
    status, _, err = run(capsys, "stylize", "-o", str(out), *FAST)
    assert status == 2 and out.read_bytes() == b"precious"
    assert err.count("\n") == 1 and "--overwrite" in err
    # The default pair's photo is wide (about 2.1:1): 96 px keeps its short side above VGG-19's 32.
    status, _, _ = run(capsys, "stylize", "-o", str(out), "--overwrite", *FAST, "--size", "96")
    assert status == 0 and Image.open(out).size[0] == 96


@pytest.mark.parametrize(
    "argv, words",
    [
        (["stylize", "no_such_file.jpg"], "no_such_file.jpg"),
        (["stylize", "van_gogh_starry_night"], "van_gogh_the_starry_night"),
        (["stylize", "--steps", "0"], "steps must be at least 1"),
        (["stylize", "--lr", "-1"], "learning_rate must be a number greater than 0"),
        (["stylize", "--optimizer", "sgd"], "optimizer must be one of adam, lbfgs"),
        (["stylize", "--content-layers", "block9_conv9"], "Unknown VGG-19 layer"),
        (["stylize", "-o", "out.gif"], "must end in .png, .jpg or .jpeg"),
        (["stylize", "--checkpoint-every", "0"], "--checkpoint-every must be"),
        (["stylize", "--resume", "nothing.ckpt.npz"], "No checkpoint at nothing.ckpt.npz"),
    ],
)
@pytest.mark.slow
def test_mistakes_give_one_line_and_status_2(vgg_weights, tmp_path, capsys, monkeypatch, argv, words):
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, *argv, "--steps", "1") if "--steps" not in argv else run(capsys, *argv)
    assert status == 2
    assert err.startswith("nst: error: ") and err.count("\n") == 1 and words in err
    assert not list(tmp_path.glob("output/*.png"))


def test_argparse_mistake_exits_2(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["stylize", "--size", "many"])
    assert e.value.code == 2 and "invalid int value" in capsys.readouterr().err


def test_examples_lists_the_catalog_with_credits(capsys):
    status, out, _ = run(capsys, "examples", "--role", "style")
    assert status == 0 and "van_gogh_the_starry_night" in out and "Vincent van Gogh" in out
    assert "astronaut" not in out


@pytest.mark.slow
def test_resume_reaches_the_uninterrupted_result(vgg_weights, tmp_path):
    cfg = Config(max_dim=64, steps=12)
    full = stylize("chelsea", "hubble_deep_field", cfg, progress=False)
    ckpt = tmp_path / "run.ckpt.npz"
    part = stylize("chelsea", "hubble_deep_field", cfg, progress=False, checkpoint=ckpt, checkpoint_every=5,
                   callback=lambda step, image, costs: step >= 7, callback_every=1)
    assert part.stopped and part.steps_done == 7 and load_checkpoint(ckpt).steps_done == 7
    rest = stylize("chelsea", "hubble_deep_field", progress=False, resume=ckpt)
    assert rest.steps_done == 12 and rest.config == cfg
    np.testing.assert_allclose(rest.history["total"], full.history["total"], rtol=1e-3)
    np.testing.assert_allclose(rest.image.numpy(), full.image.numpy(), atol=2e-3)


def _start(args, cwd):
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONFAULTHANDLER="1")
    return subprocess.Popen([sys.executable, "-m", "nstlib", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_steps(proc, n):
    """Read the progress bar on stderr until it shows at least n steps."""
    seen = ""
    deadline = time.time() + 120
    while time.time() < deadline:
        ch = proc.stderr.read(1)
        if not ch:
            break
        seen += ch
        counts = re.findall(r"\| (\d+)/", seen[-200:])
        if counts and int(counts[-1]) >= n:
            return seen
    proc.kill()
    raise AssertionError(f"the run never reached step {n}: {seen[-500:]}")


def _finish(proc, timeout):
    """proc's (stdout, stderr) once it exits; if it hangs, a failure showing where."""
    try:
        return proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGABRT)  # faulthandler prints every thread's stack
        _, err = proc.communicate(timeout=30)
        at = err.rfind("Fatal Python error")
        stacks = err[at:] if at >= 0 else err[-4000:]
        raise AssertionError(f"nst did not exit within {timeout} s; its threads:\n{stacks[:12000]}") from None


@pytest.mark.slow
def test_ctrl_c_saves_the_best_image_and_a_checkpoint_to_resume(vgg_weights, tmp_path):
    out = tmp_path / "long.png"
    proc = _start(["stylize", "chelsea", "hubble_deep_field", "--size", "64", "--steps", "100000",
                   "--checkpoint-every", "3", "-o", str(out)], tmp_path)
    try:
        _wait_for_steps(proc, 5)
        proc.send_signal(signal.SIGINT)
        _, err = _finish(proc, 60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err[-800:]
    assert "interrupted after" in err and "--resume" in err and "Traceback" not in err
    assert Image.open(out).size == (64, 43)
    ckpt = checkpoint_path_for(out)
    done = load_checkpoint(ckpt).steps_done
    assert done >= 5
    # resume for a few more steps, then the checkpoint is gone and the image is replaced
    proc = _start(["stylize", "--resume", str(ckpt), "--steps", str(done + 3), "--overwrite", "--quiet"], tmp_path)
    stdout, err = _finish(proc, 120)
    assert proc.returncode == 0, err[-800:]
    assert f"({done + 3} steps" in stdout and not ckpt.exists()


@pytest.mark.slow
def test_several_styles_a_mask_and_a_preset(vgg_weights, tmp_path, capsys):
    mask = tmp_path / "mask.png"
    m = np.zeros((64, 64), np.uint8)
    m[:, :32] = 255
    Image.fromarray(m).save(mask)
    out = tmp_path / "blend.png"
    status, stdout, err = run(capsys, "stylize", "astronaut", "hubble_deep_field", "coffee", "--style-weights", "0.7,0.3",
                              "--mask", str(mask), "--preset", "tf-tutorial", "-o", str(out), *FAST)
    assert status == 0, err
    img = np.asarray(Image.open(out), np.float32) / 255
    from nstlib.io.examples import load_example

    content = load_example("astronaut", max_dim=64).numpy()[0]
    assert np.abs(img[:, 44:] - content[:, 44:]).max() < 3 / 255  # outside the mask: the content (PNG rounding)
    status, _, _ = run(capsys, "stylize", "chelsea", "hubble_deep_field", "coffee", "-o", str(tmp_path / "x.png"), *FAST)
    assert status == 0 and (tmp_path / "x.png").exists()


@pytest.mark.slow
def test_coarse_to_fine_from_the_command_line(vgg_weights, tmp_path, capsys):
    out = tmp_path / "big.png"
    status, stdout, err = run(capsys, "stylize", "chelsea", "hubble_deep_field", "--sizes", "48,96", "--steps", "2,2",
                              "--quiet", "-o", str(out))
    assert status == 0, err
    assert "48 px: 2 steps" in stdout and "96 px: 2 steps" in stdout and Image.open(out).size == (96, 64)


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--preset", "picasso"], "choose one of fast, high, plain, course-2018, course-2021, gatys, tf-tutorial"),
        (["--sizes", "96,48"], "sizes must be increasing"),
        (["--sizes", "48,96", "--steps", "1,2,3"], "one number of steps per size"),
        (["--steps", "1,2"], "--steps takes one number"),
        (["--sizes", "4x8"], "--sizes must be comma-separated numbers"),
        (["--outside-style", "coffee"], "give the mask with --mask"),
        (["hubble_deep_field", "coffee", "--style-weights", "1"], "one weight per style"),
    ],
)
@pytest.mark.slow
def test_feature_mistakes_give_one_line(vgg_weights, tmp_path, capsys, monkeypatch, argv, words):
    monkeypatch.chdir(tmp_path)
    args = ["stylize", "chelsea"] + argv + ([] if "--steps" in argv else ["--steps", "1"])
    status, _, err = run(capsys, *args)
    assert status == 2 and err.count("\n") == 1 and words in err, err


@pytest.mark.slow
def test_gif_of_the_progress_and_preserved_colours(vgg_weights, tmp_path, capsys):
    import imageio.v3 as iio

    out, gif = tmp_path / "c.png", tmp_path / "progress.gif"
    status, stdout, err = run(capsys, "stylize", "chelsea", "hubble_deep_field", "--size", "64", "--steps", "40",
                              "--quiet", "--gif", str(gif), "--preserve-colors", "luminance", "-o", str(out))
    assert status == 0, err
    assert "41 frames" in stdout  # one every step for 40 steps, and the result
    assert iio.imread(gif, index=None).shape[0] >= 30  # identical frames may merge in a GIF
    status, _, err = run(capsys, "stylize", "chelsea", "--gif", str(gif), "--steps", "1", "-o", str(tmp_path / "d.png"))
    assert status == 2 and "--gif" in err  # no silent overwrite of the GIF either


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["luminance", "histogram"])
def test_preserve_colors_goes_with_coarse_to_fine(vgg_weights, tmp_path, capsys, mode):
    """--preserve-colors is a step before (histogram) or after (luminance) whatever run it is."""
    from skimage.color import rgb2yiq

    from nstlib.io.examples import load_example

    out = tmp_path / "a.png"
    status, stdout, err = run(capsys, "stylize", "astronaut", "hubble_deep_field", "--sizes", "40,64", "--steps",
                              "4,4", "--init", "style", "--preserve-colors", mode, "--quiet", "-o", str(out))
    assert status == 0 and "; 40 px: " in stdout and "; 64 px: " in stdout, err
    result = np.asarray(Image.open(out), np.float32) / 255
    content = load_example("astronaut", max_dim=64).numpy()[0]
    assert result.shape == content.shape
    if mode == "luminance":  # the content's chroma (I, Q), but for the clipping of saturated pixels
        assert np.abs(rgb2yiq(result)[..., 1:] - rgb2yiq(content)[..., 1:]).mean() < 0.02
    else:  # started from the recoloured style: the content's colours, not the Hubble's
        style = load_example("hubble_deep_field", max_dim=64).numpy()[0]
        to_content = np.abs(result.mean((0, 1)) - content.mean((0, 1))).sum()
        assert to_content < 0.3 * np.abs(style.mean((0, 1)) - content.mean((0, 1))).sum()


@pytest.mark.slow
def test_video_writes_one_frame_per_input_frame(vgg_weights, tmp_path, capsys):
    from nstlib.io.examples import load_example
    from nstlib.io.images import save_image

    clip = tmp_path / "clip"
    base = load_example("chelsea", max_dim=64)
    for k in range(3):
        save_image(tf_roll(base, k), clip / f"frame_{k}.png")
    out = tmp_path / "styled"
    status, stdout, err = run(capsys, "video", str(clip), str(out), "--style", "hubble_deep_field", "--size", "64", "--steps", "4")
    assert status == 0, err
    assert len(list(out.glob("*.png"))) == 3 and "Saved 3 frames" in stdout


def tf_roll(image, k):
    import tensorflow as tf

    return tf.roll(image, shift=k, axis=2)
