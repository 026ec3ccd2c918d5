"""nstlib.instructor.grade: autograding synthetic notebooks (plain Python, no TensorFlow).

Kernel start-ups are the cost, so one grading run (module fixture) covers most cases:
the solution, the student release, a wrong answer, tampered check cells, an infinite
loop, a dying kernel and files that are not notebooks, all graded in one call.
"""

import argparse
import copy
import json
import time

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nstlib.cli import instructor as cli_instructor
from nstlib.errors import NSTError
from nstlib.instructor import grade as gr
from nstlib.instructor.release import release_notebook

TIMEOUT = 10  # seconds for a whole notebook: plenty for these, short for the infinite loop

SOLUTIONS = {
    "ex_add": 'def add(a, b):\n    """Return a + b."""\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION',
    "ex_word": "def word():\n    ### BEGIN SOLUTION\n    return DATA\n    ### END SOLUTION",
    "ex_mul": "def mul(a, b):\n    ### BEGIN SOLUTION\n    return a * b\n    ### END SOLUTION",
}
CHECKS = {
    "check_add": ("assert add(1, 2) == 3\n### BEGIN HIDDEN TESTS\nassert add(-1, 1) == 0\n### END HIDDEN TESTS", 2),
    "check_word": ("assert word() == 'hello', word()", 1),
    "check_mul": ("assert mul(2, 3) == 6", 3),
}
MAX = 6


def solution_cell(grade_id):
    return new_code_cell(SOLUTIONS[grade_id], metadata={"nbgrader": {
        "solution": True, "grade": False, "locked": False, "grade_id": grade_id, "schema_version": 3}})


def check_cell(grade_id):
    source, points = CHECKS[grade_id]
    return new_code_cell(source, metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": grade_id, "points": points,
        "schema_version": 3}})


def source_notebook():
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                               "language": "python"}})
    nb.cells = [
        new_markdown_cell("# Three small exercises"),
        new_code_cell('DATA = open("data.txt").read().strip()  # relative to the source folder'),
        solution_cell("ex_add"), check_cell("check_add"),
        solution_cell("ex_word"), check_cell("check_word"),
        solution_cell("ex_mul"), check_cell("check_mul"),
        new_markdown_cell("**Written answer (2 points, graded by hand).** Why?"),
        new_markdown_cell("**Model answer.** Because.", metadata={"nbgrader": {
            "grade": True, "solution": True, "locked": False, "points": 2, "grade_id": "written_why",
            "schema_version": 3, "task": False}}),
    ]
    return nb


def cell_index(nb, grade_id):
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def student(answers=None, edit=None):
    """A student's notebook: the release, with `answers` (grade_id -> code) filled in
    (default: the solutions) and then `edit(nb)` applied."""
    nb = release_notebook(source_notebook())
    for grade_id in SOLUTIONS:
        nb.cells[cell_index(nb, grade_id)].source = (answers or {}).get(grade_id, SOLUTIONS[grade_id])
    if edit:
        edit(nb)
    return nb


def tamper(nb):
    nb.cells[cell_index(nb, "check_add")].source = "pass"  # disarmed check
    del nb.cells[cell_index(nb, "check_word")]  # deleted check
    check_mul = nb.cells[cell_index(nb, "check_mul")]
    duplicate = copy.deepcopy(check_mul)
    duplicate.id = "pasted-copy"  # as Jupyter does on copy and paste
    nb.cells.insert(2, duplicate)  # duplicated, above its exercise: fails there
    check_mul.metadata["nbgrader"]["points"] = 100  # and edited metadata: restored too


SUBMISSIONS = {
    "solution": lambda: source_notebook(),
    "release": lambda: release_notebook(source_notebook()),
    "wrong": lambda: student({"ex_mul": "def mul(a, b):\n    return a + b"}),
    # Passes the visible check (add(1, 2) == 3), fails the hidden one; the check is disarmed.
    "tampered": lambda: student({"ex_add": "def add(a, b):\n    return abs(a) + b"}, edit=tamper),
    "loop": lambda: student({"ex_word": "while True:\n    pass"}),
    "dies": lambda: student({"ex_word": "import os\nos._exit(1)"}),
}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    (root / "source").mkdir()
    nbformat.write(source_notebook(), root / "source" / "01_add.ipynb")
    (root / "source" / "data.txt").write_text("hello\n")
    paths = {}
    for name, make in SUBMISSIONS.items():
        (root / name).mkdir()
        paths[name] = root / name / "01_add.ipynb"
        nbformat.write(make(), paths[name])
    for name, text in {"garbage": "this is not JSON", "notanotebook": '{"foo": 1}'}.items():
        (root / name).mkdir()
        paths[name] = root / name / "01_add.ipynb"
        paths[name].write_text(text)
    (root / "nosource").mkdir()
    paths["nosource"] = root / "nosource" / "02_other.ipynb"
    nbformat.write(source_notebook(), paths["nosource"])
    return root, paths


@pytest.fixture(scope="module")
def graded(course):
    root, paths = course
    start = time.monotonic()
    reports = gr.grade(list(paths.values()), source_dir=root / "source", timeout=TIMEOUT)
    elapsed = time.monotonic() - start
    return dict(zip(paths, reports)), elapsed


def statuses(report):
    return {e.grade_id: (e.status, e.earned) for e in report.exercises}


def test_solution_gets_full_marks(graded):
    report = graded[0]["solution"]
    assert (report.total, report.max, report.error) == (MAX, MAX, "")
    assert statuses(report) == {"check_add": ("passed", 2), "check_word": ("passed", 1),
                                "check_mul": ("passed", 3)}


def test_student_release_gets_zero(graded):
    report = graded[0]["release"]
    assert (report.total, report.max) == (0, MAX)
    assert all(e.status == "failed" and e.error.startswith("NotImplementedError") for e in report.exercises)


def test_one_wrong_answer_loses_exactly_its_points(graded):
    report = graded[0]["wrong"]
    assert report.total == MAX - 3
    assert statuses(report)["check_mul"] == ("failed", 0)
    assert report.exercises[2].error == "AssertionError"


def test_tampered_check_cells_are_restored_and_deleted_ones_score_zero(graded):
    report = graded[0]["tampered"]
    assert statuses(report) == {
        "check_add": ("failed", 0),  # `pass` replaced by the source check with its hidden test
        "check_word": ("check cell missing", 0),
        "check_mul": ("passed", 3),  # scored at its last occurrence, with the source's points
    }
    assert report.max == MAX


def test_infinite_loop_times_out_and_keeps_what_ran_before(graded):
    report = graded[0]["loop"]
    assert statuses(report) == {"check_add": ("passed", 2), "check_word": ("timeout", 0),
                                "check_mul": ("timeout", 0)}
    assert "time limit" in report.error


def test_dead_kernel_is_reported(graded):
    report = graded[0]["dies"]
    assert statuses(report) == {"check_add": ("passed", 2), "check_word": ("not run", 0),
                                "check_mul": ("not run", 0)}
    assert "died" in report.error.lower()


@pytest.mark.parametrize("name", ["garbage", "notanotebook"])
def test_non_notebook_gets_zero(graded, name):
    report = graded[0][name]
    assert (report.total, report.max) == (0, MAX)
    assert "not a readable notebook" in report.error
    assert {e.status for e in report.exercises} == {"not run"}


def test_missing_source_is_an_entry_not_a_crash(graded):
    report = graded[0]["nosource"]
    assert report.source is None and report.total == 0 and "no source notebook" in report.error


def test_the_time_limit_bounds_the_whole_run(graded):
    # 6 kernels plus one 10 s time-out; a loop that was not stopped would hang here.
    assert graded[1] < 6 * 20 + TIMEOUT


def test_table_and_json(graded):
    reports = list(graded[0].values())
    table = gr.format_table(reports)
    assert "check_mul" in table and "timeout" in table and "total" in table
    block = table.split("\n\n")[list(graded[0]).index("wrong")]
    assert block.splitlines()[-2].split() == ["total", "3/6"]
    assert "to grade by hand" in block.splitlines()[-1]
    assert "failed: AssertionError" in block
    data = json.loads(gr.to_json(reports))
    assert data[0]["total"] == MAX and data[0]["exercises"][0]["grade_id"] == "check_add"
    assert set(data[0]) == {"file", "source", "exercises", "total", "max", "error", "by_hand"}


def test_run_notebook_restores_locked_cells(course):
    root, paths = course
    source = nbformat.read(root / "source" / "01_add.ipynb", as_version=4)
    submission = nbformat.read(paths["tampered"], as_version=4)
    run_nb, positions = gr.build_run_notebook(submission, source)
    assert "check_word" not in positions
    assert len(positions["check_mul"]) == 2
    restored = run_nb.cells[positions["check_add"][0]]
    assert restored.source == CHECKS["check_add"][0]
    assert restored.metadata["nbgrader"]["points"] == 2
    assert all(c.cell_type == "code" for c in run_nb.cells)


def test_cell_timeout_fails_one_cell_and_the_rest_still_run(course):
    root, _ = course
    path = root / "slow" / "01_add.ipynb"
    path.parent.mkdir()
    nbformat.write(student({"ex_word": "import time\ntime.sleep(60)"}), path)
    [report] = gr.grade([path], source_dir=root / "source", timeout=60, cell_timeout=2)
    assert statuses(report) == {"check_add": ("passed", 2), "check_word": ("failed", 0),
                                "check_mul": ("passed", 3)}


def test_cli_grade_json(course, capsys):
    root, paths = course
    parser = argparse.ArgumentParser(prog="nst")
    cli_instructor.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["grade", str(paths["garbage"]), str(paths["nosource"]),
                              "--source", str(root / "source"), "--timeout", "5", "--json"])
    assert args.func(args) == 0
    out = capsys.readouterr()
    data = json.loads(out.out)
    assert [d["total"] for d in data] == [0, 0] and data[0]["max"] == MAX
    assert "[2/2]" in out.err
    with pytest.raises(NSTError, match="no such folder"):
        gr.grade([paths["garbage"]], source_dir=root / "nowhere")


def test_the_worker_is_a_module_that_imports_no_tensorflow():
    import subprocess
    import sys

    code = ("import sys, nstlib.instructor.grade_worker as w; "
            "assert callable(w.main) and 'tensorflow' not in sys.modules and 'keras' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_written_answers_are_listed_to_grade_by_hand_not_in_the_total(graded):
    reports, _ = graded
    report = reports["solution"]
    assert [(e.grade_id, e.points, e.status) for e in report.by_hand] == [("written_why", 2.0, gr.BY_HAND)]
    assert report.max == MAX and "written_why" not in statuses(report)
    assert "written_why      ?/2  to grade by hand (not in the total)" in gr.format_report(report)


def test_grading_runs_the_notebooks_in_quick_mode_unless_full(tmp_path, monkeypatch):
    # the students' sizes take many minutes a notebook; the checks don't depend on them
    monkeypatch.delenv("NSTLIB_QUICK", raising=False)
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                               "language": "python"}})
    nb.cells = [new_code_cell("import os\nassert os.environ.get('NSTLIB_QUICK') == '1'", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": "check_quick", "points": 1,
        "schema_version": 3}})]
    (tmp_path / "source").mkdir()
    nbformat.write(nb, tmp_path / "source" / "q.ipynb")
    nbformat.write(nb, tmp_path / "q.ipynb")
    quick, = gr.grade([tmp_path / "q.ipynb"], source_dir=tmp_path / "source", timeout=TIMEOUT)
    full, = gr.grade([tmp_path / "q.ipynb"], source_dir=tmp_path / "source", timeout=TIMEOUT, quick=False)
    assert (quick.total, full.total) == (1.0, 0.0)
