"""scripts/wait-apt-lock.sh: scripts/test.sh waits for another apt/dpkg process, with a limit.

A child process holds a POSIX (fcntl) lock on a temporary file, as dpkg does on
/var/lib/dpkg/lock-frontend; the script is pointed at that file instead of the real ones.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "wait-apt-lock.sh"

HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.lockf(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


@contextmanager
def held(path: Path, seconds: float) -> Iterator[subprocess.Popen]:
    """A process holding an exclusive fcntl lock on ``path`` for ``seconds`` (or until
    the block ends: it is killed then)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "locked"
        yield proc
    finally:
        proc.kill()
        proc.wait()


def wait(locks: list[Path], timeout: int) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "GRAPHTWIN_APT_LOCKS": " ".join(map(str, locks)),
        "GRAPHTWIN_APT_LOCK_POLL": "0.2",
    }
    return subprocess.run(
        ["bash", str(SCRIPT), str(timeout)], env=env, capture_output=True, text=True, timeout=60
    )


def test_free_locks_pass_at_once(tmp_path: Path) -> None:
    lock = tmp_path / "lock-frontend"
    lock.touch()
    started = time.monotonic()
    result = wait([lock, tmp_path / "missing"], timeout=5)
    assert result.returncode == 0 and result.stderr == ""
    assert time.monotonic() - started < 5


def test_waits_until_the_other_process_lets_go(tmp_path: Path) -> None:
    lock = tmp_path / "lock-frontend"
    with held(lock, 1.5) as holder:
        result = wait([lock], timeout=30)
    assert result.returncode == 0, result.stderr
    assert f"waiting for the apt/dpkg lock: {lock} (pid {holder.pid})" in result.stderr
    assert "lock free after" in result.stderr


def test_gives_up_after_the_timeout_with_a_clear_message(tmp_path: Path) -> None:
    lock = tmp_path / "lock"
    with held(lock, 30) as holder:
        result = wait([lock], timeout=1)
    assert result.returncode == 1
    assert "gave up after" in result.stderr and f"{lock} (pid {holder.pid}) is still held" in (
        result.stderr
    )
    assert "GRAPHTWIN_APT_LOCK_TIMEOUT" in result.stderr


def test_test_sh_waits_before_every_apt_get() -> None:
    text = (REPO / "scripts" / "test.sh").read_text(encoding="utf-8")
    apt_lines = [line for line in text.splitlines() if "apt-get " in line]
    assert apt_lines and all("DPkg::Lock::Timeout" in line for line in apt_lines), apt_lines
    assert text.index("scripts/wait-apt-lock.sh") < text.index("apt-get ")
