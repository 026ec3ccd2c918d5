"""Your functions, from one notebook to the next: ``my_functions.py``.

Each notebook runs in its own kernel, so a function written in notebook 03 is gone in
notebook 05. When an exercise passes its check, :func:`keep` writes the function's
source into a small module of the student's own, ``my_functions.py`` in the notebook's
folder (or the file ``NSTLIB_MY_FUNCTIONS`` names); :func:`load` imports it in a later
notebook, and hands out the package's version, saying so, for any exercise that is not
there yet. Notebook 05 paints with what :func:`load` returns.

The module is plain Python that the student can read and edit. Names an exercise
calls but did not define (``gram_matrix`` inside ``layer_style_cost``) resolve to the
module's other functions, or to the package's version while those are missing.
"""

from __future__ import annotations

import datetime
import importlib.util
import inspect
import os
import re
import textwrap
from pathlib import Path
from types import SimpleNamespace

ENV = "NSTLIB_MY_FUNCTIONS"
HEADER = '''"""Your functions from the course's exercises, each saved when it passed its check.

Written by nstlib.checks (nstlib/checks/yours.py); notebook 05 paints with them. You may
edit this file: the next passed check of an exercise replaces that exercise's block.
"""

import keras
import numpy as np
import tensorflow as tf
'''
_BLOCK = re.compile(r"^# ==== (\w+) \(notebook (\d\d)\).*?$", re.M)


def module_path() -> Path:
    """my_functions.py in the working directory (the notebook's folder), or $NSTLIB_MY_FUNCTIONS."""
    return Path(os.environ.get(ENV) or "my_functions.py")


def _blocks(text):
    """{name: (notebook, block text)} of the module's saved functions, in file order."""
    marks = list(_BLOCK.finditer(text))
    blocks = {}
    for m, nxt in zip(marks, marks[1:] + [None]):
        blocks[m.group(1)] = (m.group(2), text[m.start():nxt.start() if nxt else len(text)].rstrip() + "\n")
    return blocks


def keep(name: str, fn, notebook: str) -> Path | None:
    """Save fn's source as exercise `name` of `notebook` in the student's module.

    Returns the module's path, or None when the source can't be read (a lambda, a
    function made at run time): the notebook goes on either way.
    """
    if getattr(fn, "__name__", "<lambda>") == "<lambda>":
        return None
    try:
        source = textwrap.dedent(inspect.getsource(getattr(fn, "python_function", fn)))
    except (OSError, TypeError):
        return None
    if fn.__name__ != name:
        source += f"\n{name} = {fn.__name__}\n"
    path = module_path()
    try:
        blocks = _blocks(path.read_text()) if path.exists() else {}
        day = datetime.date.today().isoformat()
        blocks[name] = (notebook, f"# ==== {name} (notebook {notebook}), passed its check on {day}\n{source}")
        ordered = sorted(blocks.items(), key=lambda item: item[1][0])  # by notebook, stable
        text = HEADER + "".join("\n\n" + block for _, (_, block) in ordered)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text)
        tmp.replace(path)
    except OSError:  # a read-only folder: the check has passed all the same
        return None
    return path


def saved() -> dict[str, str]:
    """{exercise: notebook} of the functions in the student's module (empty if none)."""
    path = module_path()
    if not path.exists():
        return {}
    return {name: nb for name, (nb, _) in _blocks(path.read_text()).items()}


def load(*names: str, fallbacks=None, quiet: bool = False) -> SimpleNamespace:
    """The student's functions `names` from their module, each else the package's version.

    Prints one line per function: whose it is and where it comes from. fallbacks:
    {name: function} (default: the exercises' package versions, :mod:`.exercises`).
    """
    from .exercises import EXERCISES, fallback  # here: exercises.py imports this module

    path = module_path()
    namespace = {name: fallback(name) for name in EXERCISES}  # names the module may call
    error = None
    if path.exists():
        try:
            spec = importlib.util.spec_from_file_location("my_functions", path)
            module = importlib.util.module_from_spec(spec)
            module.__dict__.update(namespace)
            spec.loader.exec_module(module)
            namespace = module.__dict__
        except Exception as e:  # the student's edits: say it and go on with the package
            error = f"{type(e).__name__}: {e}"
    mine = saved() if error is None else {}
    found = {}
    for name in names:
        if name in mine:
            found[name] = namespace[name]
            line = f"✓ {name}: yours, from notebook {mine[name]} ({path})"
        else:
            found[name] = (fallbacks or {}).get(name) or fallback(name)
            why = (f"{path} could not be imported ({error})" if error else
                   f"not in {path} yet: run its exercise and check in notebook {EXERCISES[name][0]}")
            line = f"⚠ {name}: the package's version ({why})"
        if not quiet:
            print(line)
    return SimpleNamespace(**found)

