"""The grading worker: runs one notebook in a fresh kernel and reports its progress.

Started by :mod:`nstlib.instructor.grade_execute`, one process per submission::

    python -m nstlib.instructor.grade_worker NOTEBOOK PROGRESS KERNEL_NAME CWD CELL_TIMEOUT

It executes NOTEBOOK with nbclient (errors allowed, so that every cell runs) in a new
KERNEL_NAME kernel working in CWD; CELL_TIMEOUT is the seconds allowed to each cell
(0: no limit). It appends its progress to the file PROGRESS, one JSON object a line,
flushed at once, so that the parent knows which cells finished even if it has to kill
everything:

- ``{"event": "ready", "kernel_pid": ..., "kernel_pgid": ...}``: the kernel is up
  (the parent kills that process group at its deadline);
- ``{"event": "start", "index": i}``: cell i starts;
- ``{"event": "done", "index": i, "error": None or "Name: first line"}``: cell i ended;
- ``{"event": "error", "error": "..."}``: the execution itself failed (e.g. the kernel died);
- ``{"event": "end"}``: the worker is done and its kernel shut down.

It imports nbformat and nbclient only (``nstlib``'s own ``__init__`` imports nothing
heavy), never TensorFlow: the student's notebook does that in its kernel.
"""

import json
import sys

import nbformat
from nbclient import NotebookClient


def one_line(ename, evalue):
    """'ename: first line of evalue', or ename alone."""
    lines = str(evalue or "").strip().splitlines()
    return f"{ename}: {lines[0]}" if lines else str(ename)


def cell_error(cell, execute_reply):
    """The one-line error of an executed cell, from its reply or its outputs; None if it ran fine."""
    content = (execute_reply or {}).get("content", {})
    error = None
    if content.get("status") == "error":
        error = one_line(content.get("ename", "Error"), content.get("evalue"))
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error" and error is None:
            error = one_line(output.get("ename", "Error"), output.get("evalue"))
    return error


def make_client(nb, kernel_name, cwd, cell_timeout, emit):
    """A NotebookClient for `nb` whose hooks report each step with emit(**event)."""
    client = NotebookClient(
        nb,
        kernel_name=kernel_name,
        allow_errors=True,
        timeout=cell_timeout,
        interrupt_on_timeout=True,
        error_on_timeout={
            "ename": "CellTimeoutError",
            "evalue": f"the cell ran longer than {cell_timeout:g} s" if cell_timeout else "",
            "traceback": [],
        },
        shutdown_kernel="immediate",
        resources={"metadata": {"path": cwd}},
    )

    def on_notebook_start(notebook):
        provisioner = getattr(client.km, "provisioner", None)
        emit(event="ready", kernel_pid=getattr(provisioner, "pid", None),
             kernel_pgid=getattr(provisioner, "pgid", None))

    client.on_notebook_start = on_notebook_start
    client.on_cell_execute = lambda cell, cell_index: emit(event="start", index=cell_index)
    client.on_cell_executed = lambda cell, cell_index, execute_reply: emit(
        event="done", index=cell_index, error=cell_error(cell, execute_reply))
    return client


def main(argv=None):
    """Run the notebook of argv (default: sys.argv[1:]) and report; return the exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    nb_path, progress_path, kernel_name, cwd, cell_timeout = args[:5]
    cell_timeout = float(cell_timeout) or None
    with open(progress_path, "a", buffering=1) as progress:

        def emit(**event):
            progress.write(json.dumps(event) + "\n")
            progress.flush()

        nb = nbformat.read(nb_path, as_version=4)
        client = make_client(nb, kernel_name, cwd, cell_timeout, emit)
        try:
            client.execute()
        except BaseException as exc:
            emit(event="error", error=f"{type(exc).__name__}: {exc}".strip().splitlines()[0])
        emit(event="end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
