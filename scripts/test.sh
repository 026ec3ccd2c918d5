#!/usr/bin/env bash
# Set up .venv and run every test: the package's and the notebooks' (executed by nbval),
# in quick mode (small images, few steps). Extra arguments go to pytest.
. "$(dirname "$0")/setup.sh"
export NSTLIB_QUICK=1
bash scripts/install_browser.sh  # Chromium + playwright for tests/test_browser.py (skips what is there)
python -m pytest --nbval-lax tests notebooks "$@"
