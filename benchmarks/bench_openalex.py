"""Benchmark: ``graphtwin import openalex`` on 100,000 works in the snapshot's form.

Writes a seeded SYNTHETIC OpenAlex works file in the snapshot's layout (gzipped JSON
Lines, ``part_000.gz``), built from a real work of tests/data/real/openalex as the
template (every field a snapshot work has: locations, topics, concepts, an abstract
index, ...; about 12 KB a work) with synthetic authorships: institutions drawn from the
real ROR GB/KR records of tests/data/real (2,730 active records; universities more
likely, a long tail) and from the real foreign institutions named in the sample; 45 %
of the works are GB-only, 35 % KR-only, 15 % GB-KR, 5 % GB or KR with a foreign
partner; 1 to 12 institutions and 1-3 authors each; 0.5 % consortium papers with 150-400
authors; years 2010-2024 with growing volume; each institution has a usual topic (one
of the real sample's primary topics) that 70 % of the works it comes first on are about.
Every work carries ``"synthetic": true``
and a ``W9…`` id, so the importer labels the bundle SYNTHETIC.

Then it times, in child processes (peak memory per child): reading the file bare
(gzip + ``json.loads`` per line: the floor any importer pays) and the full CLI import
with ``--ror`` (read, filter, pair, place, write, validate). Prints seconds, works/s,
peak RSS and the ratio import / bare read.

\b
    python benchmarks/bench_openalex.py                   # 100,000 works
    python benchmarks/bench_openalex.py --works 20000 --keep /tmp/oa-bench
    python benchmarks/bench_openalex.py --write-only --works 30000 --keep /tmp/gbkr
"""

from __future__ import annotations

import argparse
import copy
import csv
import gzip
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "data" / "real"
ROR_CSV = REAL / "ror_gb_kr_from_ror_records.csv"
TEMPLATE_PAGE = REAL / "openalex" / "works_page_biodiversity_finance.json"
ROR_TYPE_TO_OPENALEX = {"education": "education", "healthcare": "healthcare",
                        "company": "company", "government": "government",
                        "facility": "facility", "nonprofit": "nonprofit",
                        "archive": "archive", "funder": "funder"}  # fmt: skip


def _institutions(rng: random.Random) -> tuple[dict[str, list], list[dict]]:
    """Institution objects by country (GB, KR) with weights, and the foreign pool."""
    by_country: dict[str, list] = {"GB": [[], []], "KR": [[], []]}
    with open(ROR_CSV, encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh)):
            if row["status"] != "active":
                continue
            types = row["types"].split(";")
            oa_type = next(
                (ROR_TYPE_TO_OPENALEX[t] for t in types if t in ROR_TYPE_TO_OPENALEX), "other"
            )
            inst = {
                "id": f"https://openalex.org/I9{n:08d}",  # synthetic OpenAlex id
                "display_name": row["name"],
                "ror": row["ror_id"],
                "country_code": row["country_code"],
                "type": oa_type,
                "lineage": [f"https://openalex.org/I9{n:08d}"],
            }
            weight = 8.0 if oa_type == "education" else 1.5 if oa_type != "company" else 1.0
            weight *= rng.paretovariate(1.2)  # a long tail of rarely publishing bodies
            pool = by_country[row["country_code"]]
            pool[0].append(inst)
            pool[1].append(weight)
    works = json.loads(TEMPLATE_PAGE.read_text(encoding="utf-8"))["results"]
    foreign = {
        i["id"]: i
        for w in works
        for a in w["authorships"]
        for i in a["institutions"]
        if i.get("country_code") not in ("GB", "KR", None)
    }
    return by_country, list(foreign.values())


def write_works(path: Path, works: int, seed: int) -> int:
    """Write ``works`` synthetic works to ``path`` (.gz JSON Lines); returns bytes."""
    rng = random.Random(seed)
    pools, foreign = _institutions(rng)
    real = json.loads(TEMPLATE_PAGE.read_text(encoding="utf-8"))["results"]
    more = json.loads((REAL / "openalex" / "api_pages" / "results_page_1.json").read_text())
    topics = list({w["primary_topic"]["id"]: w["primary_topic"] for w in real + more["results"]
                   if w.get("primary_topic")}.values())  # fmt: skip
    home = {}  # each institution's usual topic: its works are mostly of that field
    for insts, _ in pools.values():
        for inst in insts:
            home[inst["id"]] = rng.choice(topics)
    template = real[0]
    template.pop("authorships")
    words = (template.get("display_name") or "biodiversity finance").split() * 20
    years = list(range(2010, 2025))
    year_weights = [1.0 + 0.08 * i for i in range(len(years))]
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as fh:
        for n in range(works):
            work = copy.copy(template)
            wid = f"https://openalex.org/W9{n:09d}"
            work["id"] = wid
            work["doi"] = f"https://doi.org/10.99999/synthetic.{seed}.{n}"
            work["display_name"] = work["title"] = f"Synthetic work {n} (seed {seed})"
            work["publication_year"] = year = rng.choices(years, year_weights)[0]
            work["publication_date"] = f"{year}-{rng.randint(1, 12):02d}-01"
            work["ids"] = {"openalex": wid, "doi": work["doi"]}
            work["abstract_inverted_index"] = {
                w: [i] for i, w in enumerate(rng.sample(words, min(len(words), 120)))
            }
            work["synthetic"] = True
            work["authorships"] = _authorships(rng, pools, foreign)
            first = work["authorships"][0]["institutions"][0]["id"] if work["authorships"] else ""
            work["primary_topic"] = (
                home[first] if first in home and rng.random() < 0.7 else rng.choice(topics)
            )
            fh.write(json.dumps(work, ensure_ascii=False))
            fh.write("\n")
    return path.stat().st_size


def _authorships(rng: random.Random, pools: dict[str, list], foreign: list[dict]) -> list:
    r = rng.random()
    if r < 0.45:
        countries = ["GB"]
    elif r < 0.80:
        countries = ["KR"]
    elif r < 0.95:
        countries = ["GB", "KR"]
    else:
        countries = [rng.choice(["GB", "KR"]), "XX"]
    n_inst = min(12, 1 + int(rng.expovariate(0.7)))
    chosen: dict[str, dict] = {}
    for k in range(max(n_inst, len(countries))):
        country = countries[k % len(countries)]
        if country == "XX":
            inst = rng.choice(foreign)
        else:
            insts, weights = pools[country]
            inst = rng.choices(insts, weights)[0]
        chosen[inst["id"]] = inst
    per_inst = [rng.randint(1, 3) for _ in chosen]
    if rng.random() < 0.005:  # a consortium paper
        per_inst = [rng.randint(150, 400) // len(chosen) + 1 for _ in chosen]
    out = []
    for inst, n_auth in zip(chosen.values(), per_inst, strict=True):
        for _ in range(n_auth):
            aid = f"https://openalex.org/A9{rng.randrange(10**9):09d}"
            out.append({
                "author_position": "middle",
                "author": {"id": aid, "display_name": "Synthetic Author", "orcid": None},
                "institutions": [inst],
                "countries": [inst["country_code"]],
                "is_corresponding": False,
                "raw_author_name": "Synthetic Author",
                "raw_affiliation_strings": [inst["display_name"]],
                "affiliations": [{"raw_affiliation_string": inst["display_name"],
                                  "institution_ids": [inst["id"]]}],
            })  # fmt: skip
    if out:
        out[0]["author_position"] = "first"
        out[-1]["author_position"] = "last"
    return out


_BARE_READ = """
import gzip, json, sys
n = 0
with gzip.open(sys.argv[1], "rt", encoding="utf-8") as fh:
    for line in fh:
        json.loads(line)
        n += 1
print(n)
"""


def _child(cmd: list[str]) -> tuple[float, float, str]:
    """Run ``cmd``; wall seconds, peak RSS (MB) of this child, stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed:\n{proc.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest child so far; children run largest-last here.
    return wall, max(peak, before) / 1024, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description="Time import openalex on synthetic works.")
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="Folder to keep the works file and bundle in.")
    parser.add_argument("--write-only", action="store_true", help="Only write the works file.")
    parser.add_argument("--reuse", action="store_true", help="Reuse a works file in --keep.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-openalex-"))
    folder.mkdir(parents=True, exist_ok=True)
    works_file = folder / "synthetic_works_part_000.gz"
    if args.reuse and works_file.exists():
        print(f"reusing {works_file} ({works_file.stat().st_size / 1e6:.0f} MB gzipped)")
    else:
        t0 = time.perf_counter()
        size = write_works(works_file, args.works, args.seed)
        print(f"wrote {args.works:,} SYNTHETIC works (seed {args.seed}) to {works_file}: "
              f"{size / 1e6:.0f} MB gzipped, {time.perf_counter() - t0:.1f} s")  # fmt: skip
    if args.write_only:
        return
    bare, bare_mb, out = _child([sys.executable, "-c", _BARE_READ, str(works_file)])
    print(f"bare read (gzip + json.loads a line): {bare:.1f} s, {int(out):,} works, "
          f"peak {bare_mb:.0f} MB")  # fmt: skip
    graphtwin = str(Path(sys.executable).with_name("graphtwin"))
    cmd = [graphtwin, "--quiet", "import", "openalex", str(works_file), "--ror", str(ROR_CSV),
           "-o", str(folder / "bundle"), "--force"]  # fmt: skip
    wall, peak_mb, summary = _child(cmd)
    print(summary.strip())
    works = int(out)
    print(f"import openalex (read, pair, place, write, validate): {wall:.1f} s "
          f"({works / wall:,.0f} works/s), peak {peak_mb:.0f} MB; "
          f"ratio to the bare read {wall / bare:.2f}x")  # fmt: skip
    print(f"targets: <= 60 s {'met' if wall <= 60 else 'MISSED'}, "
          f"<= 2,048 MB {'met' if peak_mb <= 2048 else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main()
