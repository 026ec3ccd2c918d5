"""The benchmark of schedules (benchmarks/schedules.py) and its yardstick: the script runs in
quick mode and prints the table issue 14 asks for, and the yardstick measures what it says."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def run_schedules(*args, cwd, env=None):
    return subprocess.run([sys.executable, str(BENCHMARKS / "schedules.py"), *args], cwd=cwd,
                          env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_schedules_quick_compares_to_the_reference_and_saves_each_picture(tmp_path, vgg_weights):
    out = tmp_path / "pictures"
    proc = run_schedules("--quick", "--only", "high", "--reference", "fast", "--json", cwd=tmp_path,
                         env={"NSTLIB_OUTPUT_DIR": str(out)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    assert [row["name"] for row in report["rows"]] == ["fast", "high"]  # the reference first, main not run
    fast, high = report["rows"]
    assert [size for size, _, _ in fast["stages"]] == [96]
    assert [size for size, _, _ in high["stages"]] == [48, 68, 96]  # 96 px down by √2 to half of it
    for row in report["rows"]:
        assert row["seconds"] > 0 and row["style_ratio"] > 0 and row["content_distance"] > 0
        assert Path(row["picture"]).parent == out and Path(row["picture"]).is_file()
    assert "precision auto = " in report["machine"] and "cores" in report["machine"]


def test_schedules_names_the_choices_for_an_unknown_reference(tmp_path):
    proc = run_schedules("--quick", "--reference", "fastest", cwd=tmp_path)
    assert proc.returncode != 0
    assert "--reference fastest: no such schedule; choose one of main, plain, fast" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.fixture(scope="module")
def yardstick():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from yardstick import Yardstick
    finally:
        sys.path.remove(str(BENCHMARKS))
    return Yardstick("astronaut", "hubble_deep_field", size=96)


@pytest.mark.slow
def test_the_yardstick_scores_the_photo_as_itself_and_the_painting_as_the_style(yardstick, vgg_weights):
    from nstlib import load_example

    photo = yardstick(load_example("astronaut", max_dim=96))
    assert photo["content_distance"] == pytest.approx(0.0, abs=1e-6)
    assert photo["style_ratio"] == pytest.approx(1.0, rel=1e-5)  # the photo's distance over itself
    painting = yardstick(load_example("hubble_deep_field", max_dim=96))
    assert painting["style_ratio"] < 0.1  # the painting, resized to the photo's shape, is near its own style (0.024)
    assert painting["content_distance"] > 1e5  # 1.7e6 measured
    bigger = yardstick(load_example("astronaut", max_dim=192))  # judged at the yardstick's size
    assert bigger["content_distance"] < 0.01 * painting["content_distance"]  # 0.003x measured


def test_schedules_says_when_the_baseline_lacks_the_reference_row(tmp_path):
    baseline = tmp_path / "main.json"
    baseline.write_text(json.dumps({"pair": ["astronaut", "hubble_deep_field"], "size": 96, "rows": [{"name": "main"}]}))
    proc = run_schedules("--quick", "--reference", "fast", "--baseline", str(baseline), cwd=tmp_path)
    assert proc.returncode != 0
    assert f"{baseline} has no row fast; its rows: main (pick one with --reference)" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_the_notebooks_benchmark_prints_each_notebooks_time_and_slowest_cells(tmp_path, vgg_weights):
    env = {**os.environ, "NSTLIB_QUICK": "1", "NSTLIB_MY_FUNCTIONS": str(tmp_path / "my_functions.py")}
    out = subprocess.run([sys.executable, str(BENCHMARKS / "notebooks.py"), "03", "--save", str(tmp_path / "ran")],
                         capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert lines[0].startswith(("AMD", "Intel", "unknown", "Apple")) or "cores" in lines[0]
    assert "quick mode" in lines[1]
    row = next(line for line in lines if line.startswith("| 03_content_cost |"))
    seconds = float(row.split("|")[2])
    assert 0 < seconds < 600 and "cell " in row and "FAILED" not in row
    assert lines[-1].startswith("| all |")
    assert (tmp_path / "ran" / "03_content_cost.ipynb").exists()
    assert "content_cost" in (tmp_path / "my_functions.py").read_text()  # the run kept the exercise
    bad = subprocess.run([sys.executable, str(BENCHMARKS / "notebooks.py"), "99"], capture_output=True, text=True)
    assert bad.returncode == 2 and "no notebook matches 99" in bad.stderr
