#!/usr/bin/env bash
# Wait until no other apt or dpkg process holds the package-manager locks, or time out.
#
# Usage: scripts/wait-apt-lock.sh [TIMEOUT_SECONDS]
#
# scripts/test.sh runs this before apt-get, so that a test run started while another
# apt process (an unattended upgrade, another engineer's setup) is busy waits for it
# instead of failing with "Could not get lock /var/lib/dpkg/lock-frontend".
#
# A lock is "held" when fcntl(F_GETLK) reports a process holding a POSIX lock on the
# file: that is how apt and dpkg lock them (flock(1) would not see their locks). The
# check only asks; it never takes a lock. apt-get is then run with -o
# DPkg::Lock::Timeout as well, to cover the moment between this check and apt starting.
#
# Environment:
#   GRAPHTWIN_APT_LOCK_TIMEOUT  seconds to wait (default 600; the argument wins)
#   GRAPHTWIN_APT_LOCKS         space-separated lock files (default: dpkg's and apt's)
#   GRAPHTWIN_APT_LOCK_POLL     seconds between checks (default 5)
# Exit status: 0 when the locks are free, 1 on time-out (with a message on stderr).
set -euo pipefail

timeout=${1:-${GRAPHTWIN_APT_LOCK_TIMEOUT:-600}}
poll=${GRAPHTWIN_APT_LOCK_POLL:-5}
locks=${GRAPHTWIN_APT_LOCKS:-/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock}
python=$(command -v python3 || true)
if [ -z "$python" ]; then
  echo "wait-apt-lock: python3 not found; not waiting for the apt locks" >&2
  exit 0
fi

# Prints the first held lock file (and its holder's pid when known); prints nothing if free.
held_lock() {
  "$python" - "$@" <<'PY'
import fcntl, os, struct, sys
for path in sys.argv[1:]:
    if not os.path.exists(path):
        continue
    try:
        fd = os.open(path, os.O_RDONLY)
    except PermissionError:  # not readable by this user: cannot tell, do not wait for it
        continue
    try:
        # F_GETLK: who would block a write lock on the whole file?
        layout = "hhqqi4x"  # struct flock: type, whence, start, len, pid (+ padding)
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, struct.pack(layout, fcntl.F_WRLCK, 0, 0, 0, 0))
        kind, _, _, _, pid = struct.unpack(layout, answer)
        if kind != fcntl.F_UNLCK:
            print(f"{path} (pid {pid})")
            break
    finally:
        os.close(fd)
PY
}

# shellcheck disable=SC2086
holder=$(held_lock $locks)
[ -z "$holder" ] && exit 0

start=$(date +%s)
echo "== waiting for the apt/dpkg lock: $holder is held by another process (up to ${timeout}s)" >&2
while :; do
  sleep "$poll"
  # shellcheck disable=SC2086
  holder=$(held_lock $locks)
  waited=$(( $(date +%s) - start ))
  if [ -z "$holder" ]; then
    echo "== apt/dpkg lock free after ${waited}s" >&2
    exit 0
  fi
  if [ "$waited" -ge "$timeout" ]; then
    echo "error: gave up after ${waited}s waiting for the apt/dpkg lock: $holder is still held." >&2
    echo "       Another apt or dpkg process is running; let it finish (or stop it), then run" >&2
    echo "       scripts/test.sh again. GRAPHTWIN_APT_LOCK_TIMEOUT sets the wait in seconds." >&2
    exit 1
  fi
done
