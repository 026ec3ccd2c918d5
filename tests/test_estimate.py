"""The time a run will take, from the run's own first steps (nstlib.core.callbacks.Estimate):
`nst stylize` says it above its progress bar, with no second problem built to measure it."""

from types import SimpleNamespace

import pytest

from nstlib import cli
from nstlib.core import callbacks
from nstlib.core.callbacks import Estimate


def drive(estimate, times, monkeypatch, start_at=0):
    """Call on_step once per time in `times` (perf_counter's value after each step); the lines said."""
    said, run = [], SimpleNamespace(steps_done=start_at)
    estimate.say = said.append
    monkeypatch.setattr(callbacks.time, "perf_counter", lambda: times[run.steps_done - start_at - 1])
    estimate.on_start(run)
    for _ in times:
        run.steps_done += 1
        assert estimate.on_step(run, None, {}) is None  # it never ends a run
    return said


def test_the_estimate_leaves_out_the_traced_step_and_scales_later_sizes_by_their_pixels(monkeypatch):
    # step 1 traces (ends at t=50); steps 2-4 take 1 s each; 6 more at 256 px, 10 at 512 px (4x the pixels)
    said = drive(Estimate([(256, 10), (512, 10)], "lbfgs"), [50, 51, 52, 53, 54, 55], monkeypatch)
    assert said == ["L-BFGS iterations: 10 at 256 px then 10 at 512 px, about 46 s more on this machine "
                    "(this run's steps 2-4 took 1.00 s each)."]


def test_a_resumed_run_counts_only_the_steps_it_has_left(monkeypatch):
    said = drive(Estimate([(512, 300)]), [0, 2, 4, 6], monkeypatch, start_at=100)  # 2 s a step, at step 104
    assert said == ["Adam steps: 300 at 512 px, about 6.5 min more on this machine (this run's steps 2-4 took "
                    "2.00 s each)."]


def test_a_time_budget_is_the_estimate_and_a_short_run_says_nothing(monkeypatch):
    said = drive(Estimate([(256, 500), (512, 500)], time_budget=60), [0, 1, 2, 3, 4], monkeypatch)
    assert said == ["Adam steps: 256 px then 512 px, within its time budget of 60 s."]
    assert drive(Estimate([(64, 3)]), [0, 1, 2], monkeypatch) == []


@pytest.mark.slow
def test_nst_stylize_says_the_estimate_from_its_own_run(vgg_weights, tmp_path, capsys, monkeypatch):
    import nstlib.timing as timing

    monkeypatch.setattr(timing, "Probe", None)  # no second problem is built to measure a step
    status = cli.main(["stylize", "astronaut", "hubble_deep_field", "--sizes", "40,64", "--steps", "6,6",
                       "-o", str(tmp_path / "a.png")])
    out, err = capsys.readouterr()
    assert status == 0, err
    lines = [line for line in out.splitlines() if "more on this machine" in line]
    assert len(lines) == 1 and lines[0].startswith("L-BFGS iterations: 6 at 40 px then 6 at 64 px, about "), out
