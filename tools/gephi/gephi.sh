#!/usr/bin/env bash
# Open GEXF or GraphML files with the real Gephi toolkit (org.gephi:gephi-toolkit:0.10.1,
# the headless library behind Gephi desktop) and print, as JSON, what Gephi made of them:
# nodes (id, label, position, colour, attributes), edges (ends, direction, type,
# attributes) and the import report. Used by tests/cli/test_export_cli.py.
#
# Usage: tools/gephi/gephi.sh fetch            # download the jar once (83 MB, Maven Central)
#        tools/gephi/gephi.sh check FILE...    # fetch if needed, then print the JSON
# Needs Java 11+ (to run GephiCheck.java as a single-file program) and, once, mvn.
set -euo pipefail

DIR="$(cd "$(dirname "$0")" && pwd)"
JAR="$DIR/lib/gephi-toolkit-0.10.1-all.jar"

die() { echo "gephi.sh: $*" >&2; exit 1; }

fetch() {
    if command -v flock >/dev/null 2>&1; then
        exec 8>"$DIR/.fetch.lock"
        flock -w 600 8 || die "could not lock $DIR/.fetch.lock"
    fi
    [[ -f "$JAR" ]] && return 0
    command -v mvn >/dev/null 2>&1 || die "mvn not found (needed once to download $JAR)"
    echo "gephi.sh: downloading the Gephi toolkit 0.10.1 (83 MB) from Maven Central ..." >&2
    # (Debian's mvn prints ANSI resets even with -q -B: strip them.)
    (cd "$DIR" && mvn -B -q dependency:copy-dependencies 2>&1 | sed 's/\x1b\[[0-9;]*m//g' \
        | grep -v '^$' >&2 || [[ ${PIPESTATUS[0]} -eq 0 ]]) || die "mvn failed"
    [[ -f "$JAR" ]] || die "no $JAR after mvn"
}

case "${1:-}" in
    fetch) fetch ;;
    check)
        shift
        command -v java >/dev/null 2>&1 || die "java not found (Java 11+ is needed)"
        fetch
        exec java -Djava.awt.headless=true -cp "$JAR" "$DIR/GephiCheck.java" "$@"
        ;;
    *) die "usage: $0 fetch | check FILE..." ;;
esac
