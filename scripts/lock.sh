#!/usr/bin/env bash
# Make the lock files from pyproject.toml with uv's `pip compile` (uv comes from PyPI, into
# .cache/lock-tools): requirements/runtime.txt (what `bash scripts/run.sh` and a student need)
# and requirements/dev.txt (the tests: the extras lab, instructor and dev). Both are universal
# (markers for every platform) for Python 3.11.5 and newer; neither pins pip or setuptools.
#
#   bash scripts/lock.sh              keep every pin already in the locks, add what is new
#   bash scripts/lock.sh --upgrade    the newest versions pyproject.toml allows (then run the tests)
#   bash scripts/lock.sh --from-venv  the versions installed in .venv now (what was tested there)
#   bash scripts/lock.sh --check-pythons  check that requirements/dev.txt resolves, with wheels
#                                     only, for each Python pyproject.toml's classifiers declare
#
# tests/test_packaging.py checks that the locks, pyproject.toml and environment.yml agree.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
UV_VERSION=0.13.8
tools=.cache/lock-tools
if [ ! -x "$tools/bin/uv" ] || [ "$("$tools/bin/uv" --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  "${PYTHON:-python3}" -m venv "$tools"
  "$tools/bin/python" -m pip install --quiet "uv==$UV_VERSION"
fi
extra=()
case "${1:-}" in
  "") ;;
  --upgrade) extra=(--upgrade) ;;
  --from-venv)
    freeze=$(mktemp)
    trap 'rm -f "$freeze"' EXIT
    .venv/bin/python -m pip freeze --exclude-editable | grep -v '^#' >"$freeze"
    extra=(--upgrade --constraint "$freeze") ;;
  --check-pythons)
    versions=$(grep -o '"Programming Language :: Python :: 3\.[0-9]*"' pyproject.toml | grep -o '3\.[0-9]*')
    for v in $versions; do
      pv=$v; [ "$v" = 3.11 ] && pv=3.11.5  # the locks' own floor (soupsieve wants 3.11.5)
      if "$tools/bin/uv" pip compile requirements/dev.txt --python-version "$pv" --python-platform x86_64-manylinux_2_28 \
           --only-binary :all: --quiet -o /dev/null; then
        echo "lock.sh: Python $v: resolves with wheels for Linux"
      else
        echo "lock.sh: Python $v: requirements/dev.txt does not resolve (above: why)" >&2; exit 1
      fi
    done
    exit 0 ;;
  *) echo "usage: bash scripts/lock.sh [--upgrade | --from-venv | --check-pythons]" >&2; exit 2 ;;
esac
compile() {  # compile OUTPUT [uv pip compile's options]
  local out=$1; shift
  "$tools/bin/uv" pip compile pyproject.toml "$@" --universal --python-version 3.11.5 \
    --no-emit-package setuptools --no-emit-package pip --quiet \
    --custom-compile-command "bash scripts/lock.sh" -o "$out"
}
lock() {  # lock OUTPUT [--extra NAME]
  compile "$@" ${extra[@]+"${extra[@]}"}
  if [ -n "${freeze:-}" ]; then
    compile "$@"  # again, keeping those pins, so that the notes say only why each package is there
  fi
}
mkdir -p requirements
lock requirements/runtime.txt
lock requirements/dev.txt --extra dev
echo "lock.sh: wrote requirements/runtime.txt ($(grep -c '==' requirements/runtime.txt) packages)" \
  "and requirements/dev.txt ($(grep -c '==' requirements/dev.txt) packages)"
