"""The notebooks in notebooks/ are paired, stored with outputs, and run end to end.

Each notebook's source is its jupytext percent script (``notebooks/NN_name.py``); the
``.ipynb`` beside it must hold exactly the same cells, with outputs (so it reads on
GitHub). Each script is executed here with nbclient, in notebooks/ as working folder
(where a user opens them), on an ipykernel started with *this* interpreter. A probe
cell inserted before the notebook's closing cell reports a few values as JSON; the
checks compare them, and the printed outputs of tagged cells, with answers computed
here from the data. The notebooks call the analysis functions but the checks do not
pin their numbers: those belong to the analysis tests.

Notebook 03 needs the Neo4j server of the ``neo4j_uri`` fixture (under CI=true a
missing server fails the test); the database is wiped before it runs.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jupytext
import nbformat
import pytest
from nbformat.notebooknode import NotebookNode

from graphtwin.ingest import read_bundle
from graphtwin.ingest.demo import demo_bundle_path
from graphtwin.model import REL_TYPES
from graphtwin.store import open_store
from tests.integration.conftest import wipe_neo4j

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = REPO / "notebooks"
REAL_DATA = REPO / "tests" / "data" / "real"
#: The notebooks the issue asks for; more may be added.
REQUIRED = {"01_quickstart", "02_bring_your_own_data", "03_neo4j"}
PROBE = "GRAPHTWIN-PROBE "

#: Per notebook: what the probe cell reports (evaluated in the notebook's namespace).
PROBES: dict[str, str] = {
    "01_quickstart": (
        "{'intro_pairs': intro[['source', 'target']].values.tolist(),"
        " 'bridge_ids': bridge_table['id'].head(5).tolist(),"
        " 'twin_countries': twin_table[['country_a', 'country_b']].values.tolist(),"
        " 'library_rows': len(ties.rows),"
        " 'gt': sorted(a for a in g.vs.attributes() if a.startswith('gt_'))}"
    ),
    "02_bring_your_own_data": (
        "{'organisations': g.vcount(), 'ties': g.ecount(),"
        " 'city_a': str(city_a), 'city_b': str(city_b),"
        " 'intro_cities': intro[['source_city', 'target_city']].values.tolist(),"
        " 'map_bytes': html_path.stat().st_size, 'workdir': str(workdir)}"
    ),
    "03_neo4j": (
        "{'intro_pairs': intro[['source', 'target']].values.tolist(),"
        " 'introductions': introductions}"
    ),
}


def sources() -> dict[str, Path]:
    return {p.stem: p for p in RUNNER.sources()}


# --------------------------------------------------------------------------------------
# Running notebooks
# --------------------------------------------------------------------------------------


def _runner() -> Any:
    """tools/run_notebooks.py, which runs notebooks the same way for storing outputs."""
    spec = importlib.util.spec_from_file_location("run_notebooks", REPO / "tools/run_notebooks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RUNNER = _runner()


class Run:
    """An executed notebook: its cells with outputs, and the probe's report."""

    def __init__(self, nb: NotebookNode, probe: dict[str, Any]) -> None:
        self.nb = nb
        self.probe = probe

    def tagged(self, tag: str) -> NotebookNode:
        cells = [c for c in self.nb.cells if tag in c.get("metadata", {}).get("tags", [])]
        assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
        return cells[0]

    def text(self, tag: str) -> str:
        """Printed text and text/plain results of the cell tagged ``tag``."""
        parts = []
        for out in self.tagged(tag).get("outputs", []):
            if out.output_type == "stream" and out.name == "stdout":
                parts.append(out.text)
            elif out.output_type in ("execute_result", "display_data"):
                parts.append(out.data.get("text/plain", ""))
        return "".join(parts)

    def html(self, tag: str) -> str:
        return "".join(
            out.data.get("text/html", "")
            for out in self.tagged(tag).get("outputs", [])
            if out.output_type in ("execute_result", "display_data")
        )


#: Attribute of the pytest config where run times go (printed by tests/notebooks/conftest.py).
TIMES_ATTRIBUTE = "graphtwin_notebook_seconds"


def run_notebook(stem: str, config: pytest.Config) -> Run:
    """Execute ``notebooks/<stem>.py`` (with a probe cell) and record its run time."""
    nb = RUNNER.read_source(sources()[stem])
    closing = max(i for i, c in enumerate(nb.cells) if ".close()" in c.source)
    nb.cells.insert(
        closing,
        nbformat.v4.new_code_cell(
            f"import json as _json\nprint({PROBE!r} + _json.dumps({PROBES[stem]}, default=str))"
        ),
    )
    seconds = RUNNER.execute(nb, NOTEBOOK_DIR)
    if not hasattr(config, TIMES_ATTRIBUTE):
        setattr(config, TIMES_ATTRIBUTE, {})
    getattr(config, TIMES_ATTRIBUTE)[stem] = seconds
    lines = [
        line[len(PROBE) :]
        for out in nb.cells[closing].outputs
        if out.output_type == "stream"
        for line in out.text.splitlines()
        if line.startswith(PROBE)
    ]
    assert len(lines) == 1, f"probe printed {len(lines)} lines"
    return Run(nb, json.loads(lines[0]))


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[pytest.MonkeyPatch]:
    """Kernel runtime and IPython folders inside the test's temporary folder."""
    mp = pytest.MonkeyPatch()
    base = tmp_path_factory.mktemp("jupyter")
    mp.setenv("JUPYTER_RUNTIME_DIR", str(base / "runtime"))
    mp.setenv("IPYTHONDIR", str(base / "ipython"))
    mp.setenv("OMP_NUM_THREADS", "1")
    yield mp
    mp.undo()


@pytest.fixture(scope="module")
def quickstart(kernel_env: pytest.MonkeyPatch, pytestconfig: pytest.Config) -> Run:
    return run_notebook("01_quickstart", pytestconfig)


@pytest.fixture(scope="module")
def own_data(kernel_env: pytest.MonkeyPatch, pytestconfig: pytest.Config) -> Run:
    return run_notebook("02_bring_your_own_data", pytestconfig)


@pytest.fixture(scope="module")
def on_neo4j(kernel_env: pytest.MonkeyPatch, neo4j_uri: str, pytestconfig: pytest.Config) -> Run:
    wipe_neo4j(neo4j_uri)
    kernel_env.setenv("NEO4J_URI", neo4j_uri)
    return run_notebook("03_neo4j", pytestconfig)


def assert_clean(run: Run) -> None:
    """Every code cell ran; no error outputs, tracebacks or warnings on stderr."""
    outputs = [out for cell in run.nb.cells for out in cell.get("outputs", [])]
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors, [f"{e.ename}: {e.evalue}" for e in errors]
    stderr = "".join(o.text for o in outputs if o.output_type == "stream" and o.name == "stderr")
    assert "Traceback" not in stderr and "Warning" not in stderr, stderr
    assert all(c.execution_count for c in run.nb.cells if c.cell_type == "code")


@pytest.fixture(scope="module")
def demo() -> Any:
    return read_bundle(demo_bundle_path())


def orgs_in(bundle: Any, *cities: str) -> dict[str, str]:
    """id → name of the bundle's organisations located in any of ``cities``."""
    return {o.id: o.name for o in bundle.organisations if o.city in cities}


def ties_between(bundle: Any, a: str, b: str) -> int:
    city = {o.id: o.city for o in bundle.organisations}
    return sum({city[t.source], city[t.target]} == {a, b} for t in bundle.ties)


# --------------------------------------------------------------------------------------
# Source and stored notebooks
# --------------------------------------------------------------------------------------


def test_the_required_notebooks_exist_and_nothing_generates_them() -> None:
    assert set(sources()) >= REQUIRED, sorted(sources())
    assert not (REPO / "tools" / "make_notebooks.py").exists()
    stored = {p.stem for p in NOTEBOOK_DIR.glob("*.ipynb")}
    assert stored == set(sources()), "every script has its .ipynb and no .ipynb is orphaned"


@pytest.mark.parametrize("stem", sorted(REQUIRED))
def test_stored_notebook_has_the_cells_of_its_script(stem: str) -> None:
    script = jupytext.read(sources()[stem])
    stored = nbformat.read(NOTEBOOK_DIR / f"{stem}.ipynb", as_version=4)
    nbformat.validate(stored)

    def cells(nb: NotebookNode) -> list[tuple[str, str, list[str]]]:
        return [
            (c.cell_type, c.source.strip(), sorted(c.get("metadata", {}).get("tags", [])))
            for c in nb.cells
        ]

    assert cells(stored) == cells(script), (
        f"notebooks/{stem}.ipynb differs from its script: run python tools/run_notebooks.py {stem}"
    )
    assert stored.metadata.kernelspec.name == "python3"
    assert stored.metadata.get("jupytext", {}).get("formats") == "ipynb,py:percent"


@pytest.mark.parametrize("stem", sorted(REQUIRED))
def test_stored_notebook_carries_its_outputs(stem: str) -> None:
    """Stored as run: every code cell executed in order, no errors, some output shown."""
    stored = nbformat.read(NOTEBOOK_DIR / f"{stem}.ipynb", as_version=4)
    code = [c for c in stored.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    shown = [c for c in code if c.outputs]
    assert len(shown) >= len(code) // 2, f"{stem}: most cells were stored without outputs"


# --------------------------------------------------------------------------------------
# 01_quickstart
# --------------------------------------------------------------------------------------


def test_quickstart_runs_cleanly(quickstart: Run) -> None:
    assert_clean(quickstart)


def test_quickstart_loads_every_demo_organisation_and_tie(quickstart: Run, demo: Any) -> None:
    text = quickstart.text("counts")
    counts = dict(re.findall(r"'(\w+)': (\d+)", text))
    assert int(counts["Organisation"]) == len(demo.organisations)
    assert int(counts["LOCATED_IN"]) == len(demo.organisations)
    assert sum(int(counts[rel]) for rel in REL_TYPES) == len(demo.ties)


def test_quickstart_bridges_and_reasons_name_the_pair(quickstart: Run, demo: Any) -> None:
    ids = set(quickstart.probe["bridge_ids"])
    assert ids <= {o.id for o in demo.organisations} and len(ids) == 5
    reasons = quickstart.text("bridges-reasons")
    assert "Belfast" in reasons and "Sejong" in reasons, reasons


def test_quickstart_introductions_pair_belfast_with_sejong_untied(
    quickstart: Run, demo: Any
) -> None:
    belfast, sejong = orgs_in(demo, "Belfast"), orgs_in(demo, "Sejong")
    pairs = quickstart.probe["intro_pairs"]
    assert pairs, "no introductions"
    for source, target in pairs:
        assert source in belfast and target in sejong, (source, target)
    tied = {frozenset((t.source, t.target)) for t in demo.ties}
    assert not [p for p in pairs if frozenset(p) in tied], "suggested an existing tie"
    reasons = quickstart.text("introductions-reasons")
    assert belfast[pairs[0][0]] in reasons and sejong[pairs[0][1]] in reasons


def test_quickstart_twins_pair_uk_with_korean_cities(quickstart: Run) -> None:
    pairs = quickstart.probe["twin_countries"]
    assert pairs and all(p == ["GB", "KR"] for p in pairs), pairs


def test_quickstart_library_query_lists_every_belfast_sejong_tie(
    quickstart: Run, demo: Any
) -> None:
    expected = ties_between(demo, "Belfast", "Sejong")
    assert quickstart.probe["library_rows"] == expected
    assert f"{expected} ties between Belfast and Sejong" in quickstart.text("library")


def test_quickstart_scores_are_written_back_and_queryable(quickstart: Run, demo: Any) -> None:
    assert {"gt_pagerank", "gt_betweenness", "gt_bridge_score"} <= set(quickstart.probe["gt"])
    text = quickstart.text("cypher-scores")
    assert any(name[:30] in text for name in orgs_in(demo, "Belfast").values()), text


def test_quickstart_shows_the_map_inline(quickstart: Run) -> None:
    html = quickstart.html("map")
    assert html.count("<iframe") == 1 and 'srcdoc="' in html
    assert "Belfast" in html and "Sejong" in html
    assert "city-pair map" in quickstart.text("map")


# --------------------------------------------------------------------------------------
# 02_bring_your_own_data
# --------------------------------------------------------------------------------------


def _csv_rows(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.DictReader(fh))


def test_own_data_runs_cleanly_and_leaves_nothing(own_data: Run) -> None:
    assert_clean(own_data)
    assert not Path(own_data.probe["workdir"]).exists(), "temporary folder left behind"


def test_own_data_imports_and_loads_every_ror_record(own_data: Run) -> None:
    records = _csv_rows(REAL_DATA / "ror_gb_kr_from_ror_records.csv")
    assert f"ROR records read: {records:,}" in own_data.text("import")
    # Inactive and withdrawn records are dropped by default: every active one is loaded.
    with (REAL_DATA / "ror_gb_kr_from_ror_records.csv").open(encoding="utf-8") as fh:
        active = sum(row["status"] == "active" for row in csv.DictReader(fh))
    assert 0 < active < records
    assert own_data.probe["organisations"] == active
    assert f"analysis graph: {active:,} organisations" in own_data.text("load")
    ties = re.search(r"ties kept: ([\d,]+)", own_data.text("import"))
    assert ties and own_data.probe["ties"] == int(ties.group(1).replace(",", ""))


def test_own_data_shows_the_csv_format_and_a_validation_error(own_data: Run) -> None:
    csv_text = own_data.text("csv")
    assert "organisations.csv:" in csv_text and "ties.csv:" in csv_text
    message = own_data.text("validation")
    assert "nothing was written" in message
    assert re.search(r"ties\.csv:2: kind: unknown tie kind 'parnet'", message), message


def test_own_data_introductions_and_map_are_for_the_top_pair(own_data: Run) -> None:
    probe = own_data.probe
    assert probe["intro_cities"], "no introductions"
    for source_city, target_city in probe["intro_cities"]:
        assert (source_city, target_city) == (probe["city_a"], probe["city_b"])
    assert probe["map_bytes"] > 10_000
    assert "city-pair map" in own_data.text("map")


# --------------------------------------------------------------------------------------
# 03_neo4j
# --------------------------------------------------------------------------------------


@pytest.mark.neo4j
def test_neo4j_notebook_runs_and_matches_the_embedded_store(on_neo4j: Run) -> None:
    assert_clean(on_neo4j)
    assert "counts unchanged by the second load: True" in on_neo4j.text("load")
    same = on_neo4j.text("same-analysis")
    assert "same organisations and ties: True" in same
    assert "same top 5 bridges: True" in same


@pytest.mark.neo4j
def test_neo4j_notebook_writes_scores_and_introductions(
    on_neo4j: Run, neo4j_uri: str, demo: Any
) -> None:
    """Read back from the server by the test itself, not by the notebook."""
    with open_store(neo4j_uri, read_only=True) as store:
        orgs, scored = store.query(
            "MATCH (o:Organisation) RETURN count(o), count(o.gt_bridge_score)"
        ).rows[0]
        pairs = store.query(
            "MATCH (a:Organisation)-[:POTENTIAL]->(b:Organisation) RETURN a.id, b.id"
        ).rows
    assert orgs == scored == len(demo.organisations)
    assert sorted(map(list, pairs)) == sorted(on_neo4j.probe["intro_pairs"])
    assert on_neo4j.probe["introductions"] == len(pairs) > 0
    assert "Belfast City Council" in on_neo4j.text("top-by-score")
    chains = re.findall(r"^(\d) ties: (.+)$", on_neo4j.text("neo4j-cypher"), flags=re.M)
    assert chains and len({c for _, c in chains}) == len(chains), "a chain listed twice"
