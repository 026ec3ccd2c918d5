"""One address, one version, two editions (nstlib/instructor/edition.py, `nst release --student`).

- Every badge, install cell and README link points at pyproject.toml's [project.urls]
  Repository and at this release's tag, v + nstlib.__version__.
- student/ and the setup cells of notebooks/ are what `nst release --student` makes now.
- The setup cell does on Colab what it says: installs that tag, says in one line what failed,
  turns on the widget manager; elsewhere it only imports. Checked with a stand-in google.colab
  (and a stand-in pip, in a real kernel, for the failure).
"""

import ast
import re
import sys
import tomllib
import types
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import nstlib
from nstlib.errors import NSTError
from nstlib.instructor import edition
from nstlib.instructor.release import MARKERS
from nstlib.io import output

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = edition.project(ROOT)
SOURCES = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
STUDENT = sorted((ROOT / "student").glob("*.ipynb"))
MADE = SOURCES + STUDENT + [ROOT / "README.md"]


def read(path):
    return nbformat.read(path, as_version=4)


# ------------------------------------------------------------------ one source
def test_one_address_in_pyproject_and_one_version_in_nstlib():
    urls = PYPROJECT["project"]["urls"]
    assert urls["Homepage"] == urls["Repository"] == PROJECT.url == "https://github.com/nst-course/nst-course"
    assert "version" not in PYPROJECT["project"] and "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "nstlib.__version__"}
    assert PROJECT.version == nstlib.__version__ == "0.2.0"
    assert PROJECT.spec == "nstlib @ git+https://github.com/nst-course/nst-course@v0.2.0"


COLAB_LINK = re.compile(r"colab\.research\.google\.com/github/([\w.-]+/[\w.-]+)/blob/([^/\s]+)/")
INSTALL = re.compile(r"git\+(https?://[^\s\\\"'`@]+)(?:@([^\s\\\"'`#]+))?")  # \\": in a notebook's JSON


@pytest.mark.parametrize("path", MADE, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_badge_and_install_points_at_the_one_address_and_the_one_version(path):
    text = path.read_text(encoding="utf-8")
    links, installs = set(COLAB_LINK.findall(text)), set(INSTALL.findall(text))
    assert links <= {(PROJECT.github, PROJECT.tag)}, f"Colab links to {links - {(PROJECT.github, PROJECT.tag)}}"
    assert installs <= {(PROJECT.url, PROJECT.tag)}, f"installs {installs - {(PROJECT.url, PROJECT.tag)}}"
    assert links and installs, "no badge or no install line: run nst release --student"


def test_the_changelog_has_this_release():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[?{re.escape(PROJECT.version)}\]?", changelog, re.M)


# ------------------------------------------------------------------ two editions, in sync
def test_the_editions_are_up_to_date():
    stale = [str(p.relative_to(ROOT)) for p in edition.stale(ROOT)]
    assert not stale, f"out of date with notebooks/ and pyproject.toml: {stale}; run: nst release --student"


def test_student_edition_has_each_notebook_without_solutions_and_opens_itself():
    assert [p.name for p in STUDENT] == [p.name for p in SOURCES]
    for path in STUDENT:
        nb = read(path)
        lines = {line.strip() for cell in nb.cells for line in cell.source.splitlines()}
        assert not lines & set(MARKERS), f"{path.name}: a solution or hidden test left"
        assert edition.badge(PROJECT, "student", path.stem) in nb.cells[0].source
        assert "/notebooks/" not in nb.cells[0].source
        assert nb.metadata["accelerator"] == "GPU"


def test_every_notebook_of_both_editions_has_the_same_setup_cell():
    cells = {next(c.source for c in read(p).cells if c.cell_type == "code") for p in SOURCES + STUDENT}
    assert cells == {edition.setup_cell(PROJECT)}


def test_the_setup_cell_shows_folded_to_its_title_in_colab_and_jupyterlab():
    for path in SOURCES + STUDENT:
        setup = next(c for c in read(path).cells if c.cell_type == "code")
        assert setup.source.startswith("# @title "), f"{path.name}: Colab shows a form only with this first line"
        assert setup.metadata.get("cellView") == "form", path.name  # Colab: the code hidden behind the title
        assert setup.metadata.get("jupyter", {}).get("source_hidden") is True, path.name  # JupyterLab: folded


def test_the_readme_lists_both_editions_colab_links():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in SOURCES:
        for folder in ("student", "notebooks"):
            assert edition.colab_url(PROJECT, folder, path.stem) in readme


def test_the_readme_lists_every_exercise_with_its_points():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split(edition.EXERCISES_BEGIN, 1)[1].split(edition.EXERCISES_END, 1)[0]
    total = 0
    for path in SOURCES:
        for name, points, how in edition.exercises(read(path)):
            assert f"| `{path.stem}` | `{name}` | {points:g} | {how} |" in table, f"{name} of {path.name} is not in the README"
            total += points
    assert total >= 20 and f"| | total | {total:g} |" in table
    for path in SOURCES:  # issue 22: every notebook has a written answer, graded by hand
        assert any(how == "by hand" for _, _, how in edition.exercises(read(path))), path.name


def test_the_exercise_table_is_made_from_the_points(tmp_path):
    root = course(tmp_path)
    edition.update(root)
    readme = (root / "README.md").read_text()
    assert "| `01_add` | `add` | 2 | automatic |" in readme and "| | total | 2 |" in readme and "\nold\n" not in readme


def course(tmp_path, url="https://github.com/someone/course", version="1.2.3"):
    """A small checkout: pyproject.toml, nstlib/__init__.py, a README, one notebook."""
    (tmp_path / "nstlib").mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "nstlib"\n[project.urls]\nRepository = "{url}"\n')
    (tmp_path / "nstlib" / "__init__.py").write_text(f'__version__ = "{version}"\n')
    (tmp_path / "README.md").write_text(f"# x\n\n{edition.README_BEGIN}\nold\n{edition.README_END}\n\n"
                                        f"{edition.EXERCISES_BEGIN}\nold\n{edition.EXERCISES_END}\n\nmore\n")
    (tmp_path / "notebooks").mkdir()
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [
        new_markdown_cell("# 01 · Adding\n\nWrite `add`."),
        new_code_cell('import sys\n\nif "google.colab" in sys.modules:  # an old setup cell\n'
                      '    %pip install -q git+https://github.com/someone/course\n\nimport nstlib'),
        new_code_cell('def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION',
                      metadata={"nbgrader": {"solution": True, "grade": False, "locked": False,
                                             "grade_id": "ex_add", "schema_version": 3}}),
        new_code_cell("assert add(1, 2) == 3", metadata={"nbgrader": {
            "grade": True, "solution": False, "locked": True, "grade_id": "check_add", "points": 2,
            "schema_version": 3}}),
        new_markdown_cell("The rest is left alone."),
    ]
    nbformat.write(nb, tmp_path / "notebooks" / "01_add.ipynb")
    return tmp_path


def test_update_rewrites_only_the_setup_cell_the_badge_and_the_metadata_and_can_run_again(tmp_path):
    root = course(tmp_path)
    proj = edition.project(root)
    before = read(root / "notebooks" / "01_add.ipynb")
    (root / "student").mkdir()
    (root / "student" / "99_gone.ipynb").write_text("{}")  # its source was removed
    changed = edition.update(root)
    assert {p.relative_to(root).as_posix() for p in changed} == {
        "notebooks/01_add.ipynb", "student/01_add.ipynb", "README.md", "student/99_gone.ipynb"}
    assert not (root / "student" / "99_gone.ipynb").exists()
    nb, student = read(root / "notebooks" / "01_add.ipynb"), read(root / "student" / "01_add.ipynb")
    assert nb.cells[0].source == (
        "# 01 · Adding\n\n" + edition.badge(proj, "notebooks", "01_add") + "\n\nWrite `add`.")
    assert nb.cells[1].source == edition.setup_cell(proj) and "@v1.2.3" in nb.cells[1].source
    assert nb.cells[2:] == before.cells[2:]  # the rest as it was, solutions included
    assert [c.id for c in nb.cells] == [c.id for c in before.cells]
    assert nb.metadata["kernelspec"] == before.metadata["kernelspec"] and nb.metadata["colab"]["gpuType"]
    assert edition.badge(proj, "student", "01_add") in student.cells[0].source
    assert "raise NotImplementedError()" in student.cells[2].source and "a + b" not in student.cells[2].source
    readme = (root / "README.md").read_text()
    assert "old" not in readme and readme.endswith("\n\nmore\n")
    assert "blob/v1.2.3/student/01_add.ipynb" in readme

    assert edition.update(root, check=True) == [] and edition.update(root) == []  # nothing more to do
    (root / "nstlib" / "__init__.py").write_text('__version__ = "1.2.4"\n')  # the next release
    assert len(edition.update(root, check=True)) == 3
    assert "@v1.2.3" in read(root / "notebooks" / "01_add.ipynb").cells[1].source  # check wrote nothing
    edition.update(root)
    assert "@v1.2.4" in read(root / "student" / "01_add.ipynb").cells[1].source


def test_a_lessons_own_first_code_cell_is_kept_after_a_new_setup_cell(tmp_path):
    root = course(tmp_path)
    path = root / "notebooks" / "01_add.ipynb"
    nb = read(path)
    nb.cells[1].source = "x = 1  # a lesson's cell, not a setup cell"
    nbformat.write(nb, path)
    edition.update(root)
    cells = read(path).cells
    assert cells[1].source == edition.setup_cell(edition.project(root))
    assert cells[2].source == "x = 1  # a lesson's cell, not a setup cell"
    assert edition.update(root) == []


def test_a_checkout_without_an_address_or_a_version_is_refused(tmp_path):
    root = course(tmp_path, url="git@github.com:someone/course")
    with pytest.raises(NSTError, match="Repository must be https://github.com/OWNER/REPO"):
        edition.project(root)
    root = course(tmp_path / "b", version="one")
    with pytest.raises(NSTError, match="__version__"):
        edition.project(root)


def test_the_cli_updates_and_checks(monkeypatch, tmp_path, capsys):
    from nstlib.cli import main

    root = course(tmp_path)
    monkeypatch.setattr(edition, "repository_root", lambda: root)
    assert main(["release", "--student", "--check"]) == 1
    assert "out of date: student/01_add.ipynb" in capsys.readouterr().out
    assert main(["release", "--student"]) == 0
    assert main(["release", "--student", "--check"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main(["release", "--student", "x.ipynb"]) == 2  # one line, no traceback
    assert "give it no NOTEBOOKS" in capsys.readouterr().err


# ------------------------------------------------------------------ what the setup cell does
@pytest.fixture
def colab(monkeypatch):
    """A stand-in google.colab: records the widget manager's and files.download's calls."""
    calls = []
    google, colab = types.ModuleType("google"), types.ModuleType("google.colab")
    colab.output = types.SimpleNamespace(enable_custom_widget_manager=lambda: calls.append("widgets"))
    colab.files = types.SimpleNamespace(download=lambda path: calls.append(("download", path)))
    google.colab = colab
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    return calls


def run_setup_cell(monkeypatch, returncode=0, stderr=""):
    """Run the setup cell's code here; returns the pip commands it ran."""
    import subprocess

    ran = []

    def fake_run(cmd, **kwargs):
        ran.append(cmd)
        return subprocess.CompletedProcess(cmd, returncode, stdout="", stderr=stderr)

    monkeypatch.setattr(subprocess, "run", fake_run)
    namespace = {}
    exec(compile(edition.setup_cell(PROJECT), "<setup cell>", "exec"), namespace)
    return ran, namespace


def test_on_colab_the_setup_cell_installs_this_release_and_turns_on_the_widgets(monkeypatch, colab):
    ran, namespace = run_setup_cell(monkeypatch)
    assert ran == [[sys.executable, "-m", "pip", "install", "-q", PROJECT.spec]]
    assert colab == ["widgets"]
    assert namespace["nstlib"] is nstlib and namespace["download"] is output.download


def test_elsewhere_the_setup_cell_only_imports(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    ran, namespace = run_setup_cell(monkeypatch)
    assert ran == [] and namespace["download"] is output.download


GIT_FAILED = """\
  error: subprocess-exited-with-error

  × git clone --filter=blob:none --quiet https://github.com/nst-course/nst-course /tmp/pip-x did not run successfully.
  │ exit code: 128
  ╰─> [1 lines of output]
      fatal: unable to access 'https://github.com/nst-course/nst-course/': Could not resolve host: github.com
      [end of output]

  note: This error originates from a subprocess, and is likely not a problem with pip.
error: subprocess-exited-with-error
"""


@pytest.mark.parametrize("stderr, why", [
    (GIT_FAILED, "fatal: unable to access 'https://github.com/nst-course/nst-course/': Could not resolve host"),
    ("ERROR: Could not find a version that satisfies the requirement tensorflow>=2.16\n"
     "ERROR: No matching distribution found for tensorflow>=2.16\n", "ERROR: Could not find a version that satisfies"),
    ("", "pip said nothing"),
])
def test_a_failed_install_is_one_line_that_says_what_failed(monkeypatch, colab, stderr, why):
    with pytest.raises(Exception) as info:
        run_setup_cell(monkeypatch, returncode=1, stderr=stderr)
    shown = info.value._render_traceback_()  # what IPython shows instead of a traceback
    assert len(shown) == 1 and "\n" not in shown[0]
    assert shown[0].startswith(f"SetupFailed: pip could not install nstlib {PROJECT.version} ({PROJECT.spec}): ")
    assert why in shown[0]
    assert colab == []  # it stopped there


def test_in_a_kernel_a_failed_install_shows_one_line_and_stops_the_notebook(tmp_path):
    """A real kernel, a stand-in google.colab and a stand-in pip that fails as pip does offline."""
    (tmp_path / "google" / "colab").mkdir(parents=True)
    (tmp_path / "google" / "__init__.py").write_text("")
    (tmp_path / "google" / "colab" / "__init__.py").write_text("")
    (tmp_path / "google" / "colab" / "output.py").write_text("def enable_custom_widget_manager(): pass\n")
    (tmp_path / "pip").mkdir()
    (tmp_path / "pip" / "__init__.py").write_text("")
    (tmp_path / "pip" / "__main__.py").write_text(
        f"import sys\nsys.stderr.write({GIT_FAILED!r})\nsys.exit(1)\n")
    nb = new_notebook(cells=[
        new_code_cell(f"import sys, os\nsys.path.insert(0, {str(tmp_path)!r})\n"
                      "import google.colab  # as Colab has it\n"
                      f"os.environ['PYTHONPATH'] = {str(tmp_path)!r}  # python -m pip: the stand-in"),
        new_code_cell(edition.setup_cell(PROJECT)),
        new_code_cell("print('never run')"),
    ])
    client = NotebookClient(nb, kernel_name="python3", timeout=120)
    with pytest.raises(CellExecutionError):
        client.execute()
    error = nb.cells[1].outputs[-1]
    assert error.output_type == "error" and error.ename == "SetupFailed"
    assert len(error.traceback) == 1, error.traceback
    assert "Could not resolve host: github.com" in error.traceback[0]
    assert nb.cells[2].execution_count is None


def test_download_offers_the_file_on_colab_and_does_nothing_elsewhere(monkeypatch, tmp_path, colab):
    picture = tmp_path / "result.png"
    picture.write_bytes(b"png")
    assert output.download(picture) == picture and colab == [("download", str(picture))]
    monkeypatch.delitem(sys.modules, "google.colab")
    assert output.download(str(picture)) == picture and len(colab) == 1
    with pytest.raises(NSTError, match="No such file to download"):
        output.download(tmp_path / "missing.png")


def test_the_setup_cell_is_plain_python_within_the_line_length():
    source = edition.setup_cell(PROJECT)
    ast.parse(source)
    assert max(len(line) for line in source.splitlines()) <= 120
