"""Merging organisations by ROR id: in a bundle, and against a store (embedded Ladybug)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from graphtwin.ingest import read_bundle
from graphtwin.ingest.merge import merge_by_ror
from graphtwin.ingest.openalex import import_openalex
from graphtwin.ingest.ror import import_ror
from graphtwin.model import Bundle, Organisation, Tie

GRAPHTWIN = str(Path(sys.executable).with_name("graphtwin"))
ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "data" / "real"


def _org(oid: str, ror: str | None = None, source: str = "s") -> Organisation:
    return Organisation(oid, oid.upper(), "university", "Belfast", "GB", ror_id=ror, source=source)


def test_merge_in_a_bundle() -> None:
    a = _org("qub", "https://ror.org/00hswnk62", "demo")
    b = _org("00hswnk62", "00hswnk62", "ROR")
    c = _org("cordis-1", "https://ror.org/00hswnk62", "CORDIS")
    x = _org("x")
    bundle = Bundle(
        organisations=[a, b, c, x],
        ties=[
            Tie("00hswnk62", "x", "project", start="2020"),
            Tie("x", "cordis-1", "project", evidence="second view"),  # same pair and kind
            Tie("qub", "cordis-1", "project"),  # becomes a self-tie
            Tie("cordis-1", "x", "funding"),  # directed: kept apart
        ],
    )
    report = merge_by_ror(bundle)
    assert [o.id for o in bundle.organisations] == ["qub", "x"]
    assert a.source == "demo; alias 00hswnk62 (ROR); alias cordis-1 (CORDIS)"
    assert report.merged == [("qub", "00hswnk62", "00hswnk62"), ("qub", "cordis-1", "00hswnk62")]
    assert (report.ties_redirected, report.ties_self_dropped, report.ties_combined) == (4, 1, 1)
    assert [(t.source, t.target, t.kind, t.start, t.evidence) for t in bundle.ties] == [
        ("qub", "x", "project", "2020", "second view"),
        ("qub", "x", "funding", None, None),
    ]
    assert "merged by ROR id: 2 organisation(s) into 1" in report.lines()[0]


def test_no_ror_ids_nothing_changes() -> None:
    bundle = Bundle(organisations=[_org("a"), _org("b")], ties=[Tie("a", "b", "mou")])
    assert merge_by_ror(bundle).merged == [] and len(bundle.organisations) == 2


def test_ror_and_openalex_bundles_share_ids() -> None:
    """The OpenAlex importer uses the ROR importer's ids: nothing to merge between them."""
    ror = import_ror([REAL / "ror_gb_kr_from_ror_records.csv"])
    oa = import_openalex(
        [REAL / "openalex" / "works_part_000.gz"], ror=[REAL / "ror_gb_kr_from_ror_records.csv"]
    )
    ror_ids = {o.id: o.ror_id for o in ror.bundle.organisations}
    assert all(ror_ids.get(o.id) == o.ror_id for o in oa.bundle.organisations if o.id in ror_ids)


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([GRAPHTWIN, *map(str, args)], capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip


def test_load_merges_with_the_store(tmp_path: Path) -> None:
    """Demo first (slugs with ror_id), then ROR records: one node per organisation."""
    db = tmp_path / "db"
    ror = tmp_path / "ror"
    assert _run("import", "ror", REAL / "ror_twinning_subset.csv", "-o", ror).returncode == 0
    demo = read_bundle(ROOT / "graphtwin" / "data" / "demo")
    demo_rors = {o.ror_id.rsplit("/", 1)[-1] for o in demo.organisations if o.ror_id}
    first = _run("--db", db, "load", ROOT / "graphtwin" / "data" / "demo")
    assert first.returncode == 0, first.stderr
    second = _run("--db", db, "load", ror)
    assert second.returncode == 0, second.stderr
    ror_ids = {o.id for o in read_bundle(ror).organisations}
    merged = ror_ids & demo_rors
    assert f"merged by ROR id: {len(merged)} organisation(s)" in second.stderr
    assert "00hswnk62 -> qub (ROR 00hswnk62)" in second.stderr
    count = _run("--db", db, "--format", "csv", "query",
                 "MATCH (o:Organisation) RETURN count(o) AS n")  # fmt: skip
    assert count.stdout.splitlines()[1] == str(len(demo.organisations) + len(ror_ids - merged))
    qub = _run("--db", db, "--format", "csv", "query",
               "MATCH (o:Organisation {id: 'qub'}) RETURN o.source AS s")  # fmt: skip
    assert "alias 00hswnk62 (ROR" in qub.stdout
    again = _run("--db", db, "load", ror)
    assert "created nothing; updated nothing" in again.stderr  # idempotent
