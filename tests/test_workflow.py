"""The public repository's workflow (.github/workflows/ci.yml), checked with actionlint
(scripts/actionlint.sh), and what it runs: ruff, the quick suite on the oldest and the newest
Python the package declares, and the student copies' check."""

import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def actionlint(*files):
    return subprocess.run(["bash", str(ROOT / "scripts" / "actionlint.sh"), *map(str, files)], capture_output=True,
                          text=True, timeout=600)


@pytest.mark.slow
def test_actionlint_finds_nothing_in_the_workflow():
    done = actionlint(WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 finding(s) in 1 file(s)" in done.stdout


@pytest.mark.slow
def test_actionlint_is_real_it_finds_a_mistake(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("${{ matrix.python-version }}", "${{ matrix.python }}"))
    done = actionlint(broken)
    assert done.returncode == 1 and 'property "python" is not defined' in done.stdout, done.stdout


def test_the_workflow_runs_ruff_the_quick_suite_on_the_declared_pythons_and_the_release_check():
    flow = yaml.safe_load(WORKFLOW.read_text())
    runs = "\n".join(step.get("run", "") for job in flow["jobs"].values() for step in job["steps"])
    assert "ruff check ." in runs and "nst release --student --check" in runs and "pytest --nbval-lax" in runs
    classifiers = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["classifiers"]
    declared = [c.rsplit(" ", 1)[1] for c in classifiers if c.startswith("Programming Language :: Python :: 3.")]
    matrix = flow["jobs"]["tests"]["strategy"]["matrix"]["python-version"]
    assert matrix == [declared[0], declared[-1]], (matrix, declared)
    assert flow["jobs"]["tests"]["env"]["NSTLIB_QUICK"] == "1"
