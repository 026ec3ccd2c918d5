"""Make the student version of the course notebooks (``nst release``).

Instructor workflow:
1. Edit the source notebooks in ``notebooks/``: they hold the solutions and hidden tests.
2. ``nst release -o release/`` writes the student versions (solutions and hidden tests removed).
3. Hand out ``release/*.ipynb``; students fill in the ``# YOUR CODE HERE`` stubs.
4. Collect the submissions, e.g. ``submitted/<student>/03_content_cost.ipynb``.
5. ``nst grade submitted/*/*.ipynb`` runs them against the source check cells (:mod:`nstlib.instructor.grade`).

The markers are nbgrader's, matched as whole lines once stripped of spaces:

- ``### BEGIN SOLUTION`` ... ``### END SOLUTION``: the region (markers included) becomes
  ``# YOUR CODE HERE`` and ``raise NotImplementedError()`` at the BEGIN line's indentation
  (``YOUR ANSWER HERE`` in a markdown cell). Lines outside the region (the ``def`` line,
  the docstring) stay. A cell whose metadata says ``nbgrader.solution`` but has no marker
  is replaced whole, as nbgrader does, so that no solution can leak by a forgotten marker.
- ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``: removed, markers included.

Outputs and execution counts are cleared; everything else (cell ids, metadata, markdown,
notebook metadata) is kept as it is.
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from nstlib.errors import NSTError

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
MARKERS = (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN)

CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
MARKDOWN_STUB = ("YOUR ANSWER HERE",)

# The course's own notebooks, used when `release` is given no paths.
NOTEBOOK_GLOB = "[0-9]*.ipynb"


def default_notebooks() -> list[Path]:
    """The course notebooks ``notebooks/[0-9]*.ipynb`` of the repository, sorted.

    The repository is the one this package lives in (an editable install or a checkout);
    if it has no ``notebooks/`` folder, ``./notebooks`` of the working directory is used.
    """
    repo_notebooks = Path(__file__).resolve().parents[2] / "notebooks"  # nstlib/instructor/release.py
    folder = repo_notebooks if repo_notebooks.is_dir() else Path.cwd() / "notebooks"
    return sorted(folder.glob(NOTEBOOK_GLOB))


def _where(name: str, index: int, cell) -> str:
    """'01_intro.ipynb, cell 4 (id ..., grade_id ...)' for error messages."""
    parts = []
    if cell.get("id"):
        parts.append(f"id {cell['id']}")
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    if grade_id:
        parts.append(f"grade_id {grade_id}")
    detail = f" ({', '.join(parts)})" if parts else ""
    return f"{name}, cell {index}{detail}"


def _strip_regions(source: str, stub: tuple[str, ...], where: str) -> tuple[str, bool]:
    """Replace solution regions by `stub` and drop hidden-test regions in one cell's source.

    Returns the new source and whether a solution region was found. Raises NSTError on
    a marker out of place (an END without a BEGIN, a BEGIN inside a region, a region
    left open at the end of the cell).
    """
    out: list[str] = []
    region = None  # None, BEGIN_SOLUTION or BEGIN_HIDDEN: the region we are in
    opened_at = 0
    found_solution = False
    lines = source.split("\n")
    for number, line in enumerate(lines, start=1):
        marker = line.strip()
        if marker in (BEGIN_SOLUTION, BEGIN_HIDDEN):
            if region is not None:
                raise NSTError(
                    f"{where}: line {number}: {marker!r} inside the {region!r} region opened "
                    f"at line {opened_at}; close that region first"
                )
            region, opened_at = marker, number
            if marker == BEGIN_SOLUTION:
                found_solution = True
                indent = line[: len(line) - len(line.lstrip())]
                out.extend(indent + stub_line for stub_line in stub)
        elif marker in (END_SOLUTION, END_HIDDEN):
            expected = BEGIN_SOLUTION if marker == END_SOLUTION else BEGIN_HIDDEN
            if region != expected:
                raise NSTError(
                    f"{where}: line {number}: {marker!r} without a matching {expected!r} before it"
                )
            region = None
        elif region is None:
            out.append(line)
    if region is not None:
        closing = END_SOLUTION if region == BEGIN_SOLUTION else END_HIDDEN
        raise NSTError(f"{where}: {region!r} at line {opened_at} is never closed by {closing!r}")
    return "\n".join(out), found_solution


def release_notebook(nb: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """The student version of source notebook `nb` (a copy: `nb` itself is not changed).

    Solution regions become stubs, hidden tests are removed, outputs and execution counts
    are cleared; all else is kept. `name` (e.g. the file name) is used in error messages.
    Raises NSTError, naming the notebook and the cell, on an unbalanced marker or on a
    grade_id used by two cells (the grader matches check cells by grade_id).
    """
    nb = copy.deepcopy(nb)
    seen: dict[str, int] = {}
    for index, cell in enumerate(nb.cells):
        where = _where(name, index, cell)
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = nbgrader.get("grade_id")
        if grade_id:
            if grade_id in seen:
                raise NSTError(
                    f"{where}: grade_id {grade_id!r} is already used by cell {seen[grade_id]}; "
                    "give each nbgrader cell its own grade_id"
                )
            seen[grade_id] = index
        source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        stub = MARKDOWN_STUB if cell.cell_type == "markdown" else CODE_STUB
        new_source, found_solution = _strip_regions(source, stub, where)
        if nbgrader.get("solution") and not found_solution and cell.cell_type != "raw":
            # nbgrader's rule: a solution cell without markers is a solution as a whole.
            new_source = "\n".join(stub)
        if new_source != source:
            cell.source = new_source
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def release(paths, out_dir, overwrite: bool = False) -> list[Path]:
    """Write the student version of each notebook in `paths` to ``out_dir/<file name>``.

    `paths` empty (or None) means the course notebooks (:func:`default_notebooks`).
    Every notebook is read and checked before anything is written, so a bad marker in
    one leaves `out_dir` untouched. Raises NSTError if a notebook can't be read or has
    a bad marker, if a target exists and `overwrite` is False, or if a target is the
    source itself (that would erase the solutions). Returns the paths written.
    """
    paths = [Path(p) for p in paths or ()] or default_notebooks()
    if not paths:
        raise NSTError("no notebooks to release: give their paths, or run from the course repository")
    out_dir = Path(out_dir)
    released = []
    for path in paths:
        if not path.is_file():
            raise NSTError(f"{path}: no such notebook")
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # nbformat raises several unrelated types
            raise NSTError(f"{path}: not a readable notebook ({type(exc).__name__}: {exc})") from exc
        target = out_dir / path.name
        if target.resolve() == path.resolve():
            raise NSTError(f"{target}: is the source notebook itself; choose another output folder")
        if target.exists() and not overwrite:
            raise NSTError(f"{target}: already exists; pass --overwrite to replace it")
        released.append((target, release_notebook(nb, name=str(path))))
    names = [target.name for target, _ in released]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise NSTError(f"two notebooks would be written to the same file: {', '.join(duplicates)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    for target, nb in released:
        nbformat.write(nb, target)
    return [target for target, _ in released]
