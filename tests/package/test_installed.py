"""graphtwin as a user installs it: from the wheel and from the sdist, run from an empty folder.

Every test here runs the installed ``graphtwin`` console script (never the source tree) in
a fresh virtual environment built by ``conftest.py``: the Cypher library, weights, map
template, demo data and licence must all come from inside the package.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile

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


def _tracked_package_files() -> set[str]:
    """Files under graphtwin/ and cypher/ in git, as paths inside the installed package."""
    out = subprocess.run(
        ["git", "ls-files", "graphtwin", "cypher"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {("graphtwin/" + p) if p.startswith("cypher/") else p for p in out}


def test_build_has_no_setuptools_warning(dists):
    assert not _WARNING.search(dists["log"]), dists["log"]


def test_wheel_holds_every_package_file_and_the_licence(dists):
    names = set(zipfile.ZipFile(dists["wheel"]).namelist())
    missing = sorted(_tracked_package_files() - names)
    assert not missing, f"files of the source tree missing from the wheel: {missing}"
    assert any(n.endswith("dist-info/licenses/LICENSE") for n in names)
    cypher = [n for n in names if n.startswith("graphtwin/cypher/") and n.endswith(".cypher")]
    assert len(cypher) == len(list((REPO / "cypher").glob("*.cypher")))


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


def test_neo4j_status_says_what_to_do(installed: Installed, tmp_path):
    proc = installed.run("neo4j", "status", cwd=tmp_path)
    # The local-server tooling (tools/neo4j) ships with a source checkout only: the
    # installed command must say so in one line and exit 1, not crash.
    assert proc.returncode == 1, proc
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: the local Neo4j tooling is not available"), proc.stderr
    assert "bolt://" in proc.stderr
