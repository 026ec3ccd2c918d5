#!/usr/bin/env bash
# Set up .venv and run the main job: stylize the default pair into output/ (a new file each time).
# Extra arguments go to `nst stylize`, e.g. scripts/run.sh golden_gate_bridge van_gogh_the_starry_night
. "$(dirname "$0")/setup.sh"
nst stylize "$@"
echo "Open the course: . .venv/bin/activate && jupyter lab notebooks/"
