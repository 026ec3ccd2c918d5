# Sourced by run.sh and test.sh: make .venv, install the package, point at ../shared.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -x .venv/bin/python ]; then
  "${PYTHON:-python3}" -m venv .venv
fi
. .venv/bin/activate
# Reinstall only when the dependencies change.
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Installing nstlib and its dependencies into .venv (a few minutes the first time)..."
  python -m pip install --quiet --upgrade pip
  python -m pip install --quiet -e ".[dev]"
  touch "$stamp"
fi
# Machines without internet keep Keras' VGG-19 weights and the gallery in ../shared;
# elsewhere Keras downloads the weights and the gallery downloads from its URLs.
shared="$(cd .. && pwd)/shared"
if [ -d "$shared" ]; then
  export NSTLIB_VGG19_WEIGHTS="${NSTLIB_VGG19_WEIGHTS:-$shared/vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5}"
  export NSTLIB_DATA_DIR="${NSTLIB_DATA_DIR:-$shared/gallery}"
fi
