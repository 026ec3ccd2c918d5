#!/usr/bin/env bash
# Set up .venv and run the main job: stylize the default pair into output/ (a new file each time).
# Extra arguments go to `nst stylize`, e.g. scripts/run.sh golden_gate_bridge van_gogh_the_starry_night
NST_LOCK=runtime . "$(dirname "$0")/setup.sh"  # the runtime lock alone: no JupyterLab, no test tools
nst stylize "$@"
echo "Open the course: . .venv/bin/activate && pip install -c requirements/dev.txt -e '.[lab]' && jupyter lab notebooks/"
