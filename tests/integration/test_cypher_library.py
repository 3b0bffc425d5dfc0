"""The files of cypher/ as a user reads them: headers that say how to run each one.

Every file names its parameters with examples, a `// Run:` line (the graphtwin command)
and either a `// Neo4j Browser:` line with every parameter set, or says why not (a
Ladybug variant, or the `top_by_score` template). A file that claims to run as written
is run here *as written* (the raw file text, no graphtwin binding) with exactly the
parameters of its header, on both stores loaded with the demo data.
"""

from __future__ import annotations

import ast
import re
import shlex
from collections import Counter

import pytest

from graphtwin.ingest import read_bundle
from graphtwin.ingest.demo import demo_bundle_path
from graphtwin.store.queries import cypher_dirs, list_queries, parse_param_args

BROWSER = "// Neo4j Browser: set the parameters first with  :params "


def header(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("//")]


def browser_params(text: str) -> dict | None:
    """The map of the `:params {...}` line, as Python values (None if there is none)."""
    line = next((x for x in header(text) if x.startswith(BROWSER)), None)
    if line is None:
        return None
    literal = line[len(BROWSER) :]
    literal = re.sub(r"([{,]\s*)([A-Za-z_]\w*):", r"\1'\2':", literal)
    literal = re.sub(r"\btrue\b", "True", re.sub(r"\bfalse\b", "False", literal))
    return ast.literal_eval(literal)


FILES = sorted(cypher_dirs()[0].glob("*.cypher"))  # the library shipped with graphtwin


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_header_says_how_to_run_the_file(path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = header(text)
    name = path.name.split(".")[0]
    query = next(q for q in list_queries() if q.name == name)
    [run] = [x for x in lines if x.startswith("// Run: ")]
    argv = shlex.split(run[len("// Run: ") :])
    assert argv[:4] == ["graphtwin", "query", "--name", name], run
    values = parse_param_args(argv[5::2])
    assert argv[4::2] == ["-p"] * len(values)
    assert {p.name for p in query.params if p.example} == set(values), run
    assert all(values[p.name] == p.example for p in query.params if p.example)
    if "{{" in text:
        assert any(x.startswith("// TEMPLATE: ") for x in lines), "a template must say so"
        assert "graphtwin query --name" in " ".join(lines)
    elif path.name.endswith(".ladybug.cypher"):
        assert any(x.startswith("// Ladybug variant:") for x in lines)
    else:
        params = browser_params(text)
        assert params is not None, f"{path.name}: no ':params' line"
        used = set(re.findall(r"\$([A-Za-z_]\w*)", "\n".join(text.splitlines()[len(lines) :])))
        assert set(params) == used, "the :params line sets exactly the query's parameters"


@pytest.fixture
def demo_store(store):
    store.load(read_bundle(demo_bundle_path()))
    return store


def _runnable(backend: str) -> list:
    out = []
    for path in FILES:
        variant = path.name.split(".")[1] if path.name.count(".") == 2 else ""
        if variant and variant != backend:
            continue
        out.append(path)
    return out


def test_every_file_runs_as_written_with_its_header_parameters(demo_store, backend) -> None:
    """Raw file text + the header's parameters, straight to the store: no rewriting."""
    ran = []
    for path in _runnable(backend):
        text = path.read_text(encoding="utf-8")
        params = browser_params(text)
        if path.name.endswith(".ladybug.cypher"):  # run as its header says: via graphtwin
            q = next(q for q in list_queries() if q.name == path.name.split(".")[0])
            text, params = q.bind({p.name: p.example for p in q.params if p.example}, backend)
        if "{{" in text:  # the template, filled as its header says
            demo_store.write_scores({"id": ["qub", "cpc"], "gt_pagerank": [0.2, 0.1]})
            text = text.replace("{{metric}}", "gt_pagerank")
            params = {"top": 5, "city": "", "country": ""}
        result = demo_store.query(text, params)
        ran.append((path.name, len(result.rows)))
    assert ran and all(isinstance(n, int) for _, n in ran)
    counts = dict(ran)
    assert counts["org_profile.cypher"] == 1
    assert counts["ties_between_cities.cypher"] > 0


def test_paths_between_orgs_lists_each_chain_once_on_the_demo(demo_store) -> None:
    """QUB → Belfast City Council → Sejong City: 2 × 4 tie combinations, one row."""
    from graphtwin.store.queries import run_named

    rows = run_named(
        demo_store,
        "paths_between_orgs",
        {"org_a": "qub", "org_b": "sejong-city", "max_hops": 2, "limit": 100},
    ).records()
    chains = [tuple(r["ids"]) for r in rows]
    assert len(chains) == len(set(chains))
    [via_council] = [r for r in rows if r["ids"] == ["qub", "belfast-city-council", "sejong-city"]]
    assert via_council["kinds"] == ["delegation|meeting", "agreement|friendship|mou|project"]
    assert [r["hops"] for r in rows] == sorted(r["hops"] for r in rows)


def test_docs_cypher_md_names_every_library_query() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "cypher.md").read_text("utf-8")
    for q in list_queries():
        assert f"| `{q.name}` |" in text, q.name


def test_the_example_query_of_docs_cypher_md_runs(demo_store, tmp_path) -> None:
    """The 'Adding a query' example, saved as a library file, runs by name on both stores."""
    from pathlib import Path

    from graphtwin.store.queries import get_query

    doc = (Path(__file__).resolve().parents[2] / "docs" / "cypher.md").read_text("utf-8")
    block = doc.split("```cypher\n", 1)[1].split("```", 1)[0]
    example = "\n".join(line.removeprefix("   ") for line in block.splitlines()) + "\n"
    (tmp_path / "partners_in_country.cypher").write_text(example, encoding="utf-8")
    q = get_query("partners_in_country", folder=tmp_path)
    assert [p.name for p in q.params] == ["org_id", "country", "top"]
    text, params = q.bind({"org_id": "qub", "country": "KR", "top": "5"}, demo_store.backend)
    rows = demo_store.query(text, params).records()
    demo = read_bundle(demo_bundle_path())
    country = {o.id: o.country for o in demo.organisations}
    ties = Counter(
        t.target if t.source == "qub" else t.source
        for t in demo.ties
        if "qub" in (t.source, t.target)
    )
    want = {p: n for p, n in ties.items() if country[p] == "KR"}
    assert want and {r["id"]: r["ties"] for r in rows} == want
    assert browser_params(example) == {"org_id": "qub", "country": "KR", "top": 5}
