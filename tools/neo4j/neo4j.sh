#!/usr/bin/env bash
# Local Neo4j 5.26 Community server for graphtwin tests and development (no Docker).
#
# Usage: neo4j.sh {fetch|start|stop|status|reset} [--timeout SECONDS]
#
#   fetch   download the server jars into the jar folder (mvn copy-dependencies),
#           only if it is missing or pom.xml changed since the last fetch
#   start   fetch if needed, write the config, start the server in the background and
#           wait until Bolt answers; idempotent (a running server is left alone)
#   stop    SIGTERM, wait up to 60 s, then SIGKILL; idempotent
#   status  print state/pid/bolt_uri/home/lib/auth; exit 0 if running, 3 if not
#   reset   stop and delete the data directory (all databases, users, passwords)
#
# Needs bash, Java 17 or 21 and (once, to download the jars) Maven. A missing
# requirement is reported in one line and exit code 4.
#
# Where the writable state lives: in a source checkout (this script at tools/neo4j/ next
# to pyproject.toml) beside the script, tools/neo4j/lib and tools/neo4j/home; anywhere
# else (the copy shipped inside the installed graphtwin package) in
# ${XDG_DATA_HOME:-~/.local/share}/graphtwin/neo4j/{lib,home}. The jar folder's stamp
# (sha256 of pom.xml) is the file .stamp-<folder name> beside it.
#
# Environment:
#   NEO4J_HOME_DIR                server home (conf/, data/, logs/, run/, import/)
#   GRAPHTWIN_NEO4J_LIB_DIR       jar folder, shared by all homes (213 jars, 123 MB)
#   GRAPHTWIN_NEO4J_PORT          Bolt port, default 7687 (listens on 127.0.0.1 only)
#   GRAPHTWIN_NEO4J_PASSWORD      if set: auth enabled, initial password of user "neo4j"
#                                 (>= 8 chars; applied only when the data dir is created)
#   GRAPHTWIN_NEO4J_START_TIMEOUT seconds to wait for Bolt, default 120 (or --timeout)
#   GRAPHTWIN_NEO4J_PYTHON        python with the `neo4j` driver for the readiness probe
#   GRAPHTWIN_NEO4J_GC            JVM garbage collector flags, default -XX:+UseParallelGC
#   GRAPHTWIN_NEO4J_CONF_EXTRA    extra neo4j.conf lines appended on start (strict keys)
#   JAVA_HOME                     java to use (default: java on PATH; needs Java 17 or 21)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POM="$SCRIPT_DIR/pom.xml"

# Source checkout: state beside the script, as always. Installed package: the script sits
# read-only in site-packages, so the state goes to the user's data folder.
REPO_DIR=""
if [[ "$(basename "$SCRIPT_DIR")" == neo4j && "$(basename "$(dirname "$SCRIPT_DIR")")" == tools \
    && -f "$SCRIPT_DIR/../../pyproject.toml" ]]; then
    REPO_DIR="$(cd "$SCRIPT_DIR/../.." && pwd)"
    STATE_DIR="$SCRIPT_DIR"
else
    [[ -n "${XDG_DATA_HOME:-}" || -n "${HOME:-}" ]] \
        || { echo "neo4j.sh: ERROR: neither XDG_DATA_HOME nor HOME is set" >&2; exit 4; }
    STATE_DIR="${XDG_DATA_HOME:-$HOME/.local/share}/graphtwin/neo4j"
fi

# Absolute and canonical (the pid check compares the home with the server's --home-dir).
LIB_DIR="$(realpath -m -- "${GRAPHTWIN_NEO4J_LIB_DIR:-$STATE_DIR/lib}")"
STAMP="$(dirname "$LIB_DIR")/.stamp-$(basename "$LIB_DIR")"
HOME_DIR="$(realpath -m -- "${NEO4J_HOME_DIR:-$STATE_DIR/home}")"
CONF_DIR="$HOME_DIR/conf"
CONF_FILE="$CONF_DIR/neo4j.conf"
DATA_DIR="$HOME_DIR/data"
LOG_DIR="$HOME_DIR/logs"
RUN_DIR="$HOME_DIR/run"
IMPORT_DIR="$HOME_DIR/import"
CONSOLE_LOG="$LOG_DIR/console.log"
PID_FILE="$RUN_DIR/graphtwin-neo4j.pid"
LOCK_FILE="$RUN_DIR/graphtwin-neo4j.lock"

PORT="${GRAPHTWIN_NEO4J_PORT:-7687}"
TIMEOUT="${GRAPHTWIN_NEO4J_START_TIMEOUT:-120}"
STOP_TIMEOUT=60

log() { echo "neo4j.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# A requirement (Java, Maven) is missing: one line, exit 4.
missing() { log "ERROR: $*"; exit 4; }

java_bin() {
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
        echo "$JAVA_HOME/bin/java"
    else
        command -v java \
            || missing "Java 17 or 21 is needed to run Neo4j 5.26 and java is not on PATH" \
                "(install e.g. openjdk-17-jre-headless, or set JAVA_HOME)"
    fi
}

check_java() {
    local java ver major
    java="$(java_bin)"
    ver="$("$java" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
    major="${ver%%.*}"
    [[ "$major" =~ ^[0-9]+$ ]] || die "cannot parse the Java version from '$java -version'"
    ((major >= 17)) || missing "Neo4j 5.26 needs Java 17 or 21, found $ver ($java); set JAVA_HOME"
}

lock() {
    mkdir -p "$RUN_DIR"
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$LOCK_FILE"
        flock -w 300 9 || die "could not lock $LOCK_FILE (another neo4j.sh running?)"
    fi
}

# ---------------------------------------------------------------- fetch

pom_hash() { sha256sum "$POM" | cut -d' ' -f1; }

lib_ok() {
    [[ -d "$LIB_DIR" && -f "$STAMP" ]] || return 1
    [[ "$(cat "$STAMP")" == "$(pom_hash)" ]] || return 1
    compgen -G "$LIB_DIR/neo4j-5.*.jar" >/dev/null
}

cmd_fetch() {
    # lib/ is shared by all homes: serialise fetches with their own lock.
    mkdir -p "$(dirname "$LIB_DIR")"
    if command -v flock >/dev/null 2>&1; then
        exec 8>"$STAMP.lock"
        flock -w 900 8 || die "could not lock $STAMP.lock"
    fi
    if lib_ok; then
        log "jars up to date in $LIB_DIR"
        return 0
    fi
    local pid
    command -v mvn >/dev/null 2>&1 \
        || missing "Maven (mvn) is needed once to download the Neo4j jars into $LIB_DIR and" \
            "is not on PATH (install e.g. the maven package, or set GRAPHTWIN_NEO4J_LIB_DIR" \
            "to a folder of fetched jars)"
    if pid="$(running_pid)"; then
        die "pom.xml changed or lib/ incomplete while the server (pid $pid) runs: stop it first"
    fi
    log "downloading Neo4j jars into $LIB_DIR (mvn dependency:copy-dependencies) ..."
    # Start from an empty folder so that jars of an older pinned version never linger
    # on the classpath; the stamp is written only after a complete copy. The pom writes
    # to lib/ beside itself, and the pom shipped in an installed package may sit in a
    # read-only folder: mvn runs on a copy in a work folder next to the jar folder.
    rm -rf "$LIB_DIR" "$STAMP"
    local work
    work="$(mktemp -d "$(dirname "$LIB_DIR")/.fetch-$(basename "$LIB_DIR").XXXXXX")"
    cp "$POM" "$work/pom.xml"
    # (Debian's mvn prints ANSI resets even with -q -B: strip them.)
    (cd "$work" && mvn -B -q dependency:copy-dependencies 2>&1 \
        | sed 's/\x1b\[[0-9;]*m//g' | grep -v '^$' >&2 || [[ ${PIPESTATUS[0]} -eq 0 ]]) \
        || { rm -rf "$work"; die "mvn dependency:copy-dependencies failed"; }
    mv "$work/lib" "$LIB_DIR" && rm -rf "$work"
    compgen -G "$LIB_DIR/neo4j-5.*.jar" >/dev/null || die "no neo4j jar in $LIB_DIR after mvn"
    pom_hash >"$STAMP"
    log "fetched $(find "$LIB_DIR" -name '*.jar' | wc -l) jars"
}

# ---------------------------------------------------------------- process helpers

# Print the pid of the server of THIS home and return 0 if it is alive.
running_pid() {
    local pid args
    [[ -f "$PID_FILE" ]] || return 1
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    # Guard against pid reuse: the process must be our entry point for this home.
    if [[ -r "/proc/$pid/cmdline" ]]; then
        args="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
    else
        args="$(ps -p "$pid" -o args= 2>/dev/null || true)"
    fi
    [[ "$args" == *CommunityEntryPoint* && "$args" == *"--home-dir=$HOME_DIR"* ]] || return 1
    echo "$pid"
}

# Port of the running/last written config (falls back to the requested port).
conf_port() {
    local p=""
    [[ -f "$CONF_FILE" ]] && p="$(sed -n 's/^server\.bolt\.listen_address=.*:\([0-9]*\)$/\1/p' "$CONF_FILE" | tail -1)"
    echo "${p:-$PORT}"
}

tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

find_python() {
    local c
    for c in "${GRAPHTWIN_NEO4J_PYTHON:-}" ${REPO_DIR:+"$REPO_DIR/.venv/bin/python"} python python3; do
        [[ -n "$c" ]] || continue
        command -v "$c" >/dev/null 2>&1 || continue
        if "$c" -c 'import importlib.util as u, sys; sys.exit(u.find_spec("neo4j") is None)' \
            >/dev/null 2>&1; then
            echo "$c"
            return 0
        fi
    done
    return 1
}

# verify_connectivity with the neo4j driver. Exit codes: 0 ok, 2 auth rejected, 1 other.
# The password travels in the environment, never on the command line.
PROBE_PY='
import os, sys
import neo4j
from neo4j import GraphDatabase
pw = os.environ.get("GRAPHTWIN_NEO4J_PASSWORD")
auth = ("neo4j", pw) if pw else None
try:
    with GraphDatabase.driver(sys.argv[1], auth=auth, connection_timeout=5) as d:
        d.verify_connectivity()
except neo4j.exceptions.AuthError as e:
    print(e, file=sys.stderr); sys.exit(2)
except Exception as e:
    print(e, file=sys.stderr); sys.exit(1)
'

# The home was created without a password (user neo4j still has the default password
# "neo4j", marked "must change"): change it to GRAPHTWIN_NEO4J_PASSWORD.
ALTER_PY='
import os, sys
from neo4j import GraphDatabase
with GraphDatabase.driver(sys.argv[1], auth=("neo4j", "neo4j"), connection_timeout=5) as d:
    d.execute_query("ALTER CURRENT USER SET PASSWORD FROM $old TO $new",
                    old="neo4j", new=os.environ["GRAPHTWIN_NEO4J_PASSWORD"], database_="system")
'

PROBE_PYTHON=""  # set once by wait_ready: a python with `neo4j`, or empty

# Probe Bolt once: driver handshake if a python with `neo4j` exists, else TCP + log line.
# Returns 0 ok, 2 auth rejected, 1 not (yet) answering.
probe() {
    local port="$1" rc=0
    tcp_open "$port" || return 1
    if [[ -n "$PROBE_PYTHON" ]]; then
        "$PROBE_PYTHON" -c "$PROBE_PY" "bolt://127.0.0.1:$port" 2>"$RUN_DIR/probe.err" || rc=$?
        return "$rc"
    fi
    grep -q 'INFO  Started\.' "$CONSOLE_LOG" 2>/dev/null
}

print_status() {
    local state="$1" pid="${2:-}" port
    port="$(conf_port)"
    echo "state: $state"
    echo "pid: ${pid:--}"
    echo "bolt_uri: bolt://127.0.0.1:$port"
    echo "home: $HOME_DIR"
    echo "lib: $LIB_DIR"
    if [[ -f "$CONF_FILE" ]] && grep -q '^dbms.security.auth_enabled=true' "$CONF_FILE"; then
        echo "auth: enabled"
    else
        echo "auth: disabled"
    fi
}

# ---------------------------------------------------------------- config

write_conf() {
    local auth="false"
    [[ -n "${GRAPHTWIN_NEO4J_PASSWORD:-}" ]] && auth="true"
    mkdir -p "$CONF_DIR" "$IMPORT_DIR"
    cat >"$CONF_FILE" <<EOF
# Generated by neo4j.sh on every start: edits here are overwritten.
# Strict validation is on: an unknown key makes the server refuse to start.
server.default_listen_address=127.0.0.1
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:$PORT
server.http.enabled=false
server.https.enabled=false
dbms.security.auth_enabled=$auth
# Page cache 512m: a 46k-organisation / 500k-tie graph (~90 MB of store) fits with room.
server.memory.pagecache.size=512m
dbms.memory.transaction.total.max=512m
# Prune transaction logs to the two newest files at each checkpoint (default: 2 days of
# logs; each 500k-tie load writes ~0.5 GB of them).
db.tx_log.rotation.retention_policy=2 files
dbms.usage_report.enabled=false
# LOAD CSV may read file:/// URLs only inside this folder, which neo4j.sh creates empty
# (default: any file the server's user can read). graphtwin itself refuses LOAD CSV
# unless --write --allow-host-access is given.
server.directories.import=$IMPORT_DIR
dbms.security.allow_csv_import_from_file_urls=true
# Do not preallocate 256 MB transaction log files per database (test homes stay small).
db.tx_log.preallocate=false
# Unsupported internal settings (checked for the pinned 5.26.x): without them every stop
# waits ~10 s for Bolt connection/Netty quiet periods; with them the Bolt part takes ms.
# (Do not add internal.server.bolt.thread_pool_shutdown_wait_time=0s: it only adds
# "Termination of ... event loop group has exceeded" warnings.)
internal.dbms.bolt.netty_server_shutdown_quiet_period=0
internal.server.bolt.connection_shutdown_wait_time=0s
EOF
    if [[ -n "${GRAPHTWIN_NEO4J_CONF_EXTRA:-}" ]]; then
        printf '# From GRAPHTWIN_NEO4J_CONF_EXTRA:\n%s\n' "$GRAPHTWIN_NEO4J_CONF_EXTRA" >>"$CONF_FILE"
    fi
}

# Before the very first start only: the initial password of user neo4j.
# The password never appears on a command line (any local user can read those with
# `ps`): the admin tool's arguments are passed in a java @argument file, readable by
# this user only and deleted right after.
set_initial_password() {
    [[ -n "${GRAPHTWIN_NEO4J_PASSWORD:-}" ]] || return 0
    if [[ -d "$DATA_DIR/databases/system" ]]; then
        return 0  # too late: the system database exists; see the auth check after start
    fi
    local out argfile escaped rc=0
    argfile="$(umask 077 && mktemp "$RUN_DIR/.initial-password.XXXXXX")"
    # java @file syntax: a double-quoted argument, backslash and quote escaped
    escaped="${GRAPHTWIN_NEO4J_PASSWORD//\\/\\\\}"
    escaped="${escaped//\"/\\\"}"
    printf -- '-cp\n"%s/*"\norg.neo4j.cli.AdminTool\ndbms\nset-initial-password\n"%s"\n' \
        "$LIB_DIR" "$escaped" >"$argfile"
    out="$(NEO4J_HOME="$HOME_DIR" NEO4J_CONF="$CONF_DIR" \
        env -u GRAPHTWIN_NEO4J_PASSWORD "$(java_bin)" "@$argfile" 2>&1)" || rc=$?
    rm -f "$argfile"
    if ((rc != 0)); then
        die "neo4j-admin dbms set-initial-password failed: $out"
    fi
    log "initial password of user 'neo4j' set"
}

# ---------------------------------------------------------------- start / stop

wait_ready() {
    local pid="$1" port="$2" deadline rc
    PROBE_PYTHON="$(find_python || true)"
    [[ -n "$PROBE_PYTHON" ]] || log "no python with the neo4j driver: waiting for the TCP port only"
    deadline=$((SECONDS + TIMEOUT))
    while ((SECONDS < deadline)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            log "ERROR: the server (pid $pid) died during start; last lines of $CONSOLE_LOG:"
            tail -n 30 "$CONSOLE_LOG" >&2 || true
            rm -f "$PID_FILE"
            exit 1
        fi
        rc=0
        probe "$port" || rc=$?
        if ((rc == 0)); then
            return 0
        elif ((rc == 2)); then
            return 2
        fi
        sleep 0.5
    done
    return 1
}

auth_failed_msg() {
    local how="is not set"
    [[ -n "${GRAPHTWIN_NEO4J_PASSWORD:-}" ]] && how="is set"
    log "ERROR: Bolt answers on port $1 but rejects the credentials (user neo4j;" \
        "GRAPHTWIN_NEO4J_PASSWORD $how)."
    log "The initial password is applied only when the data dir is created; run" \
        "'graphtwin neo4j reset' or '$0 reset' to start over (deletes all data)."
    cat "$RUN_DIR/probe.err" >&2 2>/dev/null || true
}

cmd_start() {
    lock
    local pid port rc t0
    if pid="$(running_pid)"; then
        port="$(conf_port)"
        if [[ "$port" != "$PORT" ]]; then
            die "already running (pid $pid) on port $port, not the requested $PORT: stop it first"
        fi
        local want="disabled" have
        [[ -n "${GRAPHTWIN_NEO4J_PASSWORD:-}" ]] && want="enabled"
        have="$(print_status running "$pid" | sed -n 's/^auth: //p')"
        if [[ "$have" != "$want" ]]; then
            die "already running (pid $pid) with auth $have, but auth $want was requested" \
                "(GRAPHTWIN_NEO4J_PASSWORD): stop it first"
        fi
        rc=0
        wait_ready "$pid" "$port" || rc=$?
        if ((rc == 0)); then
            log "already running (pid $pid), Bolt answers"
            print_status running "$pid"
            return 0
        elif ((rc == 2)); then
            auth_failed_msg "$port"
            exit 1
        fi
        die "running (pid $pid) but Bolt did not answer within ${TIMEOUT}s; see $CONSOLE_LOG"
    fi
    rm -f "$PID_FILE" "$RUN_DIR/neo4j.pid"  # stale files of a killed server

    check_java
    lib_ok || cmd_fetch
    if tcp_open "$PORT"; then
        die "port 127.0.0.1:$PORT is already in use by another process (set GRAPHTWIN_NEO4J_PORT)"
    fi

    mkdir -p "$LOG_DIR" "$RUN_DIR"
    write_conf
    set_initial_password

    t0=$SECONDS
    log "starting Neo4j (home $HOME_DIR, bolt 127.0.0.1:$PORT) ..."
    # Flags as the official bin/neo4j launcher passes them (heap: -Xms/-Xmx here;
    # server.memory.heap.* and server.jvm.additional are read only by bin/neo4j).
    # Heap up to 2g: with 1g, bulk loads spent much of their time in young GCs (a whole
    # 500k-tie load ran 1.3-1.9x slower); -Xms1g keeps idle test servers small.
    # The password is not passed on; the server does not need it. Lock fds 8/9 are
    # closed for the child: otherwise the server would hold the locks while it runs.
    # Parallel GC, not G1: on 2 cores a 500k-tie load ran ~10% faster cold and warm
    # (less concurrent GC work competing with the writers; pauses stay under ~0.1 s).
    GC_OPTS="${GRAPHTWIN_NEO4J_GC:--XX:+UseParallelGC}"
    env -u GRAPHTWIN_NEO4J_PASSWORD nohup "$(java_bin)" \
        -Xms1g -Xmx2g \
        ${GC_OPTS} -XX:-OmitStackTraceInFastThrow -XX:+ExitOnOutOfMemoryError \
        -Dfile.encoding=UTF-8 -Djdk.nio.maxCachedBufferSize=1024 \
        -Dio.netty.tryReflectionSetAccessible=true -Dlog4j2.disable.jmx=true \
        --add-opens=java.base/java.nio=ALL-UNNAMED \
        --add-opens=java.base/java.io=ALL-UNNAMED \
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
        -cp "$LIB_DIR/*" \
        org.neo4j.server.CommunityEntryPoint \
        --home-dir="$HOME_DIR" --config-dir="$CONF_DIR" --console-mode \
        >"$CONSOLE_LOG" 2>&1 </dev/null 8>&- 9>&- &
    pid=$!
    echo "$pid" >"$PID_FILE"

    rc=0
    wait_ready "$pid" "$PORT" || rc=$?
    if ((rc == 2)) && [[ -n "$PROBE_PYTHON" && -n "${GRAPHTWIN_NEO4J_PASSWORD:-}" ]] \
        && "$PROBE_PYTHON" -c "$ALTER_PY" "bolt://127.0.0.1:$PORT" 2>/dev/null; then
        log "changed the default password of user 'neo4j' (home was created without auth)"
        rc=0
        wait_ready "$pid" "$PORT" || rc=$?
    fi
    if ((rc == 2)); then
        auth_failed_msg "$PORT"
        log "stopping the server again"
        cmd_stop_unlocked >/dev/null
        exit 1
    elif ((rc != 0)); then
        log "ERROR: Bolt did not answer within ${TIMEOUT}s; last lines of $CONSOLE_LOG:"
        tail -n 30 "$CONSOLE_LOG" >&2 || true
        log "stopping the server"
        cmd_stop_unlocked >/dev/null
        exit 1
    fi
    log "started in $((SECONDS - t0))s (pid $pid)"
    print_status running "$pid"
}

cmd_stop_unlocked() {
    local pid deadline
    if ! pid="$(running_pid)"; then
        rm -f "$PID_FILE"
        log "not running"
        return 0
    fi
    log "stopping pid $pid (SIGTERM) ..."
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + STOP_TIMEOUT))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
        sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "still alive after ${STOP_TIMEOUT}s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
    rm -f "$PID_FILE" "$RUN_DIR/neo4j.pid"
    log "stopped"
}

cmd_stop() {
    lock
    cmd_stop_unlocked
}

cmd_status() {
    local pid
    if pid="$(running_pid)"; then
        print_status running "$pid"
        return 0
    fi
    print_status stopped
    return 3
}

cmd_reset() {
    lock
    cmd_stop_unlocked
    rm -rf "$DATA_DIR"
    log "deleted $DATA_DIR"
}

# ---------------------------------------------------------------- main

main() {
    local cmd="${1:-}"
    [[ $# -gt 0 ]] && shift
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --timeout) TIMEOUT="${2:?--timeout needs seconds}"; shift 2 ;;
            --timeout=*) TIMEOUT="${1#--timeout=}"; shift ;;
            *) die "unknown argument: $1" ;;
        esac
    done
    [[ "$PORT" =~ ^[0-9]+$ ]] || die "GRAPHTWIN_NEO4J_PORT must be a number, got '$PORT'"
    [[ "$TIMEOUT" =~ ^[0-9]+$ ]] || die "timeout must be whole seconds, got '$TIMEOUT'"
    case "$cmd" in
        fetch) cmd_fetch ;;
        start) cmd_start ;;
        stop) cmd_stop ;;
        status) cmd_status ;;
        reset) cmd_reset ;;
        *)
            echo "usage: $0 {fetch|start|stop|status|reset} [--timeout SECONDS]" >&2
            exit 2
            ;;
    esac
}

main "$@"
