"""graphtwin as a user installs it: from the wheel and from the sdist, run from an empty folder.

Every test here runs the installed ``graphtwin`` console script (never the source tree) in
a fresh virtual environment built by ``conftest.py``: the Cypher library, weights, map
template, demo data and licence must all come from inside the package.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.package.conftest import REPO, Installed

#: Lines that setuptools or Python print when something is wrong with the packaging.
#: The demo's ties, one per row of its ties.csv (each becomes an edge of the exports).
DEMO_TIES = (
    len((REPO / "graphtwin" / "data" / "demo" / "ties.csv").read_text("utf-8").splitlines()) - 1
)
_WARNING = re.compile(r"SetuptoolsDeprecationWarning|SetuptoolsWarning|^WARNING|Warning:", re.M)


def _ok(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr
    assert not _WARNING.search(proc.stderr), proc.stderr
    return proc.stdout


#: Repository folders shipped inside the package under another name (pyproject.toml).
_MAPPED = {"cypher/": "graphtwin/cypher/", "tools/neo4j/": "graphtwin/neo4j_tools/"}


def _tracked_package_files() -> set[str]:
    """Files of graphtwin/, cypher/ and tools/neo4j/ in git, as paths inside the package."""
    out = subprocess.run(
        ["git", "ls-files", "graphtwin", *_MAPPED],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    names = set()
    for path in out:
        for source, target in _MAPPED.items():
            if path.startswith(source):
                path = target + path.removeprefix(source)
        names.add(path)
    return names


def test_build_has_no_setuptools_warning(dists):
    assert not _WARNING.search(dists["log"]), dists["log"]


def test_wheel_holds_every_package_file_and_the_licence(dists):
    names = set(zipfile.ZipFile(dists["wheel"]).namelist())
    missing = sorted(_tracked_package_files() - names)
    assert not missing, f"files of the source tree missing from the wheel: {missing}"
    assert any(n.endswith("dist-info/licenses/LICENSE") for n in names)
    cypher = [n for n in names if n.startswith("graphtwin/cypher/") and n.endswith(".cypher")]
    assert len(cypher) == len(list((REPO / "cypher").glob("*.cypher")))
    # The server tooling ships without the state a checkout may hold (jars, homes).
    tools = sorted(n for n in names if n.startswith("graphtwin/neo4j_tools/"))
    assert tools == [f"graphtwin/neo4j_tools/{f}" for f in ("README.md", "neo4j.sh", "pom.xml")]


def test_help_and_version(installed: Installed, tmp_path):
    out = _ok(installed.run("--help", cwd=tmp_path))
    for command in ("demo", "export", "queries", "query", "map", "neo4j"):
        assert re.search(rf"^\s+{command}\s", out, re.M), out
    assert "GRAPHTWIN_DB" in out and "NEO4J_URI" in out
    assert _ok(installed.run("--version", cwd=tmp_path)).strip() == "graphtwin, version 0.1.0"
    plain = installed.run(cwd=tmp_path)
    assert "Usage: graphtwin" in plain.stdout + plain.stderr
    assert "Traceback" not in plain.stderr


def test_demo(installed: Installed, demo_run):
    folder, proc = demo_run
    _ok(proc)
    both = proc.stdout + proc.stderr
    assert "demo finished" in both
    assert "35 organisations" in both
    for name in ("graphtwin.db", "network.html", "belfast-sejong.html", "cities.html"):
        assert (folder / "graphtwin-demo" / name).exists(), name
    html = (folder / "graphtwin-demo" / "network.html").read_text(encoding="utf-8")
    assert "Queen's University Belfast" in html or "Queen&#39;s University Belfast" in html


def test_queries_and_named_query(installed: Installed, demo_run, tmp_path):
    """The shipped library is listed and runs; GRAPHTWIN_CYPHER_DIR adds a user's folder."""
    folder, _ = demo_run
    mine = tmp_path / "my-queries"
    mine.mkdir()
    (mine / "count_orgs.cypher").write_text(
        "// name: count_orgs\n// description: How many organisations.\n"
        "MATCH (o:Organisation) RETURN count(o) AS n\n",
        encoding="utf-8",
    )
    db = ["--db", "graphtwin-demo/graphtwin.db"]
    env = {"GRAPHTWIN_CYPHER_DIR": str(mine)}
    listing = _ok(installed.run(*db, "queries", cwd=folder, **env))
    shipped = sorted({p.name.split(".")[0] for p in (REPO / "cypher").glob("*.cypher")})
    for name in [*shipped, "count_orgs"]:
        assert re.search(rf"^{name}: ", listing, re.M), name
    out = _ok(
        installed.run(*db, "query", "--name", "count_orgs", "--format", "json", cwd=folder, **env)
    )
    assert json.loads(out) == [{"n": 35}]
    rows = json.loads(
        _ok(
            installed.run(
                *db,
                "query",
                "--name",
                "ties_between_cities",
                "-p",
                "city_a=Belfast",
                "-p",
                "city_b=Sejong",
                "--format",
                "json",
                cwd=folder,
            )
        )
    )
    pairs = {(r["name_a"], r["name_b"]) for r in rows}
    assert ("Queen's University Belfast", "Korea University Sejong Campus") in pairs, rows


def test_map(installed: Installed, demo_run):
    folder, _ = demo_run
    out = _ok(
        installed.run("--db", "graphtwin-demo/graphtwin.db", "map", "-o", "m.html", cwd=folder)
    )
    assert "m.html" in out
    page = (folder / "m.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") or page.lower().startswith("<!doctype html>")
    assert "Belfast City Council" in page
    if installed.kind == "sdist":  # same code as the wheel: -o - is checked once
        return
    piped = _ok(installed.run("--db", "graphtwin-demo/graphtwin.db", "map", "-o", "-", cwd=folder))
    assert piped.lower().startswith("<!doctype html>") and "Belfast City Council" in piped
    assert not (folder / "-").exists()


def test_export(installed: Installed, demo_run):
    folder, _ = demo_run
    db = ["--db", "graphtwin-demo/graphtwin.db"]
    assert _ok(installed.run(*db, "export", "--format", "gexf", "-o", "net.gexf", cwd=folder))
    gexf = (folder / "net.gexf").read_text(encoding="utf-8")
    assert gexf.count("<edge ") == DEMO_TIES and '<viz:position x="' in gexf
    assert '<node id="qub" label="Queen\'s University Belfast">' in gexf
    graphml = _ok(installed.run(*db, "export", "--format", "graphml", "-o", "-", cwd=folder))
    assert graphml.startswith("<?xml") and graphml.rstrip().endswith("</graphml>")
    assert graphml.count("<edge ") == DEMO_TIES and '<node id="qub">' in graphml
    assert not (folder / "-").exists()


def test_neo4j_status_from_an_empty_folder(installed: Installed, tmp_path):
    """The shipped tooling answers; its state defaults to the user's data folder."""
    data = tmp_path / "xdg-data"
    proc = installed.run(
        "neo4j", "status", "--format", "json", cwd=tmp_path, XDG_DATA_HOME=str(data)
    )
    assert proc.returncode == 3, proc  # documented: 0 running, 3 stopped
    assert "Traceback" not in proc.stderr
    state = data / "graphtwin" / "neo4j"
    assert json.loads(proc.stdout) == [
        {
            "running": False,
            "pid": None,
            "bolt_uri": "bolt://127.0.0.1:7687",
            "home": str(state / "home"),
            "lib": str(state / "lib"),
            "auth": False,
        }
    ]
    assert not data.exists(), "status must not write anything"
    # Without XDG_DATA_HOME: ~/.local/share; the variables override each folder.
    home = tmp_path / "user"
    env = {"HOME": str(home), "NEO4J_HOME_DIR": str(tmp_path / "h"), "GRAPHTWIN_NEO4J_PORT": "7799"}
    proc = installed.run("neo4j", "status", "--format", "json", cwd=tmp_path, **env)
    assert proc.returncode == 3 and "Traceback" not in proc.stderr, proc
    [info] = json.loads(proc.stdout)
    assert info["bolt_uri"] == "bolt://127.0.0.1:7799" and info["home"] == str(tmp_path / "h")
    assert info["lib"] == str(home / ".local" / "share" / "graphtwin" / "neo4j" / "lib")
    table = installed.run("neo4j", "status", cwd=tmp_path, **env)
    assert table.returncode == 3 and "Traceback" not in table.stderr, table
    assert table.stdout.splitlines()[2].startswith("no "), table.stdout


def _reusable_repo_jars() -> Path | None:
    """The checkout's tools/neo4j/lib if it holds a complete fetch of the same pom."""
    tools = REPO / "tools" / "neo4j"
    stamp = tools / ".stamp-lib"
    pom_hash = hashlib.sha256((tools / "pom.xml").read_bytes()).hexdigest()
    fetched = stamp.is_file() and stamp.read_text().strip() == pom_hash
    return tools / "lib" if fetched and any((tools / "lib").glob("neo4j-5.*.jar")) else None


def _free_port() -> int:
    wanted = 17709
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", wanted)) != 0:
            return wanted
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("installed", ["wheel"], indirect=True)
def test_neo4j_start_query_stop_from_the_wheel(installed: Installed, tmp_path):
    """A real server from the installed tooling: start, status, a query over Bolt, stop, reset."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        message = f"{' and '.join(missing)} not on PATH: `graphtwin neo4j start` needs them"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    # Reuse the checkout's jars (scripts/test.sh has fetched them) instead of 123 MB again.
    lib = _reusable_repo_jars() or tmp_path / "lib"
    port = _free_port()
    folder = tmp_path / "empty"
    folder.mkdir()
    env = {
        "NEO4J_HOME_DIR": str(tmp_path / "home"),
        "GRAPHTWIN_NEO4J_LIB_DIR": str(lib),
        "GRAPHTWIN_NEO4J_PORT": str(port),
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
    }
    uri = f"bolt://127.0.0.1:{port}"
    try:
        start = installed.run("neo4j", "start", "--timeout", "240", cwd=folder, **env)
        assert _ok(start) == f"{uri}\n"
        status = installed.run("neo4j", "status", "--format", "json", cwd=folder, **env)
        [info] = json.loads(_ok(status))
        assert info["running"] is True and info["bolt_uri"] == uri
        assert info["home"] == env["NEO4J_HOME_DIR"] and info["lib"] == str(lib)
        query = installed.run(
            "--db", uri, "query", "RETURN 1 AS one", "--format", "json", cwd=folder, **env
        )
        assert json.loads(_ok(query)) == [{"one": 1}]
    finally:
        stop = installed.run("neo4j", "stop", cwd=folder, **env)
    _ok(stop)
    stopped = installed.run("neo4j", "status", cwd=folder, **env)
    assert stopped.returncode == 3, stopped
    with pytest.raises(ProcessLookupError):
        os.kill(info["pid"], 0)
    home = tmp_path / "home"
    assert (home / "data" / "databases" / "neo4j").is_dir()
    _ok(installed.run("neo4j", "reset", "--yes", cwd=folder, **env))
    assert not (home / "data").exists() and (home / "conf" / "neo4j.conf").is_file()
    assert not (tmp_path / "xdg-data").exists(), "nothing written outside the chosen folders"
    assert not any(folder.iterdir()), "nothing written into the working folder"
