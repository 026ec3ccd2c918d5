"""pyproject.toml, environment.yml and the lock files (requirements/*.txt) agree.

- environment.yml names the same packages as pyproject.toml, with the same lower bounds.
- requirements/runtime.txt pins every runtime dependency and nothing of the extras' own
  (the main job installs what it needs); requirements/dev.txt pins every dependency and
  every extra's, at the same versions as runtime.txt where both have a package.
- Every pin meets pyproject.toml's lower bound; the locks were made by scripts/lock.sh.
- requires-python holds for what the tests use (tomllib: 3.11).
"""

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
EXTRAS = PROJECT["optional-dependencies"]
PROJECT_PYTHON = Requirement(f"python{PROJECT['requires-python']}").specifier
LOCKS = {"runtime": ROOT / "requirements" / "runtime.txt", "dev": ROOT / "requirements" / "dev.txt"}


def requirements(names):
    """The Requirements of pyproject.toml's runtime ("") and extras in names, without nstlib[...] itself."""
    found = []
    for name in names:
        found += [Requirement(r) for r in (PROJECT["dependencies"] if name == "" else EXTRAS[name])]
    return [r for r in found if canonicalize_name(r.name) != "nstlib"]


def ours(r):
    return canonicalize_name(r.name), str(r.specifier)


def pins(lock):
    """{name: version} of a lock file's `name==version` lines (markers ignored)."""
    found = {}
    for line in lock.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", line)
        if m:
            found[canonicalize_name(m.group(1))] = m.group(2)
    return found


def test_environment_yml_is_the_students_environment_at_the_locked_versions():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-e ." in pip, "environment.yml must install the package itself with pip -e ."
    theirs = {canonicalize_name(Requirement(r).name): Requirement(r) for r in pip if not r.startswith("-")}
    students = {canonicalize_name(r.name): r for r in requirements(["", "lab", "video"])}
    assert set(theirs) == set(students), (f"only in pyproject's runtime, lab and video: {set(students) - set(theirs)}; "
                                          f"only in environment.yml: {set(theirs) - set(students)}")
    locked = pins(LOCKS["dev"])
    for name, r in theirs.items():
        version = str(r.specifier).removeprefix("==")
        assert str(r.specifier) == f"=={locked[name]}", f"environment.yml: {r}, the lock: {name}=={locked[name]}"
        assert students[name].specifier.contains(version, prereleases=True), f"{r} is outside pyproject's bound"
    for tool in ("pytest", "nbval", "playwright", "ruff", "nbgrader"):
        assert tool not in theirs, f"{tool} is a test tool: scripts/test.sh installs it"
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert Version(python.split("=")[1]) in PROJECT_PYTHON


def test_dev_is_everything_the_tests_need():
    assert "nstlib[lab,instructor,video]" in EXTRAS["dev"]
    names = {canonicalize_name(r.name) for r in requirements(["dev", "lab", "instructor", "video"])}
    assert {"pytest", "nbval", "hypothesis", "pyyaml", "playwright", "ruff", "jupyterlab", "nbformat",
            "nbclient", "jupyter-client", "packaging", "psutil", "nbgrader", "opencv-python-headless"} <= names


def test_the_runtime_is_what_a_student_needs_and_no_more():
    runtime = {canonicalize_name(r.name) for r in requirements([""])}
    assert {"tensorflow", "requests", "ipywidgets", "pillow", "scipy", "imageio"} <= runtime
    for tool in ("jupyterlab", "notebook", "pytest", "playwright", "nbval", "nbformat", "nbclient", "ruff"):
        assert tool not in runtime
        assert tool not in pins(LOCKS["runtime"]), f"{tool} is locked for the main job"


@pytest.mark.parametrize("lock, names", [("runtime", [""]), ("dev", ["", *EXTRAS])])
def test_each_lock_pins_every_dependency_within_its_bounds(lock, names):
    pinned = pins(LOCKS[lock])
    for r in requirements(names):
        name = canonicalize_name(r.name)
        assert name in pinned, f"{name} is not in {LOCKS[lock].name}: run bash scripts/lock.sh"
        assert r.specifier.contains(pinned[name], prereleases=True), (
            f"{LOCKS[lock].name} pins {name}=={pinned[name]}, outside pyproject.toml's {r}")


def test_the_main_job_runs_the_versions_the_tests_ran():
    runtime, dev = pins(LOCKS["runtime"]), pins(LOCKS["dev"])
    differ = {n: (v, dev.get(n)) for n, v in runtime.items() if dev.get(n) != v}
    assert not differ, f"runtime.txt and dev.txt pin these differently: {differ}"


def test_the_locks_come_from_scripts_lock_sh_and_hold_the_bounds_that_matter():
    for lock in LOCKS.values():
        text = lock.read_text()
        assert "bash scripts/lock.sh" in text.splitlines()[1], f"{lock.name}: made by hand?"
        assert not re.search(r"^(pip|setuptools|nstlib)==", text, re.M)
    # what the code needs: Keras 3, has_transparency_data, StopIteration from a callback, imageio.v3
    bounds = dict(ours(r) for r in requirements([""]))
    for name, least in {"tensorflow": "2.16", "keras": "3", "pillow": "10.1", "scipy": "1.11",
                        "imageio": "2.16", "ipywidgets": "7.7"}.items():
        assert bounds[name] == f">={least}", f"pyproject.toml: {name}>={least}, not {name}{bounds[name]}"


def supported_pythons():
    """The Python versions pyproject.toml's classifiers declare, e.g. ["3.11", "3.12", "3.13"]."""
    prefix = "Programming Language :: Python :: 3."
    return [c.rsplit(" ", 1)[1] for c in PROJECT["classifiers"] if c.startswith(prefix)]


def test_requires_python_names_only_versions_the_tests_run_on():
    assert "3.10" not in PROJECT_PYTHON and "3.10.99" not in PROJECT_PYTHON  # tests import tomllib
    assert supported_pythons() == ["3.11", "3.12", "3.13"]  # CI: 3.11; the student's install: Colab's 3.13
    assert all(f"{v}.0" in PROJECT_PYTHON for v in supported_pythons())


@pytest.mark.slow
def test_the_lock_resolves_with_wheels_for_every_supported_python():
    """scripts/lock.sh --check-pythons: uv resolves requirements/dev.txt for each declared Python
    on Linux with wheels only (a pin with no wheel for 3.13 fails here, not on a student's Colab)."""
    done = subprocess.run(["bash", str(ROOT / "scripts" / "lock.sh"), "--check-pythons"], capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    for version in supported_pythons():
        assert f"Python {version}: resolves" in done.stdout, done.stdout


def test_console_script_and_module_entry_point():
    assert PROJECT["scripts"]["nst"] == "nstlib.cli:main"
    assert (ROOT / "nstlib" / "__main__.py").exists()
