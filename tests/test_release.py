"""nstlib.instructor.release: the student version of a notebook (synthetic notebooks, no TensorFlow)."""

import argparse
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nstlib.cli import instructor as cli_instructor
from nstlib.errors import NSTError
from nstlib.instructor import release as rel

REPO = Path(__file__).resolve().parents[1]
COURSE_NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9]*.ipynb"))

ADD_SOLUTION = '''def add(a, b):
    """Return a + b."""
    ### BEGIN SOLUTION
    return a + b
    ### END SOLUTION
'''

CHECK_ADD = """assert add(1, 2) == 3
### BEGIN HIDDEN TESTS
assert add(-1, 1) == 0
### END HIDDEN TESTS"""


def solution_cell(source, grade_id):
    return new_code_cell(source, metadata={"nbgrader": {
        "solution": True, "grade": False, "locked": False, "grade_id": grade_id, "schema_version": 3}})


def check_cell(source, grade_id, points=2):
    return new_code_cell(source, metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": grade_id, "points": points,
        "schema_version": 3}})


def source_notebook():
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                               "language": "python"}})
    nb.cells = [
        new_markdown_cell("# Adding\nWrite `add`.", metadata={"tags": ["intro"]}),
        new_code_cell("import math", execution_count=3,
                      outputs=[new_output("stream", name="stdout", text="hello\n")]),
        solution_cell(ADD_SOLUTION, "ex_add"),
        check_cell(CHECK_ADD, "check_add"),
        solution_cell("### BEGIN SOLUTION\nK = 2\n### END SOLUTION", "ex_k"),
        check_cell("assert K == 2", "check_k", points=1),
    ]
    return nb


def test_release_replaces_solutions_strips_hidden_tests_and_outputs():
    source = source_notebook()
    before = nbformat.writes(source)
    released = rel.release_notebook(source)
    assert nbformat.writes(source) == before, "the source notebook must not be changed"

    cells = released.cells
    assert cells[2].source == (
        'def add(a, b):\n    """Return a + b."""\n'
        "    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    )
    assert cells[4].source == "# YOUR CODE HERE\nraise NotImplementedError()"
    assert cells[3].source == "assert add(1, 2) == 3"
    assert cells[1].outputs == [] and cells[1].execution_count is None
    # Everything else is kept: ids, metadata, markdown, notebook metadata, untouched cells.
    assert [c.id for c in cells] == [c.id for c in source.cells]
    assert [c.metadata for c in cells] == [c.metadata for c in source.cells]
    assert cells[0] == source.cells[0]
    assert cells[5] == source.cells[5]
    assert released.metadata == source.metadata
    assert cells[1].source == "import math"


def test_marker_lines_are_matched_whole_and_markdown_gets_an_answer_stub():
    text = "x = '### BEGIN SOLUTION'  # not a marker\n  ### BEGIN SOLUTION  \nsecret = 1\n  ### END SOLUTION"
    nb = new_notebook(cells=[new_code_cell(text),
                             new_markdown_cell("Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION")])
    released = rel.release_notebook(nb)
    assert released.cells[0].source == (
        "x = '### BEGIN SOLUTION'  # not a marker\n  # YOUR CODE HERE\n  raise NotImplementedError()"
    )
    assert released.cells[1].source == "Why?\nYOUR ANSWER HERE"


def test_solution_cell_without_markers_is_replaced_whole():
    nb = new_notebook(cells=[solution_cell("def f():\n    return 42", "ex_f")])
    assert rel.release_notebook(nb).cells[0].source == "# YOUR CODE HERE\nraise NotImplementedError()"


@pytest.mark.parametrize("source, message", [
    ("### BEGIN SOLUTION\nx = 1", "never closed"),
    ("x = 1\n### END SOLUTION", "without a matching"),
    ("### BEGIN HIDDEN TESTS\nassert 1\n### END SOLUTION", "without a matching"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside"),
])
def test_unbalanced_markers_name_the_notebook_and_cell(source, message):
    nb = new_notebook(cells=[new_markdown_cell("intro"), solution_cell(source, "ex_bad")])
    with pytest.raises(NSTError, match=message) as info:
        rel.release_notebook(nb, name="07_bad.ipynb")
    assert "07_bad.ipynb, cell 1" in str(info.value) and "ex_bad" in str(info.value)


def test_duplicate_grade_id_is_an_error():
    nb = new_notebook(cells=[check_cell("assert True", "check_x"), check_cell("assert True", "check_x")])
    with pytest.raises(NSTError, match="check_x"):
        rel.release_notebook(nb)


def test_release_writes_files_and_refuses_to_overwrite(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    nbformat.write(source_notebook(), src / "01_add.ipynb")
    out = tmp_path / "release"
    assert rel.release([src / "01_add.ipynb"], out) == [out / "01_add.ipynb"]
    assert "BEGIN SOLUTION" not in (out / "01_add.ipynb").read_text()
    with pytest.raises(NSTError, match="already exists"):
        rel.release([src / "01_add.ipynb"], out)
    assert rel.release([src / "01_add.ipynb"], out, overwrite=True) == [out / "01_add.ipynb"]
    with pytest.raises(NSTError, match="source notebook itself"):
        rel.release([src / "01_add.ipynb"], src, overwrite=True)
    # A bad notebook among several: nothing is written.
    bad = new_notebook(cells=[solution_cell("### BEGIN SOLUTION", "ex")])
    nbformat.write(bad, src / "02_bad.ipynb")
    with pytest.raises(NSTError, match="02_bad.ipynb"):
        rel.release([src / "01_add.ipynb", src / "02_bad.ipynb"], tmp_path / "other")
    assert not (tmp_path / "other").exists()
    (src / "03_junk.ipynb").write_text("not json")
    with pytest.raises(NSTError, match="not a readable notebook"):
        rel.release([src / "03_junk.ipynb"], tmp_path / "other")


def test_default_notebooks_are_the_course_notebooks_of_the_repository():
    assert rel.default_notebooks() == COURSE_NOTEBOOKS


def test_cli_release(tmp_path, capsys):
    nbformat.write(source_notebook(), tmp_path / "01_add.ipynb")
    parser = argparse.ArgumentParser(prog="nst")
    cli_instructor.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["release", str(tmp_path / "01_add.ipynb"), "-o", str(tmp_path / "out")])
    assert args.func(args) == 0
    assert "01_add.ipynb" in capsys.readouterr().out
    assert (tmp_path / "out" / "01_add.ipynb").is_file()
    with pytest.raises(SystemExit):  # -o is required
        parser.parse_args(["release", "x.ipynb"])


def test_released_notebook_runs_up_to_the_first_check_which_fails():
    released = rel.release_notebook(source_notebook())
    client = NotebookClient(released, kernel_name="python3", timeout=60)
    with pytest.raises(CellExecutionError) as info:
        client.execute()
    assert "NotImplementedError" in str(info.value)
    ran = [i for i, c in enumerate(released.cells) if c.cell_type == "code" and c.execution_count]
    assert ran == [1, 2, 3]  # setup, the stub (defines add), then the first check fails
    assert released.cells[3].outputs[-1].output_type == "error"


# One case per course notebook that exists (zero until notebooks/ has some): defined only
# when there are notebooks, so that an empty course is not reported as a skip.
if COURSE_NOTEBOOKS:

    @pytest.mark.parametrize("path", COURSE_NOTEBOOKS, ids=[p.name for p in COURSE_NOTEBOOKS])
    def test_course_notebook_releases_without_solutions(path):
        """Each course notebook in notebooks/ (none yet: zero cases) releases cleanly."""
        source = nbformat.read(path, as_version=4)
        released = rel.release_notebook(source, name=path.name)
        assert len(released.cells) == len(source.cells)
        for cell in released.cells:
            lines = {line.strip() for line in cell.source.splitlines()}
            assert not lines & set(rel.MARKERS), f"{path.name}: marker left in cell {cell.get('id')}"
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None
            if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
                assert "raise NotImplementedError()" in cell.source


def test_every_notebook_names_the_tag_of_the_version_pyproject_builds():
    """pyproject.toml's version (read from nstlib.__version__, as setuptools reads it) is the tag
    every notebook's badge and setup cell name, in notebooks/ and student/: a release whose
    version was raised without `nst release --student` fails here (CONTRIBUTING.md, Releases)."""
    import ast
    import json
    import re
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    attr = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "nstlib.__version__"
    tree = ast.parse((root / "nstlib" / "__init__.py").read_text())
    version = next(node.value.value for node in tree.body if isinstance(node, ast.Assign)
                   and any(getattr(t, "id", None) == "__version__" for t in node.targets))
    notebooks = sorted((root / "notebooks").glob("*.ipynb")) + sorted((root / "student").glob("*.ipynb"))
    assert len(notebooks) >= 14
    for path in notebooks:
        text = "".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"][:2])
        tags = set(re.findall(r"(?:blob/|@)(v\d+\.\d+\.\d+)", text))
        assert tags == {f"v{version}"}, f"{path.name} names {tags}, pyproject builds v{version}: run nst release --student"
