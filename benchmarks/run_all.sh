#!/usr/bin/env bash
# Run every benchmark at the issues' scale (46,000 organisations / 500,000 ties) and keep
# the printed figures in benchmarks/results/<name>.txt. Starts a private Neo4j for the
# store benchmark and stops it on exit. Takes about 15-25 minutes on a 2-core machine;
# run it on a quiet machine: figures are wall-clock.
# Usage: benchmarks/run_all.sh [name ...]   (names: validate generate store analysis
#                                            potential maps importers)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
# shellcheck disable=SC1091
source .venv/bin/activate
export OMP_NUM_THREADS=1
mkdir -p benchmarks/results
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(validate generate store analysis potential maps importers)

for name in "${names[@]}"; do
  args=()
  if [ "$name" = store ]; then
    export GRAPHTWIN_NEO4J_PORT=${GRAPHTWIN_NEO4J_PORT:-17688}
    export NEO4J_HOME_DIR=${NEO4J_HOME_DIR:-$PWD/tools/neo4j/home-bench}
    trap 'tools/neo4j/neo4j.sh stop >&2 || true' EXIT
    tools/neo4j/neo4j.sh reset >/dev/null 2>&1 || true
    tools/neo4j/neo4j.sh start >&2
    args=(--neo4j-uri "bolt://127.0.0.1:$GRAPHTWIN_NEO4J_PORT")
  fi
  [ "$name" = analysis ] && args=(--cli)
  echo "== benchmarks/bench_$name.py ${args[*]}" >&2
  python "benchmarks/bench_$name.py" "${args[@]}" 2>&1 | tee "benchmarks/results/$name.txt"
  if [ "$name" = store ]; then tools/neo4j/neo4j.sh stop >&2; fi
done
