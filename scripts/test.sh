#!/usr/bin/env bash
# Set up .venv from the test lock and run every check, in quick mode (small images, few steps):
#   1. ruff check .
#   2. pytest --nbval-lax tests notebooks: the package's tests and the notebooks (executed by nbval),
#      the browser test included (scripts/install_browser.sh installs Chromium and Playwright)
#   3. scripts/test_student_install.sh: a student's install in a venv of its own (Python 3.12,
#      ipywidgets 7.7.1, no JupyterLab): a student notebook, the studio's tests, a fast part of
#      the suite. SKIP_STUDENT_INSTALL=1 leaves it out.
# Each runs even when one before it failed; the exit status is non-zero if any failed.
# Extra arguments go to the pytest of step 2.
NST_LOCK=dev . "$(dirname "$0")/setup.sh"
export NSTLIB_QUICK=1
failed=()
echo "test.sh: .venv ready after $SECONDS s"
t=$SECONDS
ruff check --output-format concise . || failed+=("ruff check . (fix with: ruff check --fix .)")
bash scripts/install_browser.sh  # Chromium + playwright for tests/test_browser.py (skips what is there)
python -m pytest --nbval-lax tests notebooks "$@" || failed+=("pytest --nbval-lax tests notebooks")
echo "test.sh: ruff and the main suite took $((SECONDS - t)) s"
if [ "${SKIP_STUDENT_INSTALL:-}" != 1 ]; then
  t=$SECONDS
  bash scripts/test_student_install.sh || failed+=("scripts/test_student_install.sh")
  echo "test.sh: the student's install took $((SECONDS - t)) s"
fi
if [ ${#failed[@]} -gt 0 ]; then
  printf 'test.sh: FAILED: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "test.sh: all passed"
