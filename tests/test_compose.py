"""Every pair of nst stylize's big options runs together, at a tiny size (issue 24), or is
refused by a rule that `nst stylize --help` states."""

import itertools
import re

import numpy as np
import pytest
from PIL import Image
from test_checkpoint import ctrl_c_at

from nstlib import cli
from nstlib.io.checkpoint import checkpoint_path_for


def options(d):
    """Each option as the flags (and extra style) it adds; images made in the folder d."""
    mask = np.zeros((64, 64), np.uint8)
    mask[:, :32] = 255
    Image.fromarray(mask).save(d / "mask.png")
    return {
        "preserve-colors": ["--preserve-colors", "histogram"],
        "sizes": ["--sizes", "48,64", "--steps", "3,3"],
        "mask": ["--mask", str(d / "mask.png")],
        "style-weights": ["coffee", "--style-weights", "0.7,0.3"],  # a second style, blended
        "checkpoint": ["--checkpoint-every", "2"],  # interrupted at step 2, then resumed
        "time": ["--time", "2"],
        "gif": ["--gif", str(d / "progress.gif")],
    }


PAIRS = list(itertools.combinations(
    ["preserve-colors", "sizes", "mask", "style-weights", "checkpoint", "time", "gif"], 2))
# No pair is refused: one Request runs them all. The one rule left: a resumed run continues what
# its checkpoint asked, so the flags that start a new run are refused with --resume.
RESUME_RULE = ("--sizes starts a new run; a resumed run continues from its checkpoint",
               "--init-image, --preset, --preserve-colors and --sizes start a new run and are refused with it")


def run(capsys, argv):
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.slow
@pytest.mark.parametrize("pair", PAIRS, ids="+".join)
def test_each_pair_of_options_runs_together(vgg_weights, tmp_path, capsys, monkeypatch, pair):
    flags = options(tmp_path)
    styles = [a for name in pair for a in flags[name] if name == "style-weights" and not a.startswith("-")][:1]
    extra = [a for name in pair for a in (flags[name][1:] if name == "style-weights" else flags[name])]
    out = tmp_path / "out.png"
    argv = ["stylize", "astronaut", "hubble_deep_field", *styles, "--size", "64", "--steps", "4", "--quiet",
            *extra, "-o", str(out)]  # a later --steps (sizes') wins
    if "checkpoint" in pair:
        with monkeypatch.context() as m:
            ctrl_c_at(m, 2)
            status, _, err = run(capsys, argv)
        assert status == 130 and "--resume" in err, err
        argv = ["stylize", "--resume", str(checkpoint_path_for(out)), "--overwrite", "--quiet"]
    status, stdout, err = run(capsys, argv)
    assert status == 0 and "Saved" in stdout, err
    assert Image.open(out).size == (64, 64)
    if "sizes" in pair:
        assert "; 48 px: " in stdout and "; 64 px: " in stdout, stdout
    if "gif" in pair:
        assert (tmp_path / "progress.gif").is_file()


def test_the_refusals_are_the_rules_help_states(capsys):
    with pytest.raises(SystemExit):
        cli.main(["stylize", "--help"])
    text = re.sub(r"-\s+", "-", " ".join(capsys.readouterr().out.split()))  # argparse wraps lines, at hyphens too
    assert RESUME_RULE[1] in text


def test_a_resume_refuses_what_starts_a_new_run(tmp_path, capsys):
    status, _, err = run(capsys, ["stylize", "--resume", str(tmp_path / "a.ckpt.npz"), "--sizes", "48,64"])
    assert status == 2 and err.count("\n") == 1 and RESUME_RULE[0] in err, err
