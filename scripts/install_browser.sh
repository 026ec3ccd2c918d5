#!/usr/bin/env bash
# Install what tests/test_browser.py needs: Debian's Chromium and Playwright's Python package.
# Idempotent: does nothing that is already done. Playwright's own browser download is not
# used (it needs a host that is not a package registry); the test drives /usr/bin/chromium.
# Never fails the test run: when Chromium cannot be installed, test_browser.py skips loudly.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! python -c "import playwright" 2>/dev/null; then
  echo "install_browser.sh: installing the playwright Python package..."
  python -m pip install --quiet -c requirements/dev.txt playwright || echo "install_browser.sh: WARNING: pip install playwright failed" >&2
fi

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    sudo=""
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    echo "install_browser.sh: WARNING: /usr/bin/chromium is missing and this user cannot run apt-get;" \
      "the browser test will be skipped. Install it with: sudo apt-get install -y chromium" >&2
    exit 0
  fi
  echo "install_browser.sh: installing Debian's chromium (a minute or two)..."
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null || echo "install_browser.sh: WARNING: apt-get update failed" >&2
  $sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null \
    || echo "install_browser.sh: WARNING: apt-get install chromium failed; the browser test will be skipped" >&2
fi
exit 0
