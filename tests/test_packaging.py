"""pyproject.toml and environment.yml list the same dependencies."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement):
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    ours = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        ours |= {_name(r) for r in extra}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-e ." in pip, "environment.yml must install the package itself with pip -e ."
    theirs = {_name(r) for r in pip if not r.startswith("-")}
    assert ours == theirs, f"only in pyproject: {ours - theirs}; only in environment.yml: {theirs - ours}"


def test_console_script_and_module_entry_point():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["nst"] == "nstlib.cli:main"
    assert (ROOT / "nstlib" / "__main__.py").exists()
