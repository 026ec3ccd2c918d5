"""`nst release` and `nst grade`: the instructor's tools (nstlib.instructor), as commands.

Their parsers are always there, so `nst --help` lists them. The tools themselves are
imported only when a command runs, for two reasons: nbformat takes seconds to import
(its JSON-schema validator), which `nst --help` and `nst stylize` should not wait for; and
they need the `instructor` extra, whose absence gets one line saying what to install.
"""

import sys

from ..errors import NSTError


def _instructor(module):
    """nstlib.instructor.<module>, or NSTError naming the extra when its packages are missing."""
    import importlib

    try:
        return importlib.import_module(f"nstlib.instructor.{module}")
    except ImportError as e:
        raise NSTError(f"The instructor's tools need {e.name or 'more packages'}: "
                       "pip install 'nstlib[instructor]'.") from None


def register(sub):
    p = sub.add_parser(
        "release",
        help="write the student version of the notebooks (solutions and hidden tests removed)",
        description="Write the student version of each notebook: every ### BEGIN/END SOLUTION region "
        "becomes a '# YOUR CODE HERE / raise NotImplementedError()' stub, hidden tests and "
        "outputs are removed. With --student: the course's own student/ edition, made from "
        "notebooks/ (see nstlib/instructor/edition.py).",
    )
    p.add_argument("notebooks", nargs="*", metavar="NOTEBOOKS",
                   help="source notebooks (default: notebooks/[0-9]*.ipynb of the course repository)")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("-o", "--output", metavar="OUT_DIR", help="folder to write to")
    p.add_argument("--overwrite", action="store_true", help="replace notebooks already in OUT_DIR")
    where.add_argument("--student", action="store_true",
                       help="instead, bring the repository's editions up to date: the setup cell, Colab "
                            "badge and metadata of every notebook in notebooks/ (from pyproject.toml's "
                            "address and nstlib's version), student/ and the README's Colab links")
    p.add_argument("--check", action="store_true",
                   help="with --student: write nothing; list what is out of date and exit 1 if anything is")
    p.set_defaults(func=run_release)

    p = sub.add_parser(
        "grade",
        help="run students' notebooks against the source check cells and print their points",
        description="Grade each submitted notebook against the source notebook of the same file name: "
        "check cells are restored from the source (hidden tests included), the notebook runs in "
        "a fresh kernel, and each check cell that raises nothing earns its points.",
    )
    p.add_argument("submissions", nargs="+", metavar="SUBMISSIONS", help="students' notebooks")
    p.add_argument("--source", default="notebooks", metavar="DIR",
                   help="folder of the source notebooks (default: notebooks)")
    p.add_argument("--timeout", type=float, default=600, metavar="SECONDS",
                   help="time limit for a whole notebook (default: 600)")
    p.add_argument("--cell-timeout", type=float, default=None, metavar="SECONDS",
                   help="time limit for each cell (default: none but --timeout)")
    p.add_argument("--full", action="store_true",
                   help="run the notebooks at the students' sizes (default: quick mode, NSTLIB_QUICK=1: "
                        "small images and few steps, which the checks don't depend on, so that a notebook "
                        "is graded in minutes)")
    p.add_argument("--json", action="store_true", help="print the reports as JSON")
    p.set_defaults(func=run_grade)


def run_release(args):
    """`nst release`: release the notebooks, one line per file (--student: the repository's editions)."""
    if args.student or args.check:
        return run_editions(args)
    for target in _instructor("release").release(args.notebooks, args.output, overwrite=args.overwrite):
        print(f"released {target}")
    return 0


def run_editions(args):
    """`nst release --student [--check]`: update (or check) the setup cells, notebooks/ and student/."""
    if not args.student:
        raise NSTError("--check goes with --student: nst release --student --check")
    if args.notebooks or args.overwrite:
        raise NSTError("--student works on the repository's notebooks/, student/ and README.md: "
                       "give it no NOTEBOOKS and no --overwrite.")
    edition = _instructor("edition")
    root = edition.repository_root()
    changed = edition.update(root, check=args.check)
    for path in changed:
        print(f"{'out of date' if args.check else 'updated'}: {path.relative_to(root)}")
    if args.check and changed:
        print("nst release --student --check: the editions are out of date; run nst release --student",
              file=sys.stderr)
        return 1
    if not changed:
        print("the editions are up to date")
    return 0


def run_grade(args):
    """`nst grade`: grade the submissions, a progress line each on stderr, the table (or JSON)."""
    grade = _instructor("grade")
    count, done = len(args.submissions), 0

    def show(report):
        nonlocal done
        done += 1
        print(f"[{done}/{count}] {report.file}: {grade.num(report.total)}/{grade.num(report.max)}",
              file=sys.stderr, flush=True)

    reports = grade.grade(args.submissions, source_dir=args.source, timeout=args.timeout,
                          cell_timeout=args.cell_timeout, progress=show, quick=not args.full)
    print(grade.to_json(reports) if args.json else grade.format_table(reports))
    return 0
