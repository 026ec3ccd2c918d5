# Sourced by run.sh and test.sh: make .venv, install a lock file and the package, point at ../shared.
#   NST_LOCK=runtime (run.sh): requirements/runtime.txt, what the main job and a student need
#   NST_LOCK=dev (test.sh):    requirements/dev.txt, that and JupyterLab, the instructor's and test tools
# Both pin the versions tested (bash scripts/lock.sh makes them from pyproject.toml).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
lock="requirements/${NST_LOCK:-runtime}.txt"
if [ ! -f "$lock" ]; then
  echo "setup.sh: no lock file $lock (NST_LOCK is runtime or dev)" >&2
  exit 2
fi
if [ ! -x .venv/bin/python ]; then
  "${PYTHON:-python3}" -m venv .venv
fi
. .venv/bin/activate
# Reinstall only when the lock or pyproject.toml changes. The dev lock holds the runtime lock's
# versions (tests/test_packaging.py checks it), so a venv set up for the tests serves run.sh too.
stamp_of() { echo ".venv/.installed-$(basename "$1" .txt)-$(cat "$1" pyproject.toml | sha256sum | cut -c1-16)"; }
stamp=$(stamp_of "$lock")
if [ ! -f "$stamp" ] && ! { [ "$lock" = requirements/runtime.txt ] && [ -f "$(stamp_of requirements/dev.txt)" ]; }; then
  echo "Installing $lock and nstlib into .venv (a few minutes the first time)..."
  python -m pip install --quiet -r "$lock"
  python -m pip install --quiet --no-deps -e .
  rm -f .venv/.installed-*
  touch "$stamp"
fi
# Machines without internet keep Keras' VGG-19 weights and the gallery in ../shared;
# elsewhere Keras downloads the weights and the gallery downloads from its URLs.
shared="$(cd .. && pwd)/shared"
if [ -d "$shared" ]; then
  export NSTLIB_VGG19_WEIGHTS="${NSTLIB_VGG19_WEIGHTS:-$shared/vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5}"
  export NSTLIB_DATA_DIR="${NSTLIB_DATA_DIR:-$shared/gallery}"
fi
