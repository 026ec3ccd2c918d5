"""Executing a notebook for ``nst grade``: the worker process, its deadline, its clean-up.

:func:`execute` writes the notebook to a temporary folder and runs
:mod:`nstlib.instructor.grade_worker` on it in a process of its own (a new session),
which starts a fresh kernel and appends JSON-lines progress events (ready, start,
done, error, end) to a file. The parent polls that file: the notebook's clock starts
once the kernel is ready; at the deadline the kernel's process group is killed, then
the worker if it does not end by itself. Whatever happens (Ctrl-C included), nothing
is left running, and the cells that finished are known from the events.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

# Seconds allowed on top of `timeout` for the worker to start Python and the kernel
# (the notebook's clock starts once the kernel is ready), and for it to wind down.
STARTUP_ALLOWANCE = 90.0
SHUTDOWN_GRACE = 15.0
POLL_INTERVAL = 0.2
MAX_ERROR_CHARS = 300

WORKER_MODULE = "nstlib.instructor.grade_worker"


@dataclass
class Run:
    """What the worker reported: finished cells' errors (None = ok), and how it ended."""

    done: dict[int, str | None]
    timed_out: bool
    error: str


def _read_events(path: Path) -> list[dict]:
    events = []
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return events
    for line in text.splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            pass  # a line cut short by a kill
    return events


def _kill_group(pgid) -> None:
    if not pgid:
        return
    try:
        os.killpg(int(pgid), signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def _kill_kernel(events: list[dict]) -> None:
    for event in events:
        if event.get("event") == "ready":
            _kill_group(event.get("kernel_pgid") or event.get("kernel_pid"))


def _wait(worker: subprocess.Popen, progress: Path, timeout: float) -> bool:
    """Wait for the worker, `timeout` seconds from its kernel's start; True if it timed out."""
    timed_out = False
    try:
        deadline = time.monotonic() + STARTUP_ALLOWANCE + timeout
        ready = False
        while worker.poll() is None:
            now = time.monotonic()
            if not ready and any(e.get("event") == "ready" for e in _read_events(progress)):
                ready, deadline = True, now + timeout
            if now > deadline:
                timed_out = True
                _kill_kernel(_read_events(progress))  # the worker then sees a dead kernel and ends
                break
            time.sleep(POLL_INTERVAL)
        try:
            worker.wait(SHUTDOWN_GRACE)
        except subprocess.TimeoutExpired:
            _kill_group(worker.pid)
            worker.wait()
    finally:
        if worker.poll() is None:  # interrupted (e.g. Ctrl-C): leave nothing running
            _kill_group(worker.pid)
            _kill_kernel(_read_events(progress))
            worker.wait()
    return timed_out


def _outcome(events: list[dict], timed_out: bool, returncode, log: Path) -> Run:
    """The Run the worker's events tell of; kills its kernel if the worker did not end cleanly."""
    ended = any(e.get("event") == "end" for e in events)
    if not ended:
        _kill_kernel(events)  # the worker died without shutting its kernel down
    done = {e["index"]: e.get("error") for e in events if e.get("event") == "done"}
    errors = [e.get("error") or "" for e in events if e.get("event") == "error"]
    error = errors[0] if errors else ""
    if not timed_out and not error and not ended:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        error = f"the grading worker crashed (exit code {returncode})" + (f": {tail[-1]}" if tail else "")
    return Run(done=done, timed_out=timed_out, error=error[:MAX_ERROR_CHARS])


def execute(run_nb, kernel_name: str, cwd: Path, timeout: float, cell_timeout: float | None,
            env: dict | None = None) -> Run:
    """Execute `run_nb` in a worker process and a fresh kernel within `timeout` seconds.

    env: variables to set for the kernel (e.g. NSTLIB_QUICK), beside the grader's own.
    """
    with tempfile.TemporaryDirectory(prefix="nst-grade-") as tmp:
        tmp = Path(tmp)
        nb_path, progress, log = tmp / "run.ipynb", tmp / "progress.jsonl", tmp / "worker.log"
        nbformat.write(run_nb, nb_path)
        env = dict(os.environ, **(env or {}), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
                   PYDEVD_DISABLE_FILE_VALIDATION="1")
        command = [sys.executable, "-m", WORKER_MODULE, str(nb_path), str(progress), kernel_name,
                   str(cwd), str(cell_timeout or 0)]
        with open(log, "wb") as log_file:
            worker = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log_file,
                                      stderr=subprocess.STDOUT, env=env, start_new_session=True)
        timed_out = _wait(worker, progress, timeout)
        return _outcome(_read_events(progress), timed_out, worker.returncode, log)


def kernel_name(source_nb) -> str:
    """The source notebook's kernel if it is installed here, else python3."""
    name = (source_nb.get("metadata", {}).get("kernelspec") or {}).get("name")
    if name and name != "python3":
        try:
            from jupyter_client.kernelspec import KernelSpecManager

            if name in KernelSpecManager().find_kernel_specs():
                return name
        except Exception:
            pass
    return "python3"
