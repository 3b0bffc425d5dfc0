"""The notebooks in notebooks/ run end to end, and show what they promise.

Each notebook is executed once per session with nbclient, in a temporary working
directory, on an ipykernel started with *this* interpreter (``sys.executable``): the
kernel spec is supplied here, so the run depends neither on ``jupyter kernelspec
install`` nor on whatever ``python3`` kernel the user's Jupyter directories hold.
A probe cell appended by the test reports a few results from the notebook's namespace
as JSON; the other checks read the outputs of tagged cells (tags are set in
tools/make_notebooks.py) and compare them with answers computed here from the data.

The committed notebooks must equal what tools/make_notebooks.py generates, and carry no
outputs.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbformat.notebooknode import NotebookNode

from graphtwin.ingest import read_bundle
from graphtwin.ingest.demo import demo_bundle_path
from graphtwin.model import REL_TYPES

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = REPO / "notebooks"

#: Seconds a single cell may run (the slowest take a few seconds on a shared machine).
CELL_TIMEOUT = 180
#: Seconds the kernel may take to start.
STARTUP_TIMEOUT = 120
#: Marker of the JSON line printed by the probe cell.
PROBE = "GRAPHTWIN-PROBE "


# --------------------------------------------------------------------------------------
# Running notebooks
# --------------------------------------------------------------------------------------


class ThisPythonKernelSpecs(KernelSpecManager):
    """Resolves every kernel name to ipykernel on the interpreter running the tests."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            display_name=f"Python ({sys.executable})",
            language="python",
            resource_dir="",
        )


def execute(nb: NotebookNode, workdir: Path) -> NotebookNode:
    """Run every cell of ``nb`` in ``workdir``; raises CellExecutionError on an error."""
    km = KernelManager(kernel_name="python3", kernel_spec_manager=ThisPythonKernelSpecs())
    client = NotebookClient(
        nb,
        km=km,
        timeout=CELL_TIMEOUT,
        startup_timeout=STARTUP_TIMEOUT,
        allow_errors=False,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()
    return nb


def probe_cell(expression: str) -> NotebookNode:
    """A code cell printing ``expression`` (evaluated in the notebook) as one JSON line."""
    return nbformat.v4.new_code_cell(
        f"import json as _json\nprint({PROBE!r} + _json.dumps({expression}, default=str))"
    )


#: Per notebook: what the probe cell reports (evaluated in the notebook's namespace,
#: inserted before the cells that close the store, so every variable is still there).
PROBES: dict[str, str] = {
    "01_quickstart": (
        "{'bridge_cities': bridge_table.loc[bridge_table['connects_pair'], 'city'].tolist(),"
        " 'intro_pairs': intro[['source', 'target']].values.tolist(),"
        " 'twin_pairs': twin_table[['country_a', 'country_b']].values.tolist(),"
        " 'gt': sorted(a for a in g.vs.attributes() if a.startswith('gt_'))}"
    ),
    "02_scale_and_backtest": (
        "{'synthetic': [bool(x) for x in g.vs['synthetic']],"
        " 'auc': result.table.set_index('scorer')['auc'].to_dict(),"
        " 'cross_auc': cross.table.set_index('scorer')['auc'].to_dict(),"
        " 'positives': result.counts['positives'], 'counts': cross.counts}"
    ),
}


class Run:
    """An executed notebook: its cells with outputs, and the probe's report."""

    def __init__(self, nb: NotebookNode, probe: dict[str, Any], seconds: float) -> None:
        self.nb = nb
        self.probe = probe
        self.seconds = seconds

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


def run_notebook(stem: str, workdir: Path) -> Run:
    import time

    nb = nbformat.read(NOTEBOOK_DIR / f"{stem}.ipynb", as_version=4)
    # Insert the probe before the closing cell (store.close(); workdir.cleanup()).
    closing = max(i for i, c in enumerate(nb.cells) if "store.close()" in c.source)
    nb.cells.insert(closing, probe_cell(PROBES[stem]))
    started = time.perf_counter()
    execute(nb, workdir)
    seconds = time.perf_counter() - started
    lines = [
        line[len(PROBE) :]
        for out in nb.cells[closing].outputs
        if out.output_type == "stream"
        for line in out.text.splitlines()
        if line.startswith(PROBE)
    ]
    assert len(lines) == 1, f"probe printed {len(lines)} lines"
    return Run(nb, json.loads(lines[0]), seconds)


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Kernel runtime and IPython folders inside the test's temporary folder."""
    mp = pytest.MonkeyPatch()
    base = tmp_path_factory.mktemp("jupyter")
    mp.setenv("JUPYTER_RUNTIME_DIR", str(base / "runtime"))
    mp.setenv("IPYTHONDIR", str(base / "ipython"))
    mp.setenv("OMP_NUM_THREADS", "1")
    yield
    mp.undo()


@pytest.fixture(scope="module")
def quickstart(kernel_env: None, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return run_notebook("01_quickstart", tmp_path_factory.mktemp("quickstart"))


@pytest.fixture(scope="module")
def scale(kernel_env: None, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return run_notebook("02_scale_and_backtest", tmp_path_factory.mktemp("scale"))


def all_outputs(run: Run) -> list[NotebookNode]:
    return [out for cell in run.nb.cells for out in cell.get("outputs", [])]


def assert_clean(run: Run) -> None:
    """No error outputs and no tracebacks or warnings on stderr in any cell."""
    outputs = all_outputs(run)
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors, [f"{e.ename}: {e.evalue}" for e in errors]
    stderr = "".join(o.text for o in outputs if o.output_type == "stream" and o.name == "stderr")
    assert "Traceback" not in stderr and "Warning" not in stderr, stderr


# --------------------------------------------------------------------------------------
# The demo data, read independently of the notebook
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> Any:
    return read_bundle(demo_bundle_path())


def orgs_in(bundle: Any, *cities: str) -> dict[str, str]:
    """id → name of the bundle's organisations located in any of ``cities``."""
    return {o.id: o.name for o in bundle.organisations if o.city in cities}


# --------------------------------------------------------------------------------------
# 01_quickstart
# --------------------------------------------------------------------------------------


def test_quickstart_runs_cleanly(quickstart: Run) -> None:
    assert_clean(quickstart)
    code_cells = [c for c in quickstart.nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code_cells), "a code cell did not run"


def test_quickstart_loads_every_demo_organisation_and_tie(quickstart: Run, demo: Any) -> None:
    text = quickstart.text("counts")
    counts = ast.literal_eval(text[text.index("{") : text.rindex("}") + 1])  # the dict's repr
    assert counts["Organisation"] == len(demo.organisations)
    assert counts["LOCATED_IN"] == len(demo.organisations)
    assert sum(counts[rel] for rel in REL_TYPES) == len(demo.ties)


def test_quickstart_bridges_name_belfast_or_sejong_organisations(
    quickstart: Run, demo: Any
) -> None:
    names = orgs_in(demo, "Belfast", "Sejong").values()
    table = quickstart.text("bridges-table")
    shown = [n for n in names if n[:40] in table]
    assert shown, f"no Belfast or Sejong organisation in the bridges table:\n{table}"
    # Organisations that connect the pair come first, and include both cities.
    assert {"Belfast", "Sejong"} <= set(quickstart.probe["bridge_cities"])
    reasons = quickstart.text("bridges-reasons")
    assert "Belfast–Sejong shortest paths" in reasons, reasons


def test_quickstart_introductions_pair_belfast_with_sejong_and_give_reasons(
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
    assert reasons.count("    - bridge:") == min(5, len(pairs)), reasons
    assert belfast[pairs[0][0]] in reasons and sejong[pairs[0][1]] in reasons


def test_quickstart_twins_pair_uk_with_korean_cities(quickstart: Run) -> None:
    pairs = quickstart.probe["twin_pairs"]
    assert pairs and all(p == ["GB", "KR"] for p in pairs), pairs
    assert "Belfast" in quickstart.text("twins-table")


def test_quickstart_cypher_lists_every_documented_belfast_sejong_tie(
    quickstart: Run, demo: Any
) -> None:
    city = {o.id: o.city for o in demo.organisations}
    expected = sorted(
        t.evidence for t in demo.ties if {city[t.source], city[t.target]} == {"Belfast", "Sejong"}
    )
    text = quickstart.text("cypher")
    assert f"{len(expected)} ties between Belfast and Sejong" in text
    listed = re.findall(r"^- .+$", text, flags=re.MULTILINE)
    evidence = sorted(re.findall(r"^    evidence: (.*)$", text, flags=re.MULTILINE))
    assert len(listed) == len(expected)
    assert evidence == expected


def test_quickstart_scores_are_written_back_and_queryable(quickstart: Run, demo: Any) -> None:
    assert {"gt_pagerank", "gt_betweenness", "gt_bridge_score"} <= set(quickstart.probe["gt"])
    text = quickstart.text("cypher-scores")
    belfast = orgs_in(demo, "Belfast").values()
    assert any(n[:40] in text for n in belfast), text


def test_quickstart_shows_the_map_inline(quickstart: Run) -> None:
    html = quickstart.html("map")
    assert html.count("<iframe") == 1 and 'srcdoc="' in html
    assert "Belfast" in html and "Sejong" in html
    assert "city-pair map" in quickstart.text("map")


# --------------------------------------------------------------------------------------
# 02_scale_and_backtest
# --------------------------------------------------------------------------------------


def test_scale_runs_cleanly_and_says_synthetic(scale: Run) -> None:
    assert_clean(scale)
    assert "SYNTHETIC" in scale.nb.cells[0].source
    assert "SYNTHETIC data: 3,000 organisations (3,000 flagged synthetic)" in scale.text("generate")


def test_scale_store_holds_only_synthetic_organisations(scale: Run) -> None:
    m = re.search(
        r"synthetic organisations in the store: (\d+) of (\d+)", scale.text("synthetic-check")
    )
    assert m and m.group(1) == m.group(2) == "3000", scale.text("synthetic-check")
    assert len(scale.probe["synthetic"]) == 3000 and all(scale.probe["synthetic"])


def test_scale_backtest_beats_the_random_baseline(scale: Run) -> None:
    auc, cross = scale.probe["auc"], scale.probe["cross_auc"]
    assert 0.45 < auc["random"] < 0.55 and 0.45 < cross["random"] < 0.55
    assert auc["combined"] > auc["random"] + 0.15
    assert cross["combined"] > cross["random"] + 0.1
    assert scale.probe["counts"]["cross_city"] is True
    assert scale.probe["counts"]["excluded_same_city"] > 0


def test_scale_reports_which_scores_work(scale: Run) -> None:
    text = scale.text("which-scores")
    assert "single scores above random in every run" in text
    listed = re.findall(r"^  (\w+)\s+mean AUC ([\d.]+)$", text, flags=re.MULTILINE)
    assert listed, text
    assert all(float(a) > 0.52 for _, a in listed)
    assert [float(a) for _, a in listed] == sorted((float(a) for _, a in listed), reverse=True)
    assert "random" not in [name for name, _ in listed]
    weightings = scale.text("weightings")
    for label in ("default weights", "network only", "sector and kind only"):
        assert label in weightings


def test_scale_runs_in_under_a_minute(scale: Run) -> None:
    # Generous bound on a shared machine; the figure is in the test output with -rA.
    print(f"02_scale_and_backtest executed in {scale.seconds:.1f} s")
    assert scale.seconds < 120


# --------------------------------------------------------------------------------------
# The committed notebooks are the generated ones, without outputs
# --------------------------------------------------------------------------------------


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_notebooks", REPO / "tools/make_notebooks.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_notebooks_match_the_generator() -> None:
    gen = _generator()
    stems = sorted(p.stem for p in NOTEBOOK_DIR.glob("*.ipynb"))
    assert stems == sorted(gen.NOTEBOOKS), stems
    for stem in gen.NOTEBOOKS:
        committed = (NOTEBOOK_DIR / f"{stem}.ipynb").read_text(encoding="utf-8")
        assert committed == gen.render(stem), (
            f"notebooks/{stem}.ipynb is out of date: run python tools/make_notebooks.py"
        )


def test_committed_notebooks_have_no_outputs() -> None:
    for path in NOTEBOOK_DIR.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path.name
        assert nb.metadata.kernelspec.name == "python3"
