"""The course's two editions, made from one source: ``nst release --student``.

Everything that points at the repository is made here from two places: the address in
pyproject.toml's ``[project.urls]`` (Repository) and the version in ``nstlib/__init__.py``
(``__version__``, which pyproject.toml reads too). For every notebook of ``notebooks/``:

- its first code cell becomes :func:`setup_cell`, the same in every notebook, shown folded
  to its title (:data:`SETUP_METADATA`): on Colab it
  installs ``nstlib @ git+<address>@v<version>`` (this release's tag), says in one line
  what failed if that fails, and turns on Colab's widget manager; anywhere else it only
  imports nstlib and :func:`nstlib.io.output.download`;
- the "Open in Colab" badge of its first markdown cell opens the notebook itself, at the tag;
- its metadata asks Colab for a GPU runtime (:data:`COLAB_METADATA`);

and ``student/`` gets its student version (:func:`nstlib.instructor.release.release_notebook`:
solutions and hidden tests removed), whose badge opens ``student/``. The README's block
between :data:`README_BEGIN` and :data:`README_END` lists both editions' Colab links.

Every other cell is left as it is (a first code cell that is not a setup cell stays, after
a new setup cell), so the command can be run again after any edit:
:func:`update` rewrites what is out of date, or only lists it (``check=True``, what
``nst release --student --check`` and tests/test_edition.py do).
"""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

from nstlib.errors import NSTError

from .release import NOTEBOOK_GLOB, release_notebook

INSTRUCTOR, STUDENT = "notebooks", "student"
COLAB_METADATA = {"accelerator": "GPU", "colab": {"gpuType": "T4", "provenance": []}}
# the setup cell shows as its one-line title: a form in Colab (with its "# @title" line), its
# input collapsed in JupyterLab; a click shows the code
SETUP_METADATA = {"cellView": "form", "jupyter": {"source_hidden": True}}
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE_RE = re.compile(r"^\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)[ \t]*$", re.M)
README_BEGIN = "<!-- begin: made by `nst release --student` (nstlib/instructor/edition.py) -->"
README_END = "<!-- end: made by `nst release --student` -->"
# the README's table of the exercises and their points, made from the nbgrader metadata
EXERCISES_BEGIN = "<!-- begin exercises: made by `nst release --student` from the notebooks' nbgrader metadata -->"
EXERCISES_END = "<!-- end exercises -->"

SETUP_CELL = '''\
# @title Setup: run this cell first {{ display-mode: "form" }}
# Setup, the same in every notebook (made by `nst release --student`). On Colab it installs
# nstlib {version}, the course's package, and turns on the widgets; elsewhere it only imports nstlib.
import sys

if "google.colab" in sys.modules:
    import subprocess

    from google.colab import output as colab_output

    class SetupFailed(Exception):
        def _render_traceback_(self):  # IPython shows this one line, not a traceback
            return [f"SetupFailed: {{self}}"]

    spec = "{spec}"
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", spec], capture_output=True, text=True)
    if pip.returncode != 0:
        said = [line.strip() for line in pip.stderr.splitlines() if line.strip()]
        why = [b for a, b in zip(said, said[1:]) if a.endswith("lines of output]")]  # git's own words
        why += [line for line in said if line.startswith("ERROR")] + said[-1:] + ["pip said nothing"]
        raise SetupFailed(f"pip could not install nstlib {version} ({{spec}}): {{why[0]}}")
    colab_output.enable_custom_widget_manager()  # notebook 06's studio, whatever the ipywidgets version

import nstlib
from nstlib.io.output import download  # download(path): on Colab, saves a result to your computer'''


@dataclass(frozen=True)
class Project:
    """The repository's address and this release's version, as the checkout says them."""

    url: str  # https://github.com/OWNER/REPO
    version: str  # X.Y.Z

    @property
    def github(self) -> str:
        """``OWNER/REPO``."""
        return self.url.removeprefix("https://github.com/")

    @property
    def tag(self) -> str:
        return f"v{self.version}"

    @property
    def spec(self) -> str:
        """What pip installs in the setup cell: this release's tag of the repository."""
        return f"nstlib @ git+{self.url}@{self.tag}"


def repository_root() -> Path:
    """The checkout this package lives in (an editable install), else the working folder."""
    root = Path(__file__).resolve().parents[2]  # nstlib/instructor/edition.py
    return root if (root / "pyproject.toml").is_file() else Path.cwd()


def project(root=None) -> Project:
    """The :class:`Project` of the checkout at root: [project.urls] Repository, __version__."""
    root = Path(root) if root is not None else repository_root()
    try:
        meta = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        init = ast.parse((root / "nstlib" / "__init__.py").read_text(encoding="utf-8"))
    except (OSError, KeyError, tomllib.TOMLDecodeError, SyntaxError) as e:
        raise NSTError(f"{root}: not the course's checkout ({type(e).__name__}: {e})") from None
    url = meta.get("urls", {}).get("Repository", "")
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise NSTError(f"{root / 'pyproject.toml'}: [project.urls] Repository must be "
                       f"https://github.com/OWNER/REPO, not {url!r}")
    versions = [node.value.value for node in init.body
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                and any(isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets)]
    if len(versions) != 1 or not re.fullmatch(r"\d+\.\d+\.\d+", str(versions[0])):
        raise NSTError(f"{root / 'nstlib' / '__init__.py'}: needs one __version__ = \"X.Y.Z\"")
    return Project(url=url, version=versions[0])


def setup_cell(proj: Project) -> str:
    """The first code cell of every notebook, both editions."""
    return SETUP_CELL.format(version=proj.version, spec=proj.spec)


def colab_url(proj: Project, folder: str, stem: str) -> str:
    """Colab's address of notebook folder/stem.ipynb at this release's tag."""
    return f"https://colab.research.google.com/github/{proj.github}/blob/{proj.tag}/{folder}/{stem}.ipynb"


def badge(proj: Project, folder: str, stem: str) -> str:
    """The "Open in Colab" badge line of notebook folder/stem.ipynb."""
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(proj, folder, stem)})"


def _set_badge(cell, line: str, where: str):
    source = cell.source
    if BADGE_RE.search(source):
        cell.source = BADGE_RE.sub(lambda _: line, source, count=1)
        return
    title, _, rest = source.partition("\n")
    if not title.startswith("# "):
        raise NSTError(f"{where}: the first cell must start with an H1 title (# ...) for the badge")
    cell.source = "\n\n".join(part for part in (title, line, rest.strip("\n")) if part)


def _is_setup_cell(source: str) -> bool:
    """A setup cell, this module's or an older one (the Colab guard and a pip install)."""
    return any(source.startswith(line) for line in SETUP_CELL.split("\n", 2)[:2]) or (
        "google.colab" in source and "pip" in source)


def apply(nb, proj: Project, folder: str, stem: str):
    """nb with the setup cell, the badge of folder/stem.ipynb and Colab's metadata (in place)."""
    where = f"{folder}/{stem}.ipynb"
    if not nb.cells or nb.cells[0].cell_type != "markdown":
        raise NSTError(f"{where}: the first cell must be markdown, with the title and the badge")
    _set_badge(nb.cells[0], badge(proj, folder, stem), where)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    if code and _is_setup_cell(code[0].source):
        setup = code[0]
        setup.source = setup_cell(proj)
        setup.outputs, setup.execution_count = [], None
    else:  # a lesson's own first code cell is kept: the setup cell goes before it
        at = nb.cells.index(code[0]) if code else len(nb.cells)
        setup = nbformat.v4.new_code_cell(setup_cell(proj))
        nb.cells.insert(at, setup)
    setup.metadata.update(SETUP_METADATA)
    for key, value in COLAB_METADATA.items():
        nb.metadata[key] = value
    return nb


def text(nb) -> str:
    """The notebook's file contents, as nbformat.write writes them."""
    s = nbformat.writes(nb)
    return s if s.endswith("\n") else s + "\n"


def readme_block(proj: Project, stems) -> str:
    """The README's table of both editions' Colab links, between the markers."""
    rows = [f"| `{stem}` | [student]({colab_url(proj, STUDENT, stem)}) "
            f"| [instructor]({colab_url(proj, INSTRUCTOR, stem)}) |" for stem in stems]
    return "\n".join([
        README_BEGIN,
        f"nstlib {proj.version}, on Colab: each notebook's first cell installs it. "
        f"Elsewhere: `pip install \"{proj.spec}\"`.",
        "",
        "| notebook | for students (`student/`) | with the solutions (`notebooks/`) |",
        "|---|---|---|",
        *rows,
        README_END,
    ])


def exercises(nb) -> list[tuple[str, float, str]]:
    """[(name, points, how)] of a notebook's graded cells, in order: check_NAME's points, how
    "automatic" (a check cell) or "by hand" (a written answer, a markdown cell)."""
    out = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and meta.get("points"):
            how = "by hand" if cell.get("cell_type") == "markdown" else "automatic"
            out.append((meta["grade_id"].removeprefix("check_"), meta["points"], how))
    return out


def exercises_block(notebooks) -> str:
    """The README's table of exercises: {stem: notebook} in, the lines between the markers out."""
    rows, totals = [], {"automatic": 0, "by hand": 0}
    for stem, nb in notebooks.items():
        for name, points, how in exercises(nb):
            rows.append(f"| `{stem}` | `{name}` | {points:g} | {how} |")
            totals[how] += points
    total = " + ".join(f"{points:g} {how}" for how, points in totals.items())
    return "\n".join([EXERCISES_BEGIN, "| notebook | exercise | points | graded |", "|---|---|---|---|", *rows,
                      f"| | total | {sum(totals.values()):g} | {total} |", EXERCISES_END])


def editions(root=None) -> dict[Path, str]:
    """{path: contents} of every file this module makes, as it should be now."""
    root = Path(root) if root is not None else repository_root()
    proj = project(root)
    sources = sorted((root / INSTRUCTOR).glob(NOTEBOOK_GLOB))
    if not sources:
        raise NSTError(f"{root / INSTRUCTOR}: no notebooks ({NOTEBOOK_GLOB})")
    out, read = {}, {}
    for path in sources:
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as e:  # nbformat raises several unrelated types
            raise NSTError(f"{path}: not a readable notebook ({type(e).__name__}: {e})") from None
        nb = apply(nb, proj, INSTRUCTOR, path.stem)
        read[path.stem] = nb
        out[path] = text(nb)
        student = apply(release_notebook(nb, name=str(path)), proj, STUDENT, path.stem)
        out[root / STUDENT / path.name] = text(student)
    readme = root / "README.md"
    if readme.is_file():
        current = readme.read_text(encoding="utf-8")
        current = _with_block(readme, current, readme_block(proj, [p.stem for p in sources]),
                              README_BEGIN, README_END, "the table of Colab links")
        out[readme] = _with_block(readme, current, exercises_block(read), EXERCISES_BEGIN, EXERCISES_END,
                                  "the table of exercises (the instructors' section)")
    return out


def _with_block(readme: Path, current: str, block: str, begin: str, end: str, what: str) -> str:
    if begin not in current or end not in current:
        raise NSTError(f"{readme}: the lines {begin!r} and {end!r} are missing; put them where {what} goes")
    before, rest = current.split(begin, 1)
    return before + block + rest.split(end, 1)[1]


def stale(root=None, wanted=None) -> list[Path]:
    """The files :func:`update` would write: made ones out of date, missing, or left over."""
    root = Path(root) if root is not None else repository_root()
    wanted = editions(root) if wanted is None else wanted
    out = [p for p, s in wanted.items() if not p.is_file() or p.read_text(encoding="utf-8") != s]
    extra = [p for p in sorted((root / STUDENT).glob("*.ipynb")) if p not in wanted]
    return out + extra


def update(root=None, check: bool = False) -> list[Path]:
    """Bring both editions and the README's block up to date; the paths changed (or to change).

    With check=True nothing is written. Notebooks in student/ with no source are removed.
    """
    root = Path(root) if root is not None else repository_root()
    wanted = editions(root)
    changed = stale(root, wanted)
    if not check:
        (root / STUDENT).mkdir(exist_ok=True)
        for path in changed:
            if path in wanted:
                path.write_text(wanted[path], encoding="utf-8")
            else:
                path.unlink()
    return changed
