"""Where everything a user makes goes: one output/ folder.

In the course's repository that is its top-level ``output/``, whether the command runs
at the top, in ``notebooks/`` or deeper: the nearest folder, from the working folder up,
that holds both ``output/`` and ``notebooks/``. Elsewhere (a pip install, Colab) it is
``./output``. ``NSTLIB_OUTPUT_DIR`` overrides both. Used by the CLI, the notebooks and the
studio; taught nowhere: it's plumbing.
"""

import os
from pathlib import Path

from .images import next_free_path

OUTPUT_ENV = "NSTLIB_OUTPUT_DIR"


def output_dir():
    """The output folder (see the module's docstring); it may not exist yet."""
    if os.environ.get(OUTPUT_ENV):
        return Path(os.environ[OUTPUT_ENV])
    cwd = Path.cwd()
    for folder in (cwd, *cwd.parents):
        if (folder / "output").is_dir() and (folder / "notebooks").is_dir():
            return folder / "output"
    return cwd / "output"


def new_output_path(name):
    """output_dir() / name, or the first free name-1.png, name-2.png, ... : never a file that exists."""
    return next_free_path(output_dir() / name)
