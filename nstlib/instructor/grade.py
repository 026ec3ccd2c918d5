"""Autograde students' notebooks against the source notebooks (``nst grade``).

Instructor workflow:
1. Edit the source notebooks in ``notebooks/``: they hold the solutions and hidden tests.
2. ``nst release -o release/`` writes the student versions (:mod:`nstlib.instructor.release`).
3. Hand out ``release/*.ipynb``; students fill in the ``# YOUR CODE HERE`` stubs.
4. Collect the submissions, e.g. ``submitted/<student>/03_content_cost.ipynb``.
5. ``nst grade submitted/*/*.ipynb`` prints each exercise's points (``--json`` for a gradebook).

How a submission is graded:

- Its source notebook is the file of the same name in ``source_dir``.
- The notebook that runs is the submission's code cells in the student's order, except
  that each cell locked in the source (the check cells, matched by nbgrader ``grade_id``)
  is replaced by the source's version: that puts the hidden tests back and undoes any
  edit. A check cell the student deleted is not put back: that exercise scores 0
  ("check cell missing"). A duplicated check cell is scored at its last occurrence.
- It runs in a fresh kernel, in its own worker process (:mod:`.grade_execute` starts
  :mod:`.grade_worker`), with the source notebook's folder as working directory and
  errors allowed, so that one failing exercise does not stop the others. ``timeout``
  bounds the whole notebook: at the deadline the kernel is killed and every check not
  yet finished scores 0 ("timeout").
- A check cell passes iff it ran and raised nothing (no error output, an "ok" reply).

A bad submission (not JSON, not a notebook, a kernel that dies) is reported with 0,
never raised. Grading runs the students' code with the grader's rights: it undoes
accidents and edited check cells, but is no sandbox against deliberately hostile code.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from nstlib.errors import NSTError
from nstlib.instructor.grade_execute import MAX_ERROR_CHARS, execute, kernel_name

PASSED = "passed"
FAILED = "failed"
NOT_RUN = "not run"
MISSING = "check cell missing"
TIMEOUT = "timeout"
BY_HAND = "to grade by hand"  # a written answer (nbgrader's manually graded answer cell)


@dataclass
class ExerciseResult:
    """One graded (check) cell of a submission."""

    grade_id: str
    points: float  # points possible, from the source check cell's metadata
    earned: float
    status: str  # passed, failed, not run, check cell missing, timeout
    error: str = ""  # one line: why it did not pass


@dataclass
class Report:
    """The grade of one submission."""

    file: str
    source: str | None  # the source notebook it was graded against
    exercises: list[ExerciseResult] = field(default_factory=list)
    total: float = 0.0
    max: float = 0.0
    error: str = ""  # a problem with the submission as a whole (unreadable, kernel died, ...)
    by_hand: list[ExerciseResult] = field(default_factory=list)  # written answers: for the instructor


# --------------------------------------------------------------------------- notebooks


def _nbgrader(cell) -> dict:
    metadata = cell.get("metadata") or {}
    nbgrader = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return nbgrader if isinstance(nbgrader, dict) else {}


def _source_text(cell) -> str:
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def _graded_cells(source_nb) -> list[tuple[str, float]]:
    """(grade_id, points) of the source's automatically graded cells (code), in order."""
    graded = []
    for cell in source_nb.cells:
        info = _nbgrader(cell)
        if info.get("grade") and info.get("grade_id") and cell.get("cell_type") == "code":
            graded.append((info["grade_id"], float(info.get("points") or 0)))
    return graded


def _written_cells(source_nb) -> list[tuple[str, float]]:
    """(grade_id, points) of the source's answers graded by hand (markdown answer cells)."""
    return [(info["grade_id"], float(info.get("points") or 0)) for cell in source_nb.cells
            for info in [_nbgrader(cell)]
            if info.get("grade") and info.get("grade_id") and cell.get("cell_type") == "markdown"]


def _restorable_cells(source_nb) -> dict:
    """grade_id -> source cell, for the cells a student must not change (locked or graded
    and not a solution)."""
    restorable = {}
    for cell in source_nb.cells:
        info = _nbgrader(cell)
        if info.get("grade_id") and not info.get("solution") and (info.get("locked") or info.get("grade")):
            restorable[info["grade_id"]] = cell
    return restorable


def build_run_notebook(submission_nb, source_nb) -> tuple[nbformat.NotebookNode, dict[str, list[int]]]:
    """The notebook to execute for `submission_nb`, and where each grade_id sits in it.

    It holds the submission's code cells in order, each locked source cell (matched by
    grade_id) replaced by the source's version. Markdown and raw cells are left out: they
    don't run. Returns (notebook, {grade_id: [cell indices]}).
    """
    restorable = _restorable_cells(source_nb)
    run_nb = nbformat.v4.new_notebook(metadata=_copy_json(source_nb.get("metadata", {})))
    positions: dict[str, list[int]] = {}
    for cell in submission_nb.get("cells") or []:
        if not isinstance(cell, dict):
            continue
        grade_id = _nbgrader(cell).get("grade_id")
        grade_id = grade_id if isinstance(grade_id, str) else None
        if grade_id in restorable:
            original = restorable[grade_id]
            if original.cell_type != "code":
                continue
            new = nbformat.v4.new_code_cell(_source_text(original), metadata=_copy_json(original.metadata))
        elif cell.get("cell_type") == "code":
            new = nbformat.v4.new_code_cell(_source_text(cell))
        else:
            continue
        if grade_id:
            positions.setdefault(grade_id, []).append(len(run_nb.cells))
        run_nb.cells.append(new)
    return run_nb, positions


def _copy_json(value):
    """A deep copy of a JSON-like value (NotebookNode included)."""
    return json.loads(json.dumps(value))


# --------------------------------------------------------------------------- grading


def _fail_all(report: Report, graded, status: str, error: str) -> Report:
    report.exercises = [ExerciseResult(gid, pts, 0.0, status) for gid, pts in graded]
    report.max = sum(pts for _, pts in graded)
    report.error = error
    return report


def grade_one(path, source_nb, source_path: Path, timeout: float = 600,
              cell_timeout: float | None = None, quick: bool = True) -> Report:
    """Grade one submission against its already loaded source notebook."""
    graded = _graded_cells(source_nb)
    report = Report(file=str(path), source=str(source_path))
    try:
        with warnings.catch_warnings():  # a student's odd but readable notebook is fine
            warnings.simplefilter("ignore")
            submission = nbformat.read(path, as_version=4)
        run_nb, positions = build_run_notebook(submission, source_nb)
    except Exception as exc:  # anything a broken file can make nbformat raise
        message = f"not a readable notebook ({type(exc).__name__}: {exc})".splitlines()[0]
        return _fail_all(report, graded, NOT_RUN, message[:MAX_ERROR_CHARS])
    try:
        env = {"NSTLIB_QUICK": "1"} if quick else {}
        result = execute(run_nb, kernel_name(source_nb), source_path.parent.resolve(), timeout, cell_timeout, env)
    except Exception as exc:  # e.g. no disk space for the temporary files
        return _fail_all(report, graded, NOT_RUN, f"could not run: {type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS])
    for grade_id, points in graded:
        where = positions.get(grade_id)
        if not where:
            status, error = MISSING, "the check cell was deleted from the submission"
        elif where[-1] in result.done:
            error = result.done[where[-1]]
            status = FAILED if error else PASSED
            error = error or ""
        elif result.timed_out:
            status, error = TIMEOUT, f"the notebook did not reach the end of this check within {timeout:g} s"
        else:
            status, error = NOT_RUN, result.error or "this cell was not executed"
        report.exercises.append(ExerciseResult(grade_id, points, points if status == PASSED else 0.0, status, error))
    report.total = sum(e.earned for e in report.exercises)
    report.max = sum(e.points for e in report.exercises)
    report.by_hand = [ExerciseResult(gid, pts, 0.0, BY_HAND) for gid, pts in _written_cells(source_nb)]
    if result.timed_out:
        report.error = f"time limit of {timeout:g} s reached; the kernel was stopped"
    elif result.error:
        report.error = result.error
    return report


def grade(submissions: Iterable, source_dir="notebooks", timeout: float = 600,
          cell_timeout: float | None = None,
          progress: Callable[[Report], None] | None = None, quick: bool = True) -> list[Report]:
    """Grade each submission; return one :class:`Report` per submission, in order.

    submissions: paths of students' notebooks; each is graded against the notebook of
    the same file name in `source_dir`. timeout: seconds allowed to the whole notebook
    once its kernel is up. cell_timeout: seconds allowed to each cell (None: no limit
    but `timeout`); a cell over it is interrupted and fails, the next cells still run.
    progress: called with each report as soon as it is ready. quick: run the notebooks in
    quick mode (NSTLIB_QUICK=1: small images, few steps), so that a notebook whose
    pictures take many minutes at the students' sizes is graded within `timeout`; the
    checks and hidden tests don't depend on the sizes. The written answers are listed in
    each report's ``by_hand``, for the instructor, and not counted in its total.

    Raises NSTError only for the instructor's mistakes (`source_dir` is not a folder);
    every problem with a submission goes in its report.
    """
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        raise NSTError(f"{source_dir}: no such folder of source notebooks; pass --source DIR")
    if timeout <= 0:
        raise NSTError(f"timeout must be a positive number of seconds, not {timeout}")
    sources: dict[str, object] = {}
    reports = []
    for path in submissions:
        path = Path(path)
        source_path = source_dir / path.name
        if path.name not in sources:
            try:
                sources[path.name] = nbformat.read(source_path, as_version=4) if source_path.is_file() else None
            except Exception as exc:
                sources[path.name] = exc
        source_nb = sources[path.name]
        if source_nb is None:
            report = Report(file=str(path), source=None,
                            error=f"no source notebook named {path.name} in {source_dir}")
        elif isinstance(source_nb, Exception):
            report = Report(file=str(path), source=str(source_path),
                            error=f"the source notebook {source_path} is unreadable: {source_nb}"[:MAX_ERROR_CHARS])
        elif not path.is_file():
            report = _fail_all(Report(file=str(path), source=str(source_path)), _graded_cells(source_nb),
                               NOT_RUN, "no such file")
        else:
            report = grade_one(path, source_nb, source_path, timeout, cell_timeout, quick)
        reports.append(report)
        if progress is not None:
            progress(report)
    return reports


# --------------------------------------------------------------------------- output


def num(x: float) -> str:
    """A score as it is shown: 2, 0.5."""
    return f"{x:g}"


def format_report(report: Report) -> str:
    """One line per exercise and a total line for one report."""
    lines = [report.file]
    width = max([len(e.grade_id) for e in report.exercises] + [5])
    for e in report.exercises:
        score = f"{num(e.earned)}/{num(e.points)}"
        detail = f"{e.status}: {e.error}" if e.error and e.status != PASSED else e.status
        lines.append(f"  {e.grade_id:<{width}}  {score:>7}  {detail}")
    if report.error:
        lines.append(f"  {'error':<{width}}  {'':>7}  {report.error}")
    lines.append(f"  {'total':<{width}}  {num(report.total) + '/' + num(report.max):>7}")
    for e in report.by_hand:
        lines.append(f"  {e.grade_id:<{width}}  {'?/' + num(e.points):>7}  {BY_HAND} (not in the total)")
    return "\n".join(lines)


def format_table(reports: list[Report]) -> str:
    """The reports as readable text: per notebook, one line per exercise and a total."""
    return "\n\n".join(format_report(r) for r in reports)


def to_json(reports: list[Report]) -> str:
    """The reports as a JSON list of objects (file, source, exercises, total, max, error, by_hand)."""
    return json.dumps([asdict(r) for r in reports], indent=2)
