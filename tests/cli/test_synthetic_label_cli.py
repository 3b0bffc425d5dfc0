"""Synthetic data is labelled synthetic wherever results are shown: tables and maps."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from graphtwin.cli.main import cli


def invoke(*args: object) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_results_from_generated_data_say_synthetic(tmp_path: Path) -> None:
    bundle, db = tmp_path / "bundle", tmp_path / "g.db"
    assert (
        invoke("generate", "--orgs", 300, "--ties", 900, "--seed", 3, "-o", bundle).exit_code == 0
    )
    assert invoke("--db", db, "load", bundle).exit_code == 0

    r = invoke("--db", db, "centrality", "--top", 3)
    assert r.exit_code == 0
    assert "note: 300 of 300 organisations are SYNTHETIC (generated) data" in r.stderr

    html = tmp_path / "map.html"
    r = invoke("--db", db, "map", "-o", html, "--max-nodes", 50)
    assert r.exit_code == 0, r.output
    assert "SYNTHETIC data (300 of 300 organisations)" in html.read_text(encoding="utf-8")


def test_real_demo_data_carries_no_synthetic_note(tmp_path: Path) -> None:
    from graphtwin.ingest.demo import demo_bundle_path

    db = tmp_path / "demo.db"
    assert invoke("--db", db, "load", demo_bundle_path()).exit_code == 0
    r = invoke("--db", db, "centrality", "--top", 3)
    assert r.exit_code == 0
    assert "SYNTHETIC" not in r.stderr
