"""The course notebooks are commit-ready and follow the course's conventions (no execution here;
`pytest --nbval-lax notebooks/` runs them).

Each notebooks/[0-9]*.ipynb: no outputs and no execution counts, an H1 title and its own
Colab badge in its first cell, the setup cell (nstlib/instructor/edition.py) as its first code
cell, Colab's GPU metadata, valid Python in every code cell, balanced solution and hidden-test
markers, and each exercise followed by its graded check cell.
"""

import ast
import re
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from nstlib.instructor import edition

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
COURSE = [
    "01_transfer_learning", "02_vgg_features", "03_content_cost", "04_style_cost", "05_full_optimization",
]
PROJECT = edition.project(ROOT)  # pyproject.toml's [project.urls] Repository, nstlib.__version__
BADGE = (
    "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
    f"(https://colab.research.google.com/github/{PROJECT.github}/blob/v{PROJECT.version}/notebooks/{{name}}.ipynb)"
)
INSTALL_SPEC = f"nstlib @ git+{PROJECT.url}@v{PROJECT.version}"  # this release's tag

SOLUTION = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def read(path):
    return nbformat.read(path, as_version=4)


def code_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def python(source):
    """The cell as plain Python (IPython magics and !commands turned into calls)."""
    return TransformerManager().transform_cell(source)


def nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


def marker_lines(source, markers):
    return [line.strip() for line in source.splitlines() if line.strip() in markers]


notebook = pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])


def test_the_course_notebooks_are_there():
    assert [p.stem for p in NOTEBOOKS][: len(COURSE)] == COURSE


@notebook
def test_valid_nbformat_v4_with_the_python3_kernel(path):
    nb = read(path)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata.kernelspec.name == "python3"


@notebook
def test_no_outputs_and_no_execution_counts(path):
    # nbval compares a cell's output only when the notebook stores one (with an execution
    # count); the course stores none, so nbval checks that every cell runs without an error.
    for cell in code_cells(read(path)):
        assert cell.execution_count is None, f"{path.name}: execution count in {cell.source[:60]!r}"
        assert not cell.outputs, f"{path.name}: stored output in {cell.source[:60]!r}: clear it"


def test_no_nbval_output_marker_that_would_compare_nothing():
    # `# NBVAL_CHECK_OUTPUT` compares nothing in a notebook without stored outputs (issue 26)
    for path in NOTEBOOKS:
        assert "NBVAL_CHECK_OUTPUT" not in path.read_text(encoding="utf-8"), path.name


@notebook
def test_first_cell_has_an_h1_title_and_the_colab_badge(path):
    first = read(path).cells[0]
    assert first.cell_type == "markdown"
    assert re.match(r"# \S", first.source), "the first line must be an H1 title"
    assert BADGE.format(name=path.stem) in first.source.splitlines(), "run nst release --student"
    assert first.source.count("colab.research.google.com/github/") == 1, "one badge, the notebook's own"


@notebook
def test_colab_opens_it_on_a_gpu_runtime(path):
    metadata = read(path).metadata
    assert metadata.get("accelerator") == "GPU"
    assert metadata.get("colab", {}).get("gpuType"), "Colab's runtime type: colab.gpuType"


def _is_colab_guard(node):
    """`if "google.colab" in sys.modules:`"""
    return (
        isinstance(node, ast.If)
        and isinstance(node.test, ast.Compare)
        and isinstance(node.test.left, ast.Constant) and node.test.left.value == "google.colab"
        and isinstance(node.test.ops[0], ast.In)
        and ast.unparse(node.test.comparators[0]) == "sys.modules"
    )


@notebook
def test_first_code_cell_installs_the_package_only_on_colab_then_imports_it(path):
    cell = code_cells(read(path))[0]
    assert cell.source == edition.setup_cell(PROJECT), "the setup cell is out of date: run nst release --student"
    tree = ast.parse(python(cell.source))
    guards = [node for node in tree.body if _is_colab_guard(node)]
    assert guards, 'the first code cell must hold `if "google.colab" in sys.modules:`'
    guarded = "\n".join(ast.unparse(node) for node in guards)
    unguarded = "\n".join(ast.unparse(node) for node in tree.body if not _is_colab_guard(node))
    assert "pip" in guarded and INSTALL_SPEC in guarded, "the pip install must be inside the Colab guard"
    assert "enable_custom_widget_manager()" in guarded
    assert "git+" not in unguarded and "pip" not in unguarded
    assert re.search(r"^(import nstlib|from nstlib)", unguarded, re.M), "the first code cell imports nstlib"
    assert "from nstlib.io.output import download" in unguarded


@notebook
def test_every_code_cell_is_valid_python(path):
    for i, cell in enumerate(read(path).cells):
        if cell.cell_type == "code":
            try:
                ast.parse(python(cell.source))
            except SyntaxError as e:
                pytest.fail(f"{path.name}, cell {i}: {e}")


@notebook
def test_solution_markers_are_balanced_and_in_exercise_cells(path):
    for i, cell in enumerate(read(path).cells):
        markers = marker_lines(cell.source, SOLUTION)
        assert len(markers) % 2 == 0 and markers == list(SOLUTION) * (len(markers) // 2), (
            f"{path.name}, cell {i}: unbalanced solution markers {markers}"
        )
        hidden = marker_lines(cell.source, HIDDEN)
        assert hidden == list(HIDDEN) * (len(hidden) // 2), f"{path.name}, cell {i}: unbalanced {hidden}"
        if markers:
            assert cell.cell_type == "markdown" or nbgrader(cell).get("solution"), (
                f"{path.name}, cell {i}: solution markers in a cell nbgrader does not know as a solution"
            )
        if hidden:
            assert nbgrader(cell).get("grade"), f"{path.name}, cell {i}: hidden tests outside a graded cell"


def exercises(nb):
    """(index among code cells, cell, exercise name) of each exercise cell."""
    cells = code_cells(nb)
    for k, cell in enumerate(cells):
        if nbgrader(cell).get("solution"):
            yield k, cell, nbgrader(cell)["grade_id"].removeprefix("ex_")


@notebook
def test_each_exercise_keeps_its_def_outside_the_solution_and_is_followed_by_its_check(path):
    nb = read(path)
    cells = code_cells(nb)
    for k, cell, name in exercises(nb):
        meta = nbgrader(cell)
        assert meta == {
            "solution": True, "grade": False, "locked": False,
            "grade_id": f"ex_{name}", "schema_version": 3,
        }
        lines = cell.source.splitlines()
        begin = [line.strip() for line in lines].index(SOLUTION[0])
        before = "\n".join(lines[:begin])
        assert re.search(rf"^def {name}\(", before, re.M), f"{path.name}: `def {name}(` must precede the solution"
        assert '"""' in before, f"{path.name}: the docstring of {name} must precede the solution"

        assert k + 1 < len(cells), f"{path.name}: exercise {name} has no check cell after it"
        check = cells[k + 1]
        meta = nbgrader(check)
        assert meta.get("grade") is True and meta.get("solution") is False and meta.get("locked") is True
        assert meta.get("grade_id") == f"check_{name}" and meta.get("schema_version") == 3
        assert meta.get("points") in (1, 2, 3), f"{path.name}: check_{name} needs 1 to 3 points"


@notebook
def test_grade_ids_are_unique(path):
    ids = [nbgrader(cell)["grade_id"] for cell in read(path).cells if "grade_id" in nbgrader(cell)]
    assert len(ids) == len(set(ids))


def _checks_defined():
    """The check_* names nstlib.checks exports: those its __init__ imports from its files."""
    tree = ast.parse((ROOT / "nstlib" / "checks" / "__init__.py").read_text(encoding="utf-8"))
    return {alias.asname or alias.name for node in tree.body if isinstance(node, ast.ImportFrom)
            for alias in node.names if (alias.asname or alias.name).startswith("check_")}


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.stem in COURSE], ids=lambda p: p.stem)
def test_course_check_cells_call_nstlib_checks(path):
    defined = _checks_defined()
    nb = read(path)
    for cell in code_cells(nb):
        if nbgrader(cell).get("grade"):
            name = nbgrader(cell)["grade_id"].removeprefix("check_")
            assert f"check_{name}" in defined
            lines = cell.source.splitlines()
            # the check returns what the notebook goes on with (the package's version for a
            # stub); graded, the hidden tests first make sure it is the student's
            assert lines[0] == f"{name} = nstlib.checks.check_{name}({name})"
            assert lines[1] == HIDDEN[0] and lines[2].startswith(f"nstlib.checks.finished({name})")


FORMULAS = {  # issue 12: every formula of the course an exercise
    "01_transfer_learning": ("preprocess",),
    "02_vgg_features": ("feature_extractor", "reconstruct"),
    "03_content_cost": ("content_cost",),
    "04_style_cost": ("gram_matrix", "layer_style_cost", "position_gram", "layer_style_cost_any_size", "style_cost"),
    "05_full_optimization": ("total_variation", "total_cost", "train_step"),
    "07_beyond_the_basics": ("preserve_luminance", "masked_gram"),
    "08_fast_style_transfer": ("instance_norm", "upsample"),
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_formula_is_an_exercise_and_every_graded_cell_has_hidden_tests(path):
    nb = read(path)
    names = [name for _, _, name in exercises(nb)]
    for name in FORMULAS.get(path.stem, ()):
        assert name in names, f"{path.name}: no exercise {name}"
    for cell in code_cells(nb):
        meta = nbgrader(cell)
        if meta.get("grade"):
            assert HIDDEN[0] in cell.source, f"{path.name}: {meta['grade_id']} has no hidden tests"
            assert 1 <= meta.get("points", 0) <= 3, f"{path.name}: {meta['grade_id']} has {meta.get('points')} points"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.stem in COURSE], ids=lambda p: p.stem)
def test_course_notebooks_credit_images_show_own_photos_and_measure_their_times(path):
    text = "\n".join(cell.source for cell in read(path).cells)
    assert "credit(" in text
    assert "files.upload()" in text, "how to upload one's own photo on Colab"
    # what a GPU changes: measured on the reader's machine (a probe), never one machine's figures
    code = "\n".join(c.source for c in read(path).cells if c.cell_type == "code")
    if "stylize(" in code:  # a heavy cell: its time, measured here, said before it
        assert "Probe(" in code and ".say(" in code, "a heavy cell without a time measured on this machine"
    assert not re.search(r"\b\d+(\.\d+)? s (at|per step|a step)\b", "\n".join(
        c.source for c in read(path).cells if c.cell_type == "markdown")), "a time from another machine in the text"
    assert "## Summary" in text and "## Further exercises" in text and "## What you will learn" in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_asks_for_a_prediction_before_it_shows_the_answer(path):
    # issue 22: a "Predict, then run" question, the student's prediction in its own cell, and a
    # cell after it that measures the answer and prints the prediction beside it
    cells = read(path).cells
    asked = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and "**Predict, then run.**" in c.source]
    assert asked, f"{path.name}: no 'Predict, then run' question"
    for i in asked:
        prediction = next(c for c in cells[i + 1:] if c.cell_type == "code")
        assert prediction.source.lstrip().startswith("my_prediction = "), f"{path.name}: no prediction cell after cell {i}"
        k = cells.index(prediction)
        answers = [c for c in cells[k + 1:] if c.cell_type == "code"][:3]
        assert any("my_prediction" in c.source for c in answers), (
            f"{path.name}: none of the cells after the prediction shows it beside the answer")
