"""Build the wheel and the sdist once per session and install each into a fresh venv.

``python -m build`` makes the sdist and then the wheel *from the sdist*, so a file missing
from the sdist breaks the wheel too. Each distribution is installed into its own new
virtual environment with ``uv`` (a fast pip replacement; its cache makes the second and
later installs take a couple of seconds instead of about 50 s with pip), dependencies
included, exactly as a user would install it. Nothing of the source tree is importable in
those environments: commands run from an empty folder with a cleaned environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
#: Variables that would point an installed graphtwin at the repository or a store.
_CLEARED = (
    "PYTHONPATH",
    "VIRTUAL_ENV",
    "GRAPHTWIN_DB",
    "GRAPHTWIN_CYPHER_DIR",
    "NEO4J_URI",
    "NEO4J_USERNAME",
    "NEO4J_PASSWORD",
    "NEO4J_DATABASE",
    "NEO4J_HOME_DIR",
    "GRAPHTWIN_NEO4J_LIB_DIR",
    "GRAPHTWIN_NEO4J_PORT",
    "GRAPHTWIN_NEO4J_PASSWORD",
    "XDG_DATA_HOME",
)


@dataclass(frozen=True)
class Installed:
    """graphtwin installed from one distribution into a fresh virtual environment."""

    kind: str  # "wheel" or "sdist"
    dist: Path
    venv: Path
    build_log: str

    @property
    def graphtwin(self) -> Path:
        return self.venv / "bin" / "graphtwin"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
        env["PATH"] = f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["OMP_NUM_THREADS"] = "1"
        env.update(extra)
        return env

    def run(
        self, *args: str, cwd: Path, timeout: float = 300, **env: str
    ) -> subprocess.CompletedProcess[str]:
        """``graphtwin ARGS`` in ``cwd``, output captured as text."""
        return subprocess.run(
            [str(self.graphtwin), *args],
            cwd=cwd,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def _uv() -> list[str]:
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    if not Path(uv).exists():
        pytest.fail("uv is missing: install the dev extras (scripts/setup.sh --dev)")
    return [uv]


def _timed(label: str, cmd: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    print(f"[package] {label}: {time.perf_counter() - start:.1f}s", file=sys.stderr)
    if proc.returncode:
        pytest.fail(f"{label} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The sdist and the wheel, built once from the working tree, and the build output."""
    out = tmp_path_factory.mktemp("dist")
    proc = _timed(
        "python -m build (sdist, then wheel from it)",
        [sys.executable, "-m", "build", "--outdir", str(out), str(REPO)],
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        timeout=600,
    )
    wheels, sdists = list(out.glob("*.whl")), list(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, list(out.iterdir())
    return {"wheel": wheels[0], "sdist": sdists[0], "log": proc.stdout + proc.stderr}


@pytest.fixture(scope="session", params=["wheel", "sdist"])
def installed(request: pytest.FixtureRequest, dists, tmp_path_factory) -> Installed:
    """graphtwin from the wheel or the sdist in a new venv (dependencies from the index)."""
    kind = request.param
    venv = tmp_path_factory.mktemp(f"venv-{kind}") / "venv"
    uv = _uv()
    _timed(f"uv venv ({kind})", [*uv, "venv", "--quiet", "--python", sys.executable, str(venv)])
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env["VIRTUAL_ENV"] = str(venv)
    _timed(
        f"uv pip install {dists[kind].name}",
        [*uv, "pip", "install", "--quiet", str(dists[kind])],
        env=env,
        timeout=900,
    )
    return Installed(kind, dists[kind], venv, dists["log"])


@pytest.fixture(scope="session")
def demo_run(installed: Installed, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """``graphtwin demo`` run once per installation from an empty folder."""
    folder = tmp_path_factory.mktemp(f"empty-{installed.kind}")
    assert not any(folder.iterdir())
    start = time.perf_counter()
    proc = installed.run("demo", cwd=folder)
    print(
        f"[package] graphtwin demo ({installed.kind}): {time.perf_counter() - start:.1f}s",
        file=sys.stderr,
    )
    return folder, proc
