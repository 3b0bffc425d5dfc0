#!/usr/bin/env bash
# From a fresh clone: set up everything and run all checks and tests:
# ruff (lint + format), then pytest on unit, CLI, integration (embedded LadybugDB and a
# real Neo4j 5 server started here from Maven Central jars) and browser tests
# (headless Chromium). Neo4j is stopped on exit, whether the tests pass or fail.
# Usage: scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

scripts/setup.sh --dev
# shellcheck disable=SC1091
source .venv/bin/activate

echo "== ruff" >&2
ruff check .
ruff format --check .

# Debian packages, installed after waiting for any other apt/dpkg process to finish
# (GRAPHTWIN_APT_LOCK_TIMEOUT seconds at most, default 600) instead of failing at once.
apt_install() {
  local sudo="" wait=${GRAPHTWIN_APT_LOCK_TIMEOUT:-600}
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo env GRAPHTWIN_APT_LOCK_TIMEOUT="$wait" scripts/wait-apt-lock.sh
  $sudo apt-get -o DPkg::Lock::Timeout="$wait" update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout="$wait" install -y -qq "$@" >/dev/null
}

# fonts-noto-cjk: Korean names in maps are drawn (and their label boxes measured) on real glyphs.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 \
    || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
  echo "== installing chromium + chromium-driver + fonts-noto-cjk (Debian) for browser tests" >&2
  apt_install chromium chromium-driver fonts-noto-cjk
fi

# A private Neo4j for this run: its own port and home, so a developer's server is untouched.
export GRAPHTWIN_NEO4J_PORT=${GRAPHTWIN_NEO4J_PORT:-17687}
export NEO4J_HOME_DIR=${NEO4J_HOME_DIR:-$PWD/tools/neo4j/home-test}
export GRAPHTWIN_TEST_NEO4J_URI="bolt://127.0.0.1:$GRAPHTWIN_NEO4J_PORT"
stop_neo4j() { tools/neo4j/neo4j.sh stop >&2 || true; }
trap stop_neo4j EXIT
echo "== starting Neo4j on $GRAPHTWIN_TEST_NEO4J_URI" >&2
tools/neo4j/neo4j.sh reset >/dev/null 2>&1 || true
tools/neo4j/neo4j.sh start >&2

echo "== pytest" >&2
export OMP_NUM_THREADS=1
python -m pytest -q "$@"
echo "== all checks passed in $(( $(date +%s) - start ))s" >&2
