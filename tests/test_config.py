"""Config: plain defaults, validation with the allowed range in the message."""

import pytest

from nstlib.config import Config, quick
from nstlib.errors import NSTError


def test_defaults_are_valid_and_hashable():
    cfg = Config()
    assert cfg.optimizer == "adam" and cfg.init == "content" and cfg.steps > 0
    assert cfg.layer_names[0] == cfg.content_layers[0]
    assert len(cfg.style_layers) == 5 and sum(w for _, w in cfg.style_layers) == pytest.approx(1.0)
    hash(cfg)


def test_replace_and_lists_become_tuples():
    cfg = Config().replace(style_layers=[["block1_conv1", 1.0]], content_layers="block5_conv2, block4_conv2")
    assert cfg.style_layers == (("block1_conv1", 1.0),)
    assert cfg.content_layers == ("block5_conv2", "block4_conv2")


@pytest.mark.parametrize(
    "change, words",
    [
        ({"alpha": 0}, "alpha must be a number greater than 0"),
        ({"beta": -1}, "beta must be a number greater than 0"),
        ({"learning_rate": "fast"}, "learning_rate must be a number"),
        ({"steps": 0}, "steps must be at least 1"),
        ({"steps": 2.5}, "steps must be a whole number"),
        ({"max_dim": 16}, "max_dim must be between 32 and 4096"),
        ({"optimizer": "sgd"}, "optimizer must be one of adam, lbfgs"),
        ({"init": "zeros"}, "init must be one of content, noise, style"),
        ({"content_layers": ("block9_conv1",)}, "Unknown VGG-19 layer name"),
        ({"style_layers": (("block1_conv1", "heavy"),)}, "must be a number"),
        ({"style_layers": (("block1_conv1", 0.0),)}, "all zero"),
        ({"noise_ratio": 2}, "noise_ratio must be between 0.0 and 1.0"),
        ({"tv_weight": float("nan")}, "tv_weight must be at least 0.0"),
        ({"colour": 1}, "Unknown setting"),
    ],
)
def test_bad_values_are_refused_with_the_allowed_range(change, words):
    with pytest.raises(NSTError, match=words):
        Config().replace(**change)


def test_quick_picks_by_environment(monkeypatch):
    import nstlib.config as c

    monkeypatch.setattr(c, "QUICK", True)
    assert quick(512, 64) == 64
    monkeypatch.setattr(c, "QUICK", False)
    assert quick(512, 64) == 512


def test_the_default_preset_is_written_once_next_to_config():
    import inspect

    from nstlib.config import DEFAULT_CONFIG, DEFAULT_PRESET
    from nstlib.extensions.presets import PRESETS
    from nstlib.pipeline import stylize

    assert PRESETS[DEFAULT_PRESET] is DEFAULT_CONFIG
    assert (DEFAULT_CONFIG.optimizer, DEFAULT_CONFIG.steps, DEFAULT_CONFIG.max_dim) == ("lbfgs", 50, 512)
    assert "DEFAULT_CONFIG" in inspect.getsource(stylize)


def test_every_range_is_the_fields_metadata():
    import dataclasses

    from nstlib.cli.flags import _range
    from nstlib.config import rule

    for f in dataclasses.fields(Config):
        m = f.metadata
        if m["low"] is not None and m["high"] is not None:  # just outside the range: one clear line
            with pytest.raises(NSTError, match=f"{f.name} must be between"):
                Config(**{f.name: f.type(m["high"]) + 1})
    assert rule("steps", "low") == 1 and _range(Config.__dataclass_fields__["max_dim"].metadata) == "; 32 to 4096"
