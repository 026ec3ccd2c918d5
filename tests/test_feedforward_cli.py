"""`nst train` and `nst stylize --network` (notebook 08): outputs, resume, Ctrl-C, one-line errors."""

import json
import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image

from nstlib import cli
from nstlib.feedforward.storage import load_network, read_network_file

TINY = ["--size", "32", "--batch-size", "2", "--quiet"]


def run(capsys, *argv):
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("photos")
    rng = np.random.default_rng(0)
    for i in range(3):
        Image.fromarray(rng.integers(0, 255, (50 + 10 * i, 64, 3), np.uint8)).save(folder / f"p{i}.png")
    return folder


@pytest.fixture(scope="module")
def network(vgg_weights, photos, tmp_path_factory):
    """A network `nst train` wrote: 2 steps, then resumed to 3."""
    out = tmp_path_factory.mktemp("net") / "hubble.nstnet"
    assert cli.main(["train", "hubble_deep_field", "--photos", str(photos), "-o", str(out), "--steps", "2", *TINY]) == 0
    assert cli.main(["train", "hubble_deep_field", "--photos", str(photos), "-o", str(out), "--steps", "3",
                     "--resume", *TINY]) == 0
    return out


@pytest.mark.slow
def test_train_writes_a_network_with_its_record(network):
    meta, weights = read_network_file(network)
    record = meta["record"]
    assert meta["style"] == "hubble_deep_field" and meta["version"] == 1
    assert record["steps"] == 3 and record["command"].startswith("nst train hubble_deep_field")
    assert record["command"].endswith("--size 32 --steps 3 --time 0 --batch-size 2 --resume")
    assert record["photo_files"] == ["p0.png", "p1.png", "p2.png"]
    assert record["seconds"] > 0 and record["machine"]["cpu"] and set(record["final_costs"]) >= {"style", "content"}
    settings = json.loads((network.with_suffix(".ckpt") / "train.json").read_text())
    assert settings["size"] == 32 and settings["seconds"] == pytest.approx(record["seconds"], abs=0.1)
    assert all(w.dtype == np.float32 for w in weights) and load_network(network).architecture["residual_blocks"] == 5


@pytest.mark.slow
def test_stylize_with_a_network_paints_the_photo(network, tmp_path, capsys):
    out = tmp_path / "cat.png"
    status, stdout, err = run(capsys, "stylize", "chelsea", "--network", network, "--size", "96", "-o", out)
    assert status == 0 and "Saved" in stdout and "painted by hubble" in stdout and err == ""
    assert Image.open(out).size == (96, 64)


@pytest.mark.slow
def test_stylize_with_a_network_paints_a_folder(network, photos, tmp_path, capsys):
    status, stdout, _ = run(capsys, "stylize", photos, "--network", network, "--size", "64", "-o", tmp_path / "out")
    assert status == 0 and "Saved 3 images" in stdout
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["p0.png", "p1.png", "p2.png"]


@pytest.mark.parametrize("argv, words", [
    (["stylize", "chelsea", "--network", "NOT_A_NETWORK"], "is not an nstlib network"),
    (["stylize", "chelsea", "--network", "monet_nothing"], "No network 'monet_nothing'"),
    (["stylize", "EMPTY", "--network", "NETWORK"], "has no images"),
    (["stylize", "chelsea", "hubble_deep_field", "--network", "NETWORK"], "paints in its own style"),
    (["train", "hubble_deep_field", "--photos", "EMPTY", "-o", "x.nstnet"], "has no images"),
    (["train", "hubble_deep_field", "-o", "x.h5"], "ends in .nstnet"),
    (["train", "hubble_deep_field", "-o", "x.nstnet", "--resume"], "no checkpoint at x.ckpt"),
    (["train", "hubble_deep_field", "-o", "NETWORK"], "continue it with --resume"),
    (["train", "hubble_deep_field", "-o", "x.nstnet", "--size", "16"], "too small"),
    (["train", "hubble_deep_field", "-o", "x.nstnet", "--steps", "0"], "--steps must be at least 1"),
    (["train", "hubble_deep_field", "--photos", "PHOTOS", "-o", "NETWORK", "--resume", "--size", "48"],
     "size differ from the checkpoint's"),
    (["train", "hubble_deep_field", "--photos", "PHOTOS", "-o", "NETWORK", "--resume", "--size", "32",
      "--batch-size", "2", "--tv-weight", "5"], "tv_weight differ from the checkpoint's"),
])
@pytest.mark.slow
def test_mistakes_give_one_line_and_status_2(network, photos, tmp_path, capsys, monkeypatch, argv, words):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "EMPTY").mkdir()
    (tmp_path / "NOT_A_NETWORK").write_text("hello")
    names = {"NETWORK": str(network), "PHOTOS": str(photos)}
    status, _, err = run(capsys, *[names.get(a, a) for a in argv])
    assert status == 2 and err.count("\n") == 1 and words in err, err
    assert err.startswith("nst: error: ")


@pytest.mark.slow
def test_ctrl_c_saves_the_network_and_resume_goes_on(vgg_weights, photos, tmp_path):
    out = tmp_path / "long.nstnet"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "nstlib", "train", "hubble_deep_field", "--photos", str(photos),
                             "-o", str(out), "--steps", "100000", "--size", "32", "--batch-size", "2"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        seen, deadline = "", time.time() + 120
        while proc.poll() is None and time.time() < deadline:  # the progress bar at step 3 or later
            seen += proc.stderr.read(1)  # (tqdm may skip a count: 1/ then 4/)
            counts = re.findall(r"\| (\d+)/", seen[-300:])
            if counts and int(counts[-1]) >= 3:
                break
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 130 and "interrupted" in err and "--resume" in err and "Traceback" not in err
    steps = read_network_file(out)[0]["record"]["steps"]
    assert steps >= 3
    assert cli.main(["train", "hubble_deep_field", "--photos", str(photos), "-o", str(out),
                     "--steps", str(steps + 1), "--resume", "--size", "32", "--batch-size", "2", "--quiet"]) == 0
    assert read_network_file(out)[0]["record"]["steps"] == steps + 1


def test_video_with_a_network_paints_every_frame(network, tmp_path, capsys):
    rng = np.random.default_rng(2)
    frames = [Image.fromarray(rng.integers(0, 255, (40, 64, 3), np.uint8)) for _ in range(3)]
    frames[0].save(tmp_path / "in.gif", save_all=True, append_images=frames[1:], duration=100)
    status, stdout, err = run(capsys, "video", tmp_path / "in.gif", tmp_path / "out", "--network", network,
                              "--size", "64")
    assert status == 0 and "Saved 3 frames" in stdout and "frames per second" in stdout, err
    written = sorted((tmp_path / "out").iterdir())
    assert len(written) == 3 and Image.open(written[0]).size == (64, 40)
    (tmp_path / "bad.nstnet").write_text("no")
    status, _, err = run(capsys, "video", tmp_path / "in.gif", tmp_path / "o.gif", "--network", tmp_path / "bad.nstnet")
    assert status == 2 and err.count("\n") == 1 and "is not an nstlib network" in err
