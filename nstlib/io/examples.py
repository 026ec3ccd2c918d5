"""The catalog of example images, with the facts needed to credit them.

``nstlib/io/examples.csv`` lists every example: its role (content or style), title,
author, year, license, where it comes from and, for gallery images, a URL pinned to a
commit and the sha256 of its bytes. Two kinds of examples:

- packaged (``source`` = ``skimage`` or ``matplotlib``): files that scikit-image and
  matplotlib install, so they work offline everywhere;
- gallery (``source`` = ``gallery``): public-domain paintings and CC0 photos, downloaded
  once into :func:`nstlib.io.download.cache_dir`, or read from the folder named by ``NSTLIB_DATA_DIR``
  (for machines without internet).

Used throughout the notebooks and by ``nst examples``; taught nowhere: it's plumbing.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import io
import os
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import pooch

from ..errors import NSTError
from .download import fetch

if TYPE_CHECKING:  # for the hints only: nst --help imports no TensorFlow
    import tensorflow as tf

DATA_DIR_ENV = "NSTLIB_DATA_DIR"
ROLES = ("content", "style")


@dataclasses.dataclass(frozen=True)
class Example:
    """One row of examples.csv: an example image and the facts needed to credit it."""

    name: str  # what users type: nst --content golden_gate_bridge
    role: str  # "content" or "style"
    title: str
    author: str
    year: str  # free text: "1889", "c. 1831", "1908-1912" or "" when unknown
    license: str  # "public domain" or "CC0-1.0"
    source: str  # "skimage", "matplotlib" or "gallery"
    file: str  # the file's name in its package or in the gallery
    url: str  # gallery: the download; packaged: the page the package cites
    sha256: str  # gallery only


def _read_catalog():
    text = resources.files(__package__).joinpath("examples.csv").read_text(encoding="utf-8")
    return {row["name"]: Example(**row) for row in csv.DictReader(io.StringIO(text))}


EXAMPLES = _read_catalog()  # {name: Example}, in the csv's order


def list_examples(role=None):
    """All examples, or those of one role ("content" or "style"), in the catalog's order.

    Used by the notebooks' example pickers and by ``nst examples``.
    """
    if role is not None and role not in ROLES:
        raise NSTError(f"role must be one of {', '.join(ROLES)} or None, not {role!r}.")
    return [e for e in EXAMPLES.values() if role is None or e.role == role]


def is_example(name):
    """True if name is an example's name (the CLI tells names from paths with it)."""
    return isinstance(name, str) and name in EXAMPLES


def get_example(name):
    """The Example called name; NSTError suggesting the closest names if there is none."""
    if is_example(name):
        return EXAMPLES[name]
    close = difflib.get_close_matches(str(name), EXAMPLES, n=3, cutoff=0.6)
    close = close or [n for n in EXAMPLES if str(name).lower() in n][:3]  # "monet"
    hint = f"Did you mean {' or '.join(map(repr, close))}? " if close else ""
    raise NSTError(
        f"Unknown example {name!r}. {hint}`nst examples` (or nstlib.list_examples()) "
        f"lists all {len(EXAMPLES)}."
    )


def credit(name):
    """One line crediting an example, e.g. '"The Starry Night", Vincent van Gogh, 1889
    (public domain)'. Shown under every example image in the notebooks."""
    e = get_example(name)
    author = e.author
    if author.endswith(" (unnamed)"):  # the source names no photographer: say so
        author = "photo by an unnamed " + author.removesuffix(" (unnamed)")
    return ", ".join(part for part in (f'"{e.title}"', author, e.year) if part) + f" ({e.license})"


def example_path(name, url=None):
    """Local path of an example's file, downloading a gallery image once if needed.

    A gallery image is read from $NSTLIB_DATA_DIR when that folder has it (its sha256
    is checked), else downloaded from ``url`` (default: the catalog's) into
    :func:`nstlib.io.download.cache_dir` and checked. Used by :func:`load_example` and the CLI.
    """
    e = get_example(name)
    if e.source == "skimage":
        import skimage.data

        path = Path(skimage.data.__file__).parent / e.file
    elif e.source == "matplotlib":
        import matplotlib

        path = Path(matplotlib.get_data_path()) / "sample_data" / e.file
    else:
        return _gallery_path(e, url)
    if not path.is_file():
        raise NSTError(f"{path} is missing: reinstall {e.source} (it ships example {name!r}).")
    return path


def _gallery_path(e, url):
    folder = os.environ.get(DATA_DIR_ENV)
    if folder and (Path(folder) / e.file).is_file():
        path = Path(folder) / e.file
        digest = pooch.file_hash(str(path), alg="sha256")
        if digest != e.sha256:
            raise NSTError(
                f"{path} is not the expected {e.file}: its sha256 is {digest}, not "
                f"{e.sha256}. Copy it again from {e.url}, or unset {DATA_DIR_ENV}."
            )
        return path
    return fetch(
        url or e.url,
        sha256=e.sha256,
        fname=e.file,
        hint=f"Check your internet connection, or put a copy of {e.file} in a folder and "
        f"set {DATA_DIR_ENV} to that folder.",
    )


def load_example(name: str, max_dim: int | None = None) -> tf.Tensor:
    """An example image as a float32 tensor (1, H, W, 3) in [0, 1] (see images.load_image).

    Used throughout the notebooks.
    """
    from .images import load_image  # lazy: `nst examples` must not wait for TensorFlow

    return load_image(example_path(name), max_dim=max_dim)
