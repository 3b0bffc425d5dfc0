#!/usr/bin/env bash
# From a fresh clone: set up, then run the main job on the embedded store:
# load the UK–Korea demo data, score bridges and introductions, write the maps.
# Usage: scripts/demo.sh [graphtwin demo options]   (e.g. -o out/demo)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/graphtwin demo "$@"
