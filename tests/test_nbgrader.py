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

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ASSIGNMENT = "nst"


def graded_points(path):
    cells = json.loads(path.read_text())["cells"]
    return sum(c["metadata"].get("nbgrader", {}).get("points", 0) for c in cells
               if c["metadata"].get("nbgrader", {}).get("grade"))


def nbgrader(root, *args, timeout=1800):
    """Run `nbgrader ARGS` in the course folder root; its output on failure."""
    # nbgrader runs alembic (its database's migrations) as a command: the venv's bin on PATH
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    out = subprocess.run([sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={root}"], cwd=root,
                         capture_output=True, text=True, timeout=timeout, env={**os.environ, "NSTLIB_QUICK": "1", "PATH": path})
    assert out.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out.stdout + out.stderr


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


def test_autograde_gives_the_solutions_full_marks_and_the_release_zero(course):
    graded = [p for p in NOTEBOOKS if graded_points(p)]
    for student, folder in (("solver", course / "source" / ASSIGNMENT), ("blank", course / "release" / ASSIGNMENT)):
        handed_in = course / "submitted" / student / ASSIGNMENT
        handed_in.mkdir(parents=True)
        for path in graded:
            shutil.copy(folder / path.name, handed_in / path.name)
        nbgrader(course, "db", "student", "add", student)
    nbgrader(course, "autograde", ASSIGNMENT, "--force")
    with nbgrader_api.Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for path in graded:
            name = path.stem
            solved = gb.find_submission_notebook(name, ASSIGNMENT, "solver")
            blank = gb.find_submission_notebook(name, ASSIGNMENT, "blank")
            assert solved.max_score == graded_points(path)
            assert solved.score == solved.max_score, (
                f"{path.name}: the solutions scored {solved.score} of {solved.max_score}: "
                + ", ".join(f"{g.cell.name} {g.score}/{g.max_score}" for g in solved.grades if g.score != g.max_score))
            assert blank.score == 0, (
                f"{path.name}: the untouched release scored {blank.score}: "
                + ", ".join(f"{g.cell.name} {g.score}" for g in blank.grades if g.score))
