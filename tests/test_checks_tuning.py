"""nstlib.checks.check_tuning (notebook 06's graded exercise): the notebook's solution reaches
both targets, the fast preset's own settings miss the content target and the message says
which target, by how much and which way to move, and a bad settings dict gives one clear line
before anything runs."""

import time

import pytest

from nstlib import checks
from nstlib.checks import CheckFailed, nb06_tuning

SOLUTION = {"alpha": 10.0, "beta": 5e-4, "tv_weight": 1e5}  # the notebook's solution cell


def fails_with(settings, *hints):
    with pytest.raises(CheckFailed) as info:
        checks.check_tuning(settings)
    message = str(info.value)
    assert "\n" not in message
    for hint in hints:
        assert hint in message, f"{hint!r} not in {message!r}"
    return message


@pytest.mark.slow
def test_the_solution_reaches_both_targets_in_well_under_30_s(vgg_weights, capsys):
    start = time.perf_counter()
    measured = checks.check_tuning.raw(SOLUTION)
    assert time.perf_counter() - start < 30
    assert measured["content_distance"] < nb06_tuning.CONTENT_TARGET
    assert measured["style_ratio"] < nb06_tuning.STYLE_TARGET
    assert capsys.readouterr().out.startswith("✓ tuning: both targets reached")


@pytest.mark.slow
def test_the_fast_presets_own_settings_miss_the_content_target_and_say_which_way(vgg_weights):
    message = fails_with({}, "content target missed", "% above the target", "larger α/β")
    assert "5e-4" not in message and "0.0005" not in message  # the way, not the answer


@pytest.mark.slow
def test_too_little_style_misses_the_style_target(vgg_weights):
    fails_with({"beta": 1e-4}, "style target missed", "smaller α/β")


@pytest.mark.parametrize("settings, hints", [
    ({"gamma": 1.0}, ("unknown setting(s) 'gamma'", "choose among alpha, beta")),
    ({"beta": "1e-3"}, ("beta must be a number", "str")),
    ({"alpha": True}, ("alpha must be a number",)),
    ({"beta": -1.0}, ("not a valid Config", "beta")),
    ({"content_layers": 4}, ("content_layers must be a tuple of layer names",)),
    ({"style_layers": (("block9_conv1", 1.0),)}, ("not a valid Config", "block9_conv1")),
    ([("beta", 1e-3)], ("must be a dict",)),
])
def test_a_bad_settings_dict_gives_one_clear_line_without_running(settings, hints, monkeypatch):
    monkeypatch.setattr(nb06_tuning, "_yardstick", lambda: pytest.fail("the check ran on bad settings"))
    fails_with(settings, *hints)


@pytest.mark.slow
def test_the_exercise_is_a_function_returning_the_settings_and_a_stub_goes_on(vgg_weights, capsys):
    def tuning():
        return dict(SOLUTION)

    assert checks.check_tuning(tuning) is tuning
    assert "✓ tuning: both targets reached" in capsys.readouterr().out

    def stub():
        # YOUR CODE HERE
        raise NotImplementedError()

    go_on_with = checks.check_tuning(stub)  # Run All goes on, with the fast preset's settings
    assert go_on_with() == {} and "tuning is not finished yet" in capsys.readouterr().out
