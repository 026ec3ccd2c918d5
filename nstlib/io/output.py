"""Where everything a user makes goes: one output/ folder.

In the course's repository that is its top-level ``output/``, whether the command runs
at the top, in ``notebooks/`` or deeper: the nearest folder, from the working folder up,
that holds both ``output/`` and ``notebooks/``. Elsewhere (a pip install, Colab) it is
``./output``. ``NSTLIB_OUTPUT_DIR`` overrides both. Used by the CLI, the notebooks and the
studio; taught nowhere: it's plumbing. :func:`download` takes a result from Colab to the
student's computer (the notebooks' setup cell imports it).
"""

import os
import sys
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


def download(path):
    """On Colab, send the file at path to your computer (google.colab.files.download); elsewhere
    do nothing, the file is already on your disk. Returns the path.

    Raises NSTError if there is no such file, on Colab and elsewhere alike.
    """
    from ..errors import NSTError

    path = Path(path)
    if not path.is_file():
        raise NSTError(f"No such file to download: {path} (relative to {Path.cwd()}).")
    if "google.colab" in sys.modules:
        from google.colab import files

        files.download(str(path))
    return path
