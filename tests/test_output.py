"""One output/ folder for everything a user makes (nstlib.io.output), from any working folder."""

import builtins
import sys

import pytest
from PIL import Image

from nstlib import cli
from nstlib.io.output import OUTPUT_ENV, new_output_path, output_dir


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project tree: output/ beside notebooks/, and a folder deeper down."""
    monkeypatch.delenv(OUTPUT_ENV, raising=False)
    for folder in ("output", "notebooks", "notebooks/deeper"):
        (tmp_path / folder).mkdir()
    return tmp_path


@pytest.mark.parametrize("where", [".", "notebooks", "notebooks/deeper"])
def test_the_projects_output_from_any_folder_inside_it(project, monkeypatch, where):
    monkeypatch.chdir(project / where)
    assert output_dir() == project / "output"


def test_outside_a_project_and_the_override(tmp_path, monkeypatch):
    monkeypatch.delenv(OUTPUT_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert output_dir() == tmp_path / "output"  # a pip install, Colab: ./output
    monkeypatch.setenv(OUTPUT_ENV, str(tmp_path / "elsewhere"))
    assert output_dir() == tmp_path / "elsewhere"


def test_a_new_output_path_never_names_an_existing_file(project, monkeypatch):
    monkeypatch.chdir(project / "notebooks")
    (project / "output" / "a.png").write_bytes(b"kept")
    assert new_output_path("a.png") == project / "output" / "a-1.png"


@pytest.mark.slow
def test_nst_stylize_writes_to_the_projects_output_from_notebooks(vgg_weights, project, monkeypatch, capsys):
    monkeypatch.chdir(project / "notebooks")
    (project / "output" / "chelsea_hubble_deep_field.png").write_bytes(b"an earlier result")
    # one --steps count for every size of the ladder
    status = cli.main(["stylize", "chelsea", "hubble_deep_field", "--sizes", "48,64", "--steps", "2", "--quiet"])
    assert status == 0, capsys.readouterr().err
    assert (project / "output" / "chelsea_hubble_deep_field.png").read_bytes() == b"an earlier result"
    assert Image.open(project / "output" / "chelsea_hubble_deep_field-1.png").size == (64, 43)
    assert "48 px: 2 steps" in capsys.readouterr().out
    assert [p.name for p in (project / "notebooks").iterdir()] == ["deeper"]  # nothing written there


def test_an_instructor_command_without_its_extra_says_what_to_install(monkeypatch, capsys):
    real_import = builtins.__import__

    def without_nbformat(name, *args, **kwargs):
        if name.split(".")[0] == "nbformat":
            raise ImportError("No module named 'nbformat'", name="nbformat")
        return real_import(name, *args, **kwargs)

    for name in [m for m in sys.modules if m.startswith(("nbformat", "nstlib.instructor"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(builtins, "__import__", without_nbformat)
    assert "release" in cli.build_parser().format_help()  # the command is listed, not dropped
    assert cli.main(["release", "-o", "released"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nbformat" in err and "pip install 'nstlib[instructor]'" in err
