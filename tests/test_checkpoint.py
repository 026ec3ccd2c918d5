"""A resume keeps everything (nstlib/io/checkpoint.py): every flag a checkpoint keeps gives,
interrupted by Ctrl-C and resumed with --resume, the picture of the uninterrupted run; an
old or foreign file gets one clear line."""

import json
import os
import signal

import numpy as np
import pytest
from PIL import Image

from nstlib import cli, stylize
from nstlib.config import Config
from nstlib.io.checkpoint import FORMAT, checkpoint_path_for, load_checkpoint
from nstlib.io.examples import load_example
from nstlib.pipeline.saving import Checkpointer

STEPS, STOP = 8, 4  # Adam resumes exactly (L-BFGS starts afresh from the image): the runs are Adam's
BASE = ["--size", "64", "--steps", str(STEPS), "--checkpoint-every", "2", "--quiet"]


def run(capsys, *argv):
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def ctrl_c_at(monkeypatch, step):
    """Press Ctrl-C (SIGINT to this process, as a terminal sends it) once the run has done `step` steps."""
    original = Checkpointer.on_step

    def on_step(self, run, image, costs):
        message = original(self, run, image, costs)
        if run.steps_done == step:
            os.kill(os.getpid(), signal.SIGINT)
        return message

    monkeypatch.setattr(Checkpointer, "on_step", on_step)


def pixels(path):
    return np.asarray(Image.open(path), np.float32) / 255


def left_half_mask(path, size=64):
    m = np.zeros((size, size), np.uint8)
    m[:, : size // 2] = 255
    Image.fromarray(m).save(path)
    return str(path)


def grey_image(path):
    Image.fromarray(np.full((40, 40, 3), 128, np.uint8)).save(path)
    return str(path)


# Each flag a checkpoint keeps; images made in tmp_path are named by a function of it.
FLAGS = {
    "mask": lambda d: ["--mask", left_half_mask(d / "m.png")],
    "outside-style": lambda d: ["--mask", left_half_mask(d / "m.png"), "--outside-style", "coffee"],
    "style-weights": lambda d: ["chelsea", "--style-weights", "0.8,0.2"],  # a second style, blended
    "style-scale": lambda d: ["--style-scale", "1.5"],
    "preset": lambda d: ["--preset", "tf-tutorial"],
    "size": lambda d: ["--size", "72"],
    "weights": lambda d: ["--content-weight", "3", "--style-weight", "0.01", "--tv-weight", "10"],
    "init-image": lambda d: ["--init-image", grey_image(d / "grey.png")],
    "init-noise": lambda d: ["--init", "noise", "--seed", "3"],
    "preserve-luminance": lambda d: ["--preserve-colors", "luminance"],  # a step after the run
    "preserve-histogram": lambda d: ["--preserve-colors", "histogram"],  # a step before it
    # coarse to fine: interrupted in the first size (step 4 of 6), or in the second (step 4 of 8)
    "sizes-first": lambda d: ["--sizes", "48,64", "--steps", f"6,{STEPS}"],
    "sizes-second": lambda d: ["--sizes", "48,64", "--steps", f"2,{STEPS}"],
}


@pytest.mark.slow
@pytest.mark.parametrize("flag", FLAGS)
def test_interrupted_and_resumed_is_the_uninterrupted_run(vgg_weights, tmp_path, capsys, monkeypatch, flag):
    extra = FLAGS[flag](tmp_path)
    styles = ["kandinsky_composition_vii", *(extra[:1] if not extra[0].startswith("--") else [])]
    extra = extra[len(styles) - 1:]
    preset = [] if "--preset" in extra else ["--preset", "plain"]
    argv = ["stylize", "astronaut", *styles, *BASE, *preset, *extra]
    whole, part = tmp_path / "whole.png", tmp_path / "part.png"
    status, _, err = run(capsys, *argv, "-o", str(whole))
    assert status == 0, err
    with monkeypatch.context() as m:
        ctrl_c_at(m, STOP)
        status, _, err = run(capsys, *argv, "-o", str(part))
    ckpt = checkpoint_path_for(part)
    assert status == 130 and "--resume" in err, err
    assert load_checkpoint(ckpt).steps_done == STOP
    status, stdout, err = run(capsys, "stylize", "--resume", str(ckpt), "--overwrite", "--quiet")
    assert status == 0, err
    assert f"({STEPS} steps" in stdout and not ckpt.exists()
    resumed, uninterrupted = pixels(part), pixels(whole)
    assert resumed.shape == uninterrupted.shape
    assert np.abs(resumed - uninterrupted).max() <= 4 / 255, flag  # PNG rounding, float32 sums
    if flag == "mask":  # outside the mask: the photo, as in the uninterrupted run
        content = load_example("astronaut", max_dim=64).numpy()[0]
        assert np.abs(resumed[:, 40:] - content[:, 40:]).max() < 3 / 255


@pytest.mark.slow
def test_save_every_goes_on_numbering_after_a_resume(vgg_weights, tmp_path, capsys, monkeypatch):
    out = tmp_path / "a.png"
    argv = ["stylize", "astronaut", "kandinsky_composition_vii", *BASE, "--preset", "plain", "--save-every", "3"]
    with monkeypatch.context() as m:
        ctrl_c_at(m, STOP)
        status, _, err = run(capsys, *argv, "-o", str(out))
    assert status == 130, err
    assert sorted(p.name for p in tmp_path.glob("a-step*")) == ["a-step00003.png"]
    status, _, err = run(capsys, "stylize", "--resume", str(checkpoint_path_for(out)), "--overwrite", "--quiet")
    assert status == 0, err
    assert sorted(p.name for p in tmp_path.glob("a-step*")) == ["a-step00003.png", "a-step00006.png"]


@pytest.mark.slow
def test_the_library_resume_keeps_the_mask_and_the_blend(vgg_weights, tmp_path):
    mask = np.zeros((64, 64), np.float32)
    mask[:, :32] = 1
    styles = ["kandinsky_composition_vii", "hubble_deep_field"]
    cfg = Config(max_dim=64, steps=6)
    options = dict(mask=mask, style_weights=[0.3, 0.7], progress=False)
    full = stylize("astronaut", styles, cfg, **options)
    ckpt = tmp_path / "run.ckpt.npz"
    part = stylize("astronaut", styles, cfg, checkpoint=ckpt, checkpoint_every=1, **options,
                   callback=lambda step, image, costs: step >= 3, callback_every=1)
    kept = load_checkpoint(ckpt)
    assert part.steps_done == 3 and kept.style_weights == [0.3, 0.7] and kept.mask.shape == (1, 64, 64, 1)
    rest = stylize("astronaut", styles, progress=False, resume=ckpt)  # neither mask nor weights given
    np.testing.assert_allclose(rest.history["total"], full.history["total"], rtol=1e-3)


def _rewrite_meta(path, change):
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(str(arrays["meta"]))
    change(meta)
    arrays["meta"] = np.array(json.dumps(meta))
    with open(path, "wb") as f:
        np.savez(f, **arrays)


@pytest.mark.parametrize(
    "spoil, words",
    [
        (lambda meta: meta.pop("format"), "older nstlib"),
        (lambda meta: meta.update(format=FORMAT + 1), "newer nstlib"),
        (None, "not an nstlib checkpoint"),
    ],
)
@pytest.mark.slow
def test_an_old_or_foreign_file_gets_one_line(vgg_weights, tmp_path, capsys, spoil, words):
    ckpt = tmp_path / "run.ckpt.npz"
    if spoil is None:
        with open(ckpt, "wb") as f:
            np.savez(f, weights=np.zeros(3))  # someone else's .npz
    else:
        stylize("astronaut", "hubble_deep_field", Config(max_dim=64, steps=2), progress=False, checkpoint=ckpt,
                checkpoint_every=1, callback=lambda step, image, costs: step >= 1, callback_every=1)
        _rewrite_meta(ckpt, spoil)
    status, _, err = run(capsys, "stylize", "--resume", str(ckpt), "--quiet")
    assert status == 2 and err.startswith("nst: error: ") and err.count("\n") == 1 and words in err, err
