"""How long each notebook computes: execute them and print a table (issue 23).

    python benchmarks/notebooks.py                      # every notebook, at the students' sizes
    python benchmarks/notebooks.py 01 05 --save out/    # some, keeping the executed copies
    NSTLIB_QUICK=1 python benchmarks/notebooks.py       # quick mode, as CI runs them

Each notebook runs top to bottom in a fresh kernel (nbclient), in notebooks/ as a student's
would, the solutions in (the instructor's edition), one after the other, so that notebook
05 paints with the functions 03 and 04 kept (in a my_functions.py of this run's own). The
table gives each notebook's seconds (the sum of its cells' computing times), the same in
probe steps (the seconds divided by one Adam step at 256 px, measured first in this run:
what nstlib.timing.NOTEBOOK_STEPS records, from which each notebook's top states its
time on the reader's machine), that estimate against the measured time, and its five
slowest cells; the first line says which machine, precision included.
"""

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from nstlib.timing import NOTEBOOK_STEPS, Probe, notebook_steps

sys.path.insert(0, str(Path(__file__).resolve().parent))
REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"


def seconds(cell):
    """A cell's computing time from nbclient's timestamps (0 for a cell that did not run)."""
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = datetime.datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def run(path, save=None, timeout=3600):
    """(seconds, [(seconds, cell index, first line)] slowest first, error or '') for one notebook."""
    nb = nbformat.read(path, as_version=4)
    error = ""
    start = time.perf_counter()
    try:
        NotebookClient(nb, kernel_name="python3", timeout=timeout, record_timing=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except Exception as e:  # the table says which notebook failed, and goes on
        error = f"{type(e).__name__}: {str(e).strip().splitlines()[-1][:120]}"
    wall = time.perf_counter() - start
    cells = sorted(((seconds(c), i, (c.source.strip().splitlines() or [""])[0][:60])
                    for i, c in enumerate(nb.cells) if c.cell_type == "code"), reverse=True)
    if save:
        Path(save).mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, Path(save) / path.name)
    return wall, sum(s for s, _, _ in cells), cells[:5], error


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="numbers or names (default: all)")
    parser.add_argument("--save", metavar="DIR", help="keep the executed notebooks here, to look at")
    args = parser.parse_args(argv)
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if args.notebooks:
        paths = [p for p in paths if any(p.name.startswith(n) or p.stem == n for n in args.notebooks)]
        if not paths:
            parser.error(f"no notebook matches {' '.join(args.notebooks)}")
    from machine import describe

    os.environ.setdefault("NSTLIB_MY_FUNCTIONS", str(Path(tempfile.mkdtemp()) / "my_functions.py"))
    mode = "quick mode (NSTLIB_QUICK=1)" if os.environ.get("NSTLIB_QUICK") == "1" else "full mode"
    print(describe())
    step = Probe(256).step  # the unit of nstlib.timing.NOTEBOOK_STEPS, measured in this run
    print(f"{mode}; each notebook in a fresh kernel, one after the other; a probe step "
          f"(Adam, 256 px) takes {step:.3f} s here\n")
    print("| notebook | seconds | minutes | probe steps | estimate | five slowest cells (seconds: first line) |\n"
          "|---|---|---|---|---|---|")
    total = 0.0
    for path in paths:
        wall, computed, slowest, error = run(path, args.save)
        total += computed
        number = path.name[:2]
        estimate = notebook_steps(number) * step if number in NOTEBOOK_STEPS else 0
        estimate = f"{estimate:.0f} s ({estimate / computed - 1:+.0%})" if estimate and computed else "-"
        cells = "; ".join(f"{s:.0f} s: cell {i} `{line}`" for s, i, line in slowest if s >= 0.5)
        print(f"| {path.stem} | {computed:.0f} | {computed / 60:.1f} | {computed / step:.0f} | {estimate} | "
              f"{cells}{' — FAILED: ' + error if error else ''} |", flush=True)
    print(f"| all | {total:.0f} | {total / 60:.1f} | | | |")


if __name__ == "__main__":
    main()
