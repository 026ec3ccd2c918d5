"""The flags of `nst stylize` and `nst video`: groups, second spellings, --version,
--init-image, --style-scale, --save-every (nstlib/cli/flags.py, nstlib/cli/stylize.py)."""

import dataclasses

import numpy as np
import pytest
from PIL import Image

import nstlib
from nstlib import cli
from nstlib.cli.flags import GROUPS, config_changes, flag_of
from nstlib.config import Config
from nstlib.errors import NSTError

FAST = ["--size", "64", "--steps", "4", "--quiet"]


def run(capsys, *argv):
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def help_of(command):
    parser = cli.build_parser()._subparsers._group_actions[0].choices[command]
    return parser.format_help()


def test_version(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["--version"])
    assert e.value.code == 0 and capsys.readouterr().out.strip() == f"nst {nstlib.__version__}"


def test_every_config_field_is_in_one_help_group():
    grouped = [name for names in GROUPS.values() for name in names]
    assert sorted(grouped) == sorted(f.name for f in dataclasses.fields(Config))


def test_stylize_help_shows_groups_the_high_quality_mode_and_no_temporal_weight():
    text = " ".join(help_of("stylize").split())
    for title in ("images:", "preset:", "weights (J = α", "sizes:", "optimization:", "saving, stopping and resuming:"):
        assert title in text
    assert "high (the high-quality mode" in text and "default: fast" in text
    assert "--alpha ALPHA, --content-weight ALPHA" in text and "--beta BETA, --style-weight BETA" in text
    for flag in ("--init-image", "--style-scale", "--save-every"):
        assert flag in text
    assert "--temporal-weight" not in text  # it weighs a video frame's temporal cost: nothing in a picture


def test_content_and_style_weight_are_alpha_and_beta():
    args = cli.build_parser().parse_args(["stylize", "--content-weight", "5", "--style-weight", "7e-3"])
    assert config_changes(args) == {"alpha": 5.0, "beta": 7e-3}
    args = cli.build_parser().parse_args(["stylize", "--alpha", "5", "--beta", "7e-3"])
    assert config_changes(args) == {"alpha": 5.0, "beta": 7e-3}


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--resume", ""], "--resume needs the checkpoint's path"),
        (["--resume", "  "], "--resume needs the checkpoint's path"),
        (["--save-every", "0"], "--save-every must be a whole number of steps >= 1"),
        (["--style-scale", "0"], "style_scale must be between"),
        (["--resume", "x.ckpt.npz", "--init-image", "coffee"], "--init-image starts a new run"),
        (["--resume", "x.ckpt.npz", "--preset", "high"], "--preset starts a new run"),
        (["--preset", ""], "--preset needs a name"),
    ],
)
@pytest.mark.slow
def test_new_flag_mistakes_give_one_line(vgg_weights, tmp_path, capsys, monkeypatch, argv, words):
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, "stylize", *argv, "--steps", "1")
    assert status == 2 and err.startswith("nst: error: ") and err.count("\n") == 1 and words in err, err
    assert not list(tmp_path.glob("output/*"))  # and nothing ran


@pytest.mark.slow
def test_init_image_is_where_the_run_starts(vgg_weights, tmp_path, capsys):
    grey = tmp_path / "grey.png"
    Image.fromarray(np.full((32, 48, 3), 128, np.uint8)).save(grey)  # another size: resized to the content's
    out = tmp_path / "a.png"
    status, _, err = run(capsys, "stylize", "astronaut", "hubble_deep_field", "--init-image", str(grey),
                         "--preset", "plain", "--lr", "1e-4", "--size", "64", "--steps", "2", "--quiet", "-o", str(out))
    assert status == 0, err
    img = np.asarray(Image.open(out), np.float32) / 255
    from nstlib.io.examples import load_example

    content = load_example("astronaut", max_dim=64).numpy()[0]
    assert np.abs(img - 128 / 255).max() < 0.02  # two tiny steps from the grey start
    assert np.abs(img - content).mean() > 0.1  # not the content, where a run starts by default


def test_style_scale_sizes_the_style_against_the_output():
    from nstlib.core.schedule import stage_images
    from nstlib.pipeline import read_images

    content, style, outside = read_images("astronaut", "hubble_deep_field", "coffee", 96, 0.5)  # read once
    assert max(content.shape[1:3]) == 96 and max(style.shape[1:3]) == 48 and max(outside.shape[1:3]) == 48
    _, style, _ = read_images("astronaut", "hubble_deep_field", None, 96, 1.5)
    assert max(style.shape[1:3]) == 144
    content, style, _ = stage_images(content, style, None, 64, 0.75)  # a smaller size of the ladder: resized
    assert max(content.shape[1:3]) == 64 and max(style.shape[1:3]) == 48
    with pytest.raises(NSTError, match="style is 32x28 pixels at 32 px"):  # the Hubble is not square
        stage_images(content, style, None, 64, 0.5)
    args = cli.build_parser().parse_args(["stylize", "--style-scale", "0.5"])
    assert config_changes(args) == {"style_scale": 0.5}


@pytest.mark.slow
def test_style_scale_changes_the_picture(vgg_weights):
    from nstlib import stylize

    runs = [stylize("astronaut", "hubble_deep_field", max_dim=96, steps=3, style_scale=s, progress=False)
            for s in (1.0, 0.5)]
    assert runs[0].history["style"][0] != pytest.approx(runs[1].history["style"][0], rel=1e-3)


@pytest.mark.slow
def test_save_every_numbers_the_pictures_and_never_overwrites(vgg_weights, tmp_path, capsys):
    out = tmp_path / "a.png"
    taken = tmp_path / "a-step00002.png"
    taken.write_bytes(b"precious")
    status, stdout, err = run(capsys, "stylize", "chelsea", "hubble_deep_field", "--save-every", "2",
                              "--preset", "plain", "-o", str(out), *FAST)
    assert status == 0, err
    assert taken.read_bytes() == b"precious"
    written = sorted(p.name for p in tmp_path.glob("a-step*.png"))
    assert written == ["a-step00002-1.png", "a-step00002.png", "a-step00004.png"]
    assert Image.open(tmp_path / "a-step00004.png").size == (64, 43)
    assert "Saved 2 pictures along the way" in stdout
    first, last = (np.asarray(Image.open(tmp_path / n), np.float32) for n in ("a-step00002-1.png", "a-step00004.png"))
    assert np.abs(first - last).mean() > 0  # the run's pictures, as it goes


def _settings_flags(command):
    """The option strings of a command's --preset and Config groups."""
    parser = cli.build_parser()._subparsers._group_actions[0].choices[command]
    titles = {"preset", *GROUPS}
    return {o for g in parser._action_groups if g.title in titles for a in g._group_actions for o in a.option_strings}


def test_video_takes_the_settings_flags_of_stylize():
    from nstlib.cli.video import NOT_FOR_VIDEO

    stylize_flags, video_flags = _settings_flags("stylize"), _settings_flags("video")
    assert "--preset" in video_flags and "--content-weight" in video_flags and "--style-scale" in video_flags
    fields = {f.name: f for f in dataclasses.fields(Config)}
    not_for_video = {flag_of(fields[n]) for n in NOT_FOR_VIDEO} | {"--no-detail", "--no-warm-start", "--sizes"}
    assert video_flags == (stylize_flags - not_for_video) | {"--temporal-weight"}
    assert "default: fast" in " ".join(help_of("video").split())


def test_video_starts_from_the_fast_preset_as_stylize_does():
    from nstlib.cli.video import _config
    from nstlib.config import TEMPORAL_WEIGHT
    from nstlib.extensions.presets import PRESETS

    parse = cli.build_parser().parse_args
    config = _config(parse(["video", "in.gif", "out.gif"]), "flow")
    assert config == PRESETS["fast"].replace(temporal_weight=TEMPORAL_WEIGHT)
    config = _config(parse(["video", "in.gif", "out.gif", "--preset", "plain", "--temporal-weight", "0", "--size", "96"]),
                     "flow")
    assert config == PRESETS["plain"].replace(temporal_weight=0.0, max_dim=96)
    assert _config(parse(["video", "in.gif", "out.gif", "--preset", "high"]), "warm").min_size == 0  # one size a frame
