"""nbgrader's own commands on the course (the `instructor` extra).

The course's notebooks are nbgrader sources: ``nbgrader generate_assignment`` makes the
students' versions of all of them, ``nbgrader autograde`` gives the solutions (the
notebooks as they are) full marks and the released versions, handed in untouched, zero.
This runs nbgrader itself, as an instructor would, in a course folder of its own:

    course/source/nst/NN_*.ipynb            the notebooks (notebooks/)
    course/release/nst/NN_*.ipynb           made by generate_assignment
    course/submitted/<student>/nst/...      the solutions ("solver"), the release ("blank")
    course/autograded/...                   made by autograde; scores in gradebook.db

Autograding executes the notebooks (quick mode, as nbval does), so it runs only the ones
with graded cells.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader import api as nbgrader_api  # the instructor extra: pip install -e '.[instructor]'

pytestmark = pytest.mark.slow  # nbgrader executes every notebook, twice

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ASSIGNMENT = "nst"


def graded_points(path):
    cells = json.loads(path.read_text())["cells"]
    return sum(c["metadata"].get("nbgrader", {}).get("points", 0) for c in cells
               if c["metadata"].get("nbgrader", {}).get("grade"))


def start_nbgrader(root, *args, timeout=1800):
    """Start `nbgrader ARGS` in the course folder root; returns wait(): its output once it
    has finished, or a failed assertion that shows it."""
    # nbgrader runs alembic (its database's migrations) as a command: the venv's bin on PATH
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    process = subprocess.Popen([sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={root}"], cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "NSTLIB_QUICK": "1", "PATH": path})
    command = "nbgrader " + " ".join(args)

    def wait():
        try:
            out, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            out, _ = process.communicate()
            raise AssertionError(f"{command} ran past {timeout} s:\n{out[-3000:]}") from None
        assert process.returncode == 0, f"{command} failed:\n{out[-6000:]}"
        return out

    return wait


def nbgrader(root, *args, timeout=1800):
    """Run `nbgrader ARGS` in the course folder root; its output on failure."""
    return start_nbgrader(root, *args, timeout=timeout)()


DELEGATION = "    from nstlib.core import costs as c\n    return c.content_cost(a_C, a_G)  # the package's answer\n"


def delegate_content_cost(path):
    """The student's content_cost hands the exercise to the package's (which the check compares with)."""
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "ex_content_cost":
            source = "".join(cell["source"])
            stub = "    # YOUR CODE HERE\n    raise NotImplementedError()"
            assert stub in source
            cell["source"] = source.replace(stub, DELEGATION.rstrip("\n"))
    path.write_text(json.dumps(nb))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'nst-course'\n"
        # the notebooks' heavy cells in quick mode take a minute at most; a cell that runs
        # past this is a hang
        "c.Execute.timeout = 600\n"
    )
    source = root / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    for path in NOTEBOOKS:
        shutil.copy(path, source / path.name)
    # the notebooks find the example images, masks and output/ beside them, as in notebooks/
    for folder in ("images",):
        if (REPO / folder).exists():
            shutil.copytree(REPO / folder, root / folder)
    nbgrader(root, "db", "assignment", "add", ASSIGNMENT)
    nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
    return root


def test_generate_assignment_releases_every_notebook(course):
    released = course / "release" / ASSIGNMENT
    assert sorted(p.name for p in released.glob("*.ipynb")) == [p.name for p in NOTEBOOKS]
    for path in NOTEBOOKS:
        text = (released / path.name).read_text()
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in text, f"{path.name}: nbgrader left {marker!r} in the student's version"
        if graded_points(path):
            assert "raise NotImplementedError()" in text, f"{path.name}: no exercise stub in the release"


def test_every_notebook_with_exercises_has_points():
    graded = [p.name for p in NOTEBOOKS if graded_points(p)]
    assert len(graded) >= 5, f"only {graded} grade anything"


def test_autograde_gives_the_solutions_full_marks_and_the_release_zero(course, tmp_path):
    # Two students, each in a copy of the course with its own gradebook, autograded at the
    # same time: much of a quick-mode notebook's time is single-threaded (the kernel's start,
    # imports, tracing), so two at once take far less than two in a row on 2 cores.
    graded = [p for p in NOTEBOOKS if graded_points(p)]
    roots = {"solver": course, "blank": tmp_path / "course_blank"}
    shutil.copytree(course, roots["blank"])
    folders = {"solver": course / "source" / ASSIGNMENT, "blank": course / "release" / ASSIGNMENT}
    for student, root in roots.items():
        handed_in = root / "submitted" / student / ASSIGNMENT
        handed_in.mkdir(parents=True)
        for path in graded:
            shutil.copy(folders[student] / path.name, handed_in / path.name)
        nbgrader(root, "db", "student", "add", student)
    delegate_content_cost(roots["blank"] / "submitted" / "blank" / ASSIGNMENT / "03_content_cost.ipynb")
    running = [start_nbgrader(root, "autograde", ASSIGNMENT, "--force") for root in roots.values()]
    for wait in running:
        wait()
    with nbgrader_api.Gradebook(f"sqlite:///{roots['solver'] / 'gradebook.db'}") as gb:
        for path in graded:
            solved = gb.find_submission_notebook(path.stem, ASSIGNMENT, "solver")
            assert solved.max_score == graded_points(path)
            automatic = [g for g in solved.grades if g.cell.cell_type == "code"]
            written = [g for g in solved.grades if g.cell.cell_type == "markdown"]
            assert written, f"{path.name}: no written answer graded by hand"
            assert all(g.needs_manual_grade for g in written)
            assert all(g.score == g.max_score for g in automatic), (
                f"{path.name}: the solutions lost points: "
                + ", ".join(f"{g.cell.name} {g.score}/{g.max_score}" for g in automatic if g.score != g.max_score))
    with nbgrader_api.Gradebook(f"sqlite:///{roots['blank'] / 'gradebook.db'}") as gb:
        for path in graded:
            blank = gb.find_submission_notebook(path.stem, ASSIGNMENT, "blank")
            assert blank.max_score == graded_points(path)
            assert blank.score == 0, (
                f"{path.name}: the untouched release (03: content_cost handed to the package) scored "
                f"{blank.score}: " + ", ".join(f"{g.cell.name} {g.score}" for g in blank.grades if g.score))
    # Run All reaches the end: in the untouched release, only the graded cells fail (their hidden
    # tests), every other cell runs, on the package's versions of the unfinished exercises
    for path in graded:
        ran = json.loads((roots["blank"] / "autograded" / "blank" / ASSIGNMENT / path.name).read_text())
        for cell in ran["cells"]:
            if cell["cell_type"] == "code" and not cell["metadata"].get("nbgrader", {}).get("grade"):
                errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
                assert not errors, f"{path.name}: a cell failed in the release: {cell['source'][:200]}"
