"""The instructor's tools: ``nst release`` and ``nst grade``.

    release.py        the student version of the course notebooks: solutions become
                      ``# YOUR CODE HERE`` stubs, hidden tests and outputs go
    grade.py          grading submissions against the source notebooks' check cells:
                      the notebook to run, the points, the reports (table or JSON)
    grade_execute.py  running that notebook in a worker process within a time limit,
                      and killing what is left at the deadline
    grade_worker.py   the worker itself (``python -m nstlib.instructor.grade_worker``):
                      runs one notebook in a fresh kernel, reports JSON-lines progress

release.py and grade.py each have a ``register(subparsers)`` that adds their ``nst``
subcommand. None of these modules imports TensorFlow.
"""
