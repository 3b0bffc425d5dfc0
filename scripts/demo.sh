#!/usr/bin/env bash
# From a fresh clone: set up, then run the main job on the embedded store:
# load the UK–Korea demo data, score bridges and introductions, write the maps.
# Usage: scripts/demo.sh [graphtwin demo options]   (e.g. -o out/demo)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/graphtwin demo "$@"
echo "(the graphtwin command is in .venv/bin: run 'source .venv/bin/activate' to use it directly)"
