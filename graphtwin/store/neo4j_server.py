"""Start, stop, reset and inspect a local Neo4j 5.26 Community server.

A thin wrapper around ``neo4j.sh`` (see its README): the server jars come from Maven
Central, no Docker is needed; Java 17 or 21 and (once, to download the jars) Maven must
be on PATH. The script ships inside the package (``graphtwin/neo4j_tools``, built from the
repository's ``tools/neo4j``); in a source checkout the repository's copy runs.

Configuration is read by the script from the environment (inherited by the subprocess):
``GRAPHTWIN_NEO4J_PORT`` (Bolt port, default 7687), ``GRAPHTWIN_NEO4J_PASSWORD`` (if set,
auth is enabled with this initial password for user ``neo4j``), ``NEO4J_HOME_DIR``
(server home) and ``GRAPHTWIN_NEO4J_LIB_DIR`` (jar folder). Their defaults: in a source
checkout ``tools/neo4j/home`` and ``tools/neo4j/lib``; installed,
``$XDG_DATA_HOME/graphtwin/neo4j/home`` and ``.../lib`` (``XDG_DATA_HOME`` defaulting to
``~/.local/share``).

Example::

    from graphtwin.store import neo4j_server
    uri = neo4j_server.start()
    neo4j_server.status()["running"]
    True
    neo4j_server.stop()
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphtwin.errors import GraphtwinError

__all__ = ["Neo4jServerError", "reset", "script_path", "start", "status", "stop"]

#: Exit code of ``neo4j.sh status`` when the server is not running.
_EXIT_STOPPED = 3
#: Exit code of ``neo4j.sh`` when a requirement (Java, Maven) is missing.
_EXIT_MISSING = 4
#: How the script starts its error lines.
_ERROR = "neo4j.sh: ERROR: "
#: Seconds ``stop`` may take: the script waits up to 60 s, then SIGKILLs.
_STOP_TIMEOUT = 120


class Neo4jServerError(GraphtwinError, RuntimeError):
    """The local Neo4j server could not be started, stopped or queried.

    Also raised when Java or Maven is missing (in one line saying so), or when the
    script is not there at all (a broken installation).
    """


def _tools_dir() -> Path:
    """The folder of ``neo4j.sh``: shipped in the package, else the source checkout's."""
    package = Path(__file__).resolve().parents[1]
    shipped = package / "neo4j_tools"
    return shipped if (shipped / "neo4j.sh").is_file() else package.parent / "tools" / "neo4j"


def script_path() -> Path:
    """Return the path of ``neo4j.sh`` (in the package, or ``tools/neo4j`` of a checkout).

    Raises:
        Neo4jServerError: the script is in neither place (a broken installation).
    """
    script = _tools_dir() / "neo4j.sh"
    if not script.is_file():
        raise Neo4jServerError(
            f"the local Neo4j tooling is missing: {script} does not exist "
            "(reinstall graphtwin; or run a Neo4j 5 server yourself and pass its bolt:// URI)"
        )
    return script


def _run(
    command: str,
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``neo4j.sh COMMAND ARGS``; ``progress`` gets its stderr lines as they come.

    The ``ERROR:`` lines are not passed to ``progress``: they end up in the exception.
    """
    script = script_path()
    full_env = dict(os.environ if env is None else env)
    # Let the readiness probe use this interpreter if it has the neo4j driver.
    full_env.setdefault("GRAPHTWIN_NEO4J_PYTHON", sys.executable)
    argv = ["bash", str(script), command, *args]
    try:
        if progress is None:
            return subprocess.run(
                argv,
                cwd=script.parent,
                env=full_env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        # No timeout here (only start streams, and the script enforces its own).
        with subprocess.Popen(
            argv,
            cwd=script.parent,
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as proc:
            assert proc.stdout is not None and proc.stderr is not None
            err = []
            for line in proc.stderr:  # stdout is a few lines: it cannot fill its pipe
                err.append(line)
                if not line.startswith(_ERROR):
                    progress(line.rstrip("\n"))
            out = proc.stdout.read()
        return subprocess.CompletedProcess(argv, proc.returncode, out, "".join(err))
    except FileNotFoundError as exc:  # no bash
        raise Neo4jServerError(f"cannot run {script}: {exc}") from exc
    except subprocess.TimeoutExpired as exc:
        raise Neo4jServerError(
            f"'neo4j.sh {command}' did not finish within {timeout:.0f}s"
        ) from exc


def _fail(
    command: str, proc: subprocess.CompletedProcess[str], shown: bool = False
) -> Neo4jServerError:
    """The error for a failed script run; ``shown``: its other stderr lines were shown."""
    lines = (proc.stderr or "").strip().splitlines()
    if proc.returncode == _EXIT_MISSING and lines:
        # Java or Maven is missing: the script's one line says which and what to do.
        return Neo4jServerError(lines[-1].removeprefix(_ERROR))
    errors = [line.removeprefix(_ERROR) for line in lines if line.startswith(_ERROR)]
    if shown and errors:  # one line; the rest (e.g. the server log's tail) was shown
        return Neo4jServerError(f"neo4j.sh {command} failed: {'; '.join(errors)}")
    detail = "\n".join(lines[-40:]) or (proc.stdout or "").strip() or "(no output)"
    return Neo4jServerError(f"neo4j.sh {command} failed (exit {proc.returncode}):\n{detail}")


def _stop_like(command: str) -> None:
    """Run ``stop`` or ``reset`` (both stop the server first: up to 60 s, then SIGKILL)."""
    proc = _run(command, timeout=_STOP_TIMEOUT)
    if proc.returncode != 0:
        raise _fail(command, proc)


def _parse(stdout: str) -> dict[str, str]:
    """Parse the ``key: value`` lines that ``neo4j.sh start|status`` print on stdout."""
    out: dict[str, str] = {}
    for line in stdout.splitlines():
        key, sep, value = line.partition(": ")
        if sep and key and " " not in key:
            out[key.strip()] = value.strip()
    return out


def start(
    port: int | None = None,
    timeout: int = 120,
    progress: Callable[[str], None] | None = None,
) -> str:
    """Start the local server if it is not running and wait until Bolt answers.

    Idempotent: a server already running for the same home and port is left alone.
    The first call downloads the jars with Maven (once) and creates the databases,
    which takes tens of seconds.

    Args:
        port: Bolt port on 127.0.0.1; None means ``GRAPHTWIN_NEO4J_PORT`` or 7687.
        timeout: seconds to wait for Bolt to answer (excluding a first jar download).
        progress: called with each line the script reports (jar download, start, the
            server log's tail on failure), e.g. ``print``; the error is then one line.
            None: the lines appear in the error instead.

    Returns:
        The Bolt URI, e.g. ``"bolt://127.0.0.1:7687"``.

    Raises:
        Neo4jServerError: Java or Maven is missing, the port is taken, the server died
            or did not answer in time (the message includes the tail of its log).
    """
    env = dict(os.environ)
    if port is not None:
        if not 0 < int(port) < 65536:
            raise Neo4jServerError(f"invalid port: {port}")
        env["GRAPHTWIN_NEO4J_PORT"] = str(int(port))
    proc = _run("start", "--timeout", str(int(timeout)), env=env, progress=progress)
    if proc.returncode != 0:
        raise _fail("start", proc, shown=progress is not None)
    uri = _parse(proc.stdout).get("bolt_uri")
    if not uri:
        raise Neo4jServerError(f"neo4j.sh start printed no bolt_uri:\n{proc.stdout}")
    return uri


def stop() -> None:
    """Stop the local server (SIGTERM, SIGKILL after 60 s). Does nothing if it is stopped.

    Raises:
        Neo4jServerError: the script failed.
    """
    _stop_like("stop")


def reset() -> None:
    """Stop the local server and delete its data directory (all databases and users).

    Raises:
        Neo4jServerError: the script failed.
    """
    _stop_like("reset")


def status() -> dict[str, Any]:
    """Describe the local server.

    Returns:
        ``{"running": bool, "pid": int | None, "bolt_uri": str, "home": str, "lib": str,
        "auth": bool}``. ``bolt_uri`` is the URI the server uses (or would use); ``home``
        and ``lib`` are the server home and the jar folder.
        "running" means the server process is alive, not that Bolt answers yet.

    Raises:
        Neo4jServerError: the script failed.
    """
    proc = _run("status", timeout=60)
    if proc.returncode not in (0, _EXIT_STOPPED):
        raise _fail("status", proc)
    info = _parse(proc.stdout)
    pid = info.get("pid", "-")
    return {
        "running": proc.returncode == 0,
        "pid": int(pid) if pid.isdigit() else None,
        "bolt_uri": info.get("bolt_uri", ""),
        "home": info.get("home", ""),
        "lib": info.get("lib", ""),
        "auth": info.get("auth") == "enabled",
    }
