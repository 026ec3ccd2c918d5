#!/usr/bin/env bash
# Set up .venv and run the main job: stylize the default pair into output/.
# Extra arguments go to `nst stylize`, e.g. scripts/run.sh golden_gate_bridge van_gogh_the_starry_night
. "$(dirname "$0")/setup.sh"
out="output/${1:-astronaut}_${2:-hubble_deep_field}.png"
nst stylize "$@" -o "$(python -c 'import sys; from nstlib.images import next_free_path; print(next_free_path(sys.argv[1]))' "$out")"
echo "Open the course: . .venv/bin/activate && jupyter lab notebooks/"
