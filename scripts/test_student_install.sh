#!/usr/bin/env bash
# A student's install on Colab, checked in a fresh venv of its own (.cache/student-venv):
#   0. Colab's Python (3.13; else 3.12; else this machine's python3, said loudly), and Colab's
#      packages at Colab's versions (requirements/colab.txt: TensorFlow 2.20, Keras 3.13,
#      NumPy 2.1, IPython 7.34, ipywidgets 7.7.1, ...) installed first, as a runtime has them;
#      then the package installed as the notebooks' setup cell installs it (`pip install .`
#      from a copy of this checkout: the cell's git+URL@tag needs GitHub), with no constraint,
#      and the check that it changed none of Colab's packages (a change means a restart);
# then, with the installed package (not the checkout's):
#   1. its version is this release's, and JupyterLab is not there;
#   2. the student notebooks 06 (the widgets) and 01 run to their end (nbclient), their exercises
#      unfinished: each says so and the notebook goes on with the package's version (Run All);
#   3. the studio's tests pass under ipywidgets 7.7.1, and a fast part of the suite.
# Called by scripts/test.sh after the main suite (SKIP_STUDENT_INSTALL=1 leaves it out); also
# runs on its own. The venv is made again when requirements/, pyproject.toml or this file change.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
t0=$SECONDS
say() { echo "test_student_install.sh: $*"; }

# Colab's Python: $STUDENT_PYTHON, or 3.13 (then 3.12) from pyenv or PATH; else python3, loudly.
find_python() {  # $1: a minor version such as 3.13
  for candidate in $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$1"*/bin/python"$1" 2>/dev/null | sort -V -r) \
                   "$(command -v "python$1" || true)"; do
    if [ -n "$candidate" ] && "$candidate" -c "import sys; assert '%d.%d' % sys.version_info[:2] == '$1'" 2>/dev/null; then
      echo "$candidate"; return
    fi
  done
}
py=${STUDENT_PYTHON:-$(find_python 3.13)}
py=${py:-$(find_python 3.12)}
if [ -z "$py" ] || ! "$py" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null; then
  py=${py:-python3}
  say "WARNING: Colab runs Python 3.13, which this machine lacks (set STUDENT_PYTHON); $($py -V) stands in for it" >&2
fi
venv=.cache/student-venv
stamp="$venv/.installed-$(cat requirements/colab.txt pyproject.toml "$0" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  say "making $venv with $("$py" -V) (a few minutes the first time)..."
  rm -rf "$venv"
  "$py" -m venv "$venv"
  pip=("$venv/bin/python" -m pip install --quiet)
  # Colab's runtime: its packages at its versions (notebook 6.5 as Colab's: 7 would bring JupyterLab)
  "${pip[@]}" -r requirements/colab.txt "notebook<7" ipykernel
  "$venv/bin/python" -m pip freeze >"$venv/colab-before.txt"
  # the setup cell's install, from a copy of the package's files as pip copies a git+URL
  # (building here would leave build/): no constraint, as on Colab
  src=$(mktemp -d)
  cp -r pyproject.toml README.md LICENSE nstlib "$src/"
  "${pip[@]}" "$src"
  rm -rf "$src"
  "$venv/bin/python" -m pip freeze >"$venv/colab-after.txt"
  changed=$(grep -v '^#' requirements/colab.txt | cut -d= -f1 | while read -r name; do
    before=$(grep -i "^$name==" "$venv/colab-before.txt" || true)
    after=$(grep -i "^$name==" "$venv/colab-after.txt" || true)
    [ "$before" = "$after" ] || echo "$name: $before -> $after"
  done)
  if [ -n "$changed" ]; then
    rm -rf "$venv"
    say "FAILED: the setup cell's install changed what Colab ships (Colab would need a restart): $changed" >&2
    exit 1
  fi
  say "the setup cell's install kept Colab's $(grep -c '==' requirements/colab.txt) packages as they were"
  "${pip[@]}" -c requirements/colab.txt pytest nbclient nbformat pyyaml packaging hypothesis
  touch "$stamp"
  say "installed in $((SECONDS - t0)) s"
fi
shared="$(cd .. && pwd)/shared"
if [ -d "$shared" ]; then
  export NSTLIB_VGG19_WEIGHTS="${NSTLIB_VGG19_WEIGHTS:-$shared/vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5}"
  export NSTLIB_DATA_DIR="${NSTLIB_DATA_DIR:-$shared/gallery}"
fi
export NSTLIB_QUICK=1 PYTHONSAFEPATH=1  # the installed nstlib, never the checkout's folder beside it
python=$venv/bin/python

# 1. the release's version, Colab's versions, no JupyterLab
"$python" - <<'EOF'
import importlib.metadata as m, importlib.util, pathlib, sys
import ipywidgets, nstlib
assert "site-packages" in nstlib.__file__, f"not the installed package: {nstlib.__file__}"
assert m.version("nstlib") == nstlib.__version__, (m.version("nstlib"), nstlib.__version__)
colab = dict(line.strip().split("==") for line in open("requirements/colab.txt") if "==" in line)
found = {name: m.version(name) for name in colab}
assert found == colab, {name: (found[name], colab[name]) for name in colab if found[name] != colab[name]}
assert importlib.util.find_spec("jupyterlab") is None, "JupyterLab is installed"
print(f"test_student_install.sh: Python {sys.version.split()[0]}, nstlib {nstlib.__version__} (installed), "
      f"Colab's versions ({', '.join(f'{k} {v}' for k, v in list(colab.items())[:4])}, ...), no JupyterLab")
EOF

# 2. notebooks, to their end: the student's 06 (the widgets) and 01, their exercises unfinished
# (Run All reaches the end: each stub says so and the notebook goes on with the package's version)
failed=()
for notebook in student/06_tuning_with_widgets.ipynb student/01_transfer_learning.ipynb; do
  t=$SECONDS
  if "$python" - "$notebook" <<'EOF'; then
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
try:
    NotebookClient(nb, kernel_name="python3", timeout=900, resources={"metadata": {"path": path.split("/")[0]}}).execute()
except CellExecutionError as e:
    cell = next(i for i, c in enumerate(nb.cells) if any(o.get("output_type") == "error" for o in c.get("outputs", [])))
    print(f"test_student_install.sh: FAILED: {path}, cell {cell}: {e.ename}: {e.evalue}", end="")
    sys.exit(1)
ran = sum(1 for c in nb.cells if c.cell_type == "code" and c.execution_count)
said = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
if "is not finished yet" not in said:
    print(f"test_student_install.sh: FAILED: {path} never said which exercise is unfinished", end="")
    sys.exit(1)
print(f"test_student_install.sh: {path} ran to its end ({ran} code cells), saying which exercise is unfinished", end="")
EOF
    echo " in $((SECONDS - t)) s"
  else
    echo " (after $((SECONDS - t)) s)"
    failed+=("$notebook")
  fi
done

# 3. the studio's tests under ipywidgets 7.7.1, and a fast part of the suite on this Python.
# test_widgets.py's upload test writes ipywidgets 8's value by hand; tests/test_uploads.py
# uploads in either version's way.
t=$SECONDS
"$python" -m pytest -p no:cacheprovider -q "$@" \
  tests/test_widgets.py tests/test_uploads.py \
  tests/test_architecture.py tests/test_config.py tests/test_costs.py tests/test_images.py \
  tests/test_color.py tests/test_output.py tests/test_packaging.py tests/test_notebooks.py \
  tests/test_release.py tests/test_edition.py \
  --deselect tests/test_widgets.py::test_an_upload_is_picked_and_used || failed+=("the tests")
say "the tests took $((SECONDS - t)) s; all in $((SECONDS - t0)) s"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'test_student_install.sh: FAILED: %s\n' "${failed[@]}" >&2
  exit 1
fi
