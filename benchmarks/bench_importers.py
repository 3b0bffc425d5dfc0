"""Benchmark: the CORDIS and GtR importers on generated inputs of real-export size.

CORDIS: writes a seeded synthetic export in the real layout (``;``, quoted fields) at
the size of the Horizon Europe export (23,000 projects, about 5 organisations per
project, a heavy tail of large consortia, 40 % single-beneficiary grants) and times
:func:`import_cordis` with the default ``--max-partners 50``, without a cap, and with
``--countries GB,KR``; then the write and re-validation of the bundle. GtR: writes one
JSON page of projects (lead + partners + a fund) and one of organisations and times
:func:`import_gtr`. Prints wall and CPU seconds, rows per second, tie counts, the cap's
effect, and the peak resident memory.

\b
    python benchmarks/bench_importers.py                       # 23,000 projects
    python benchmarks/bench_importers.py --projects 5000 --seed 2
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import tempfile
import time
from pathlib import Path

from graphtwin.ingest import read_bundle
from graphtwin.ingest.cities import geonames_places
from graphtwin.ingest.cordis import import_cordis
from graphtwin.ingest.gtr import import_gtr
from graphtwin.ingest.writer import write_bundle

PROJECT_HEADER = ["id", "acronym", "status", "title", "startDate", "endDate", "totalCost",
                  "ecMaxContribution", "legalBasis", "topics", "ecSignatureDate",
                  "frameworkProgramme", "masterCall", "subCall", "fundingScheme", "nature",
                  "objective", "contentUpdateDate", "rcn", "grantDoi"]  # fmt: skip
ORG_HEADER = ["projectID", "projectAcronym", "organisationID", "vatNumber", "name",
              "shortName", "SME", "activityType", "street", "postCode", "city", "country",
              "nutsCode", "geolocation", "organizationURL", "contactForm",
              "contentUpdateDate", "rcn", "order", "role", "ecContribution",
              "netEcContribution", "totalCost", "endOfParticipation", "active"]  # fmt: skip
EU = ["DE", "FR", "ES", "IT", "NL", "BE", "EL", "PT", "AT", "SE", "FI", "DK", "PL", "IE"]


def _timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - t0, time.process_time() - c0


def _consortium(rng: random.Random) -> int:
    if rng.random() < 0.4:
        return 1
    return max(2, min(150, round(rng.lognormvariate(2.0, 0.75))))


def write_cordis(folder: Path, projects: int, orgs: int, seed: int) -> int:
    """A synthetic export; returns the number of organization.csv rows."""
    rng = random.Random(seed)
    gb = [p for p in geonames_places() if p.country == "GB"]
    kr = [p for p in geonames_places() if p.country == "KR"]
    pool = []
    for i in range(orgs):
        u = rng.random()
        if u < 0.12:
            p, country = rng.choice(gb), "UK"
            city, lat, lon = p.name.upper(), p.lat, p.lon
        elif u < 0.14:
            p, country = rng.choice(kr), "KR"
            city, lat, lon = p.name.upper(), p.lat, p.lon
        else:
            country = rng.choice(EU)
            k = rng.randrange(1500)
            city = f"TOWN {k}"
            lat, lon = 36 + (k % 30) + rng.random() * 0.05, -8 + (k % 40) + rng.random() * 0.05
        geo = "" if rng.random() < 0.02 else f"{lat:.6f},{lon:.6f}"
        pool.append((str(900000000 + i), f"ORGANISATION {i}", rng.choice(["HES", "REC", "PRC",
                     "PUB", "OTH"]), city, country, geo))  # fmt: skip
    weights = [1 / (i + 1) ** 0.8 for i in range(orgs)]  # a few organisations recur a lot
    rows = 0
    with (
        open(folder / "project.csv", "w", encoding="utf-8", newline="") as pf,
        open(folder / "organization.csv", "w", encoding="utf-8", newline="") as of,
    ):
        pw = csv.writer(pf, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
        ow = csv.writer(of, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
        pw.writerow(PROJECT_HEADER)
        ow.writerow(ORG_HEADER)
        for n in range(projects):
            pid, year = str(101000000 + n), 2021 + n % 6
            pw.writerow([pid, f"P{n}", "SIGNED", f"Project {n}; synthetic", f"{year}-01-01",
                         f"{year + 3}-12-31", "1000000", "1000000", "HORIZON.2.5", "T",
                         f"{year - 1}-11-01", "HORIZON", "C", "C", "HORIZON-RIA", "",
                         "Objective text\nover two lines.", "2024-01-01 00:00:00", str(n),
                         ""])  # fmt: skip
            members = set()
            size = _consortium(rng)
            while len(members) < size:
                members.update(rng.choices(range(orgs), weights, k=size - len(members)))
            for order, m in enumerate(sorted(members), 1):
                oid, name, act, city, country, geo = pool[m]
                role = "coordinator" if order == 1 else "participant"
                ow.writerow([pid, f"P{n}", oid, "", name, "", "false", act, "", "", city,
                             country, "", geo, "", "", "2024-01-01 00:00:00", "", str(order),
                             role, "", "", "", "false", ""])  # fmt: skip
                rows += 1
    return rows


def write_gtr(folder: Path, projects: int, orgs: int, seed: int) -> None:
    rng = random.Random(seed)
    gb = [p for p in geonames_places() if p.country == "GB"]
    api = "http://gtr.ukri.org/gtr/api"
    organisations = [
        {"id": f"O{i}", "href": f"{api}/organisations/O{i}", "name": f"Organisation {i} Ltd",
         "addresses": {"address": [{"city": rng.choice(gb).name, "country": "United Kingdom",
                                    "region": "London", "type": "MAIN_ADDRESS"}]}}
        for i in range(orgs)
    ]  # fmt: skip
    organisations.append({"id": "EPSRC", "href": f"{api}/organisations/EPSRC",
                          "name": "Engineering and Physical Sciences Research Council",
                          "addresses": {"address": [{"city": "Swindon",
                                                     "country": "United Kingdom"}]}})  # fmt: skip
    plist, funds = [], []
    for n in range(projects):
        start = 1262304000000 + n * 86_400_000 // 4
        links = [{"rel": "LEAD_ORG", "href": f"{api}/organisations/O{rng.randrange(orgs)}"}]
        links += [{"rel": rng.choice(["COLLAB_ORG", "PP_ORG", "PARTICIPANT_ORG"]),
                   "href": f"{api}/organisations/O{rng.randrange(orgs)}"}
                  for _ in range(rng.choice([0, 0, 1, 2, 3, 5]))]  # fmt: skip
        links.append({"rel": "FUND", "href": f"{api}/funds/F{n}", "start": start,
                      "end": start + 3 * 365 * 86_400_000})  # fmt: skip
        ref = {"identifier": [{"type": "RCUK", "value": f"EP/{n}/1"}]}
        plist.append({"id": f"P{n}", "href": f"{api}/projects/P{n}", "title": f"Project {n}",
                      "leadFunder": "EPSRC", "identifiers": ref,
                      "links": {"link": links}})  # fmt: skip
        fund_links = [{"rel": "FUNDER", "href": f"{api}/organisations/EPSRC"},
                      {"rel": "FUNDED", "href": f"{api}/projects/P{n}"}]  # fmt: skip
        funds.append({"id": f"F{n}", "href": f"{api}/funds/F{n}", "start": start,
                      "valuePounds": {"amount": 100000, "currencyCode": "GBP"},
                      "links": {"link": fund_links}})  # fmt: skip
    (folder / "projects.json").write_text(json.dumps({"project": plist}), "utf-8")
    (folder / "organisations.json").write_text(json.dumps({"organisation": organisations}), "utf-8")
    (folder / "funds.json").write_text(json.dumps({"fund": funds}), "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="Time the CORDIS and GtR importers.")
    parser.add_argument("--projects", type=int, default=23_000)
    parser.add_argument("--orgs", type=int, default=40_000)
    parser.add_argument("--gtr-projects", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cordis_in = folder / "cordis"
        cordis_in.mkdir()
        rows = write_cordis(cordis_in, args.projects, args.orgs, args.seed)
        size = sum(f.stat().st_size for f in cordis_in.iterdir()) / 1e6
        print(f"CORDIS input: {args.projects:,} projects, {rows:,} participations, {size:.1f} MB")

        r, wall, cpu = _timed(lambda: import_cordis([cordis_in]))
        first_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"import_cordis (cap 50): {wall:.2f} s wall, {cpu:.2f} s CPU, "
            f"{rows / wall:,.0f} participations/s; {r.organisations:,} organisations, "
            f"{r.ties:,} ties from {r.pair_instances:,} pairs, {len(r.capped)} capped, "
            f"{r.cities_added:,} cities added, {r.dropped.total:,} dropped; peak memory so far "
            f"{first_peak:,.0f} MB"
        )
        nocap, wall2, _ = _timed(lambda: import_cordis([cordis_in], max_partners=10_000))
        print(
            f"import_cordis (no cap): {wall2:.2f} s wall; {nocap.ties:,} ties from "
            f"{nocap.pair_instances:,} pairs: the cap keeps {r.ties / nocap.ties:.1%} of the "
            f"ties ({nocap.pair_instances / max(1, r.pair_instances):.1f}x fewer pairs)"
        )
        del nocap
        gbkr, wall3, _ = _timed(lambda: import_cordis([cordis_in], countries=["GB", "KR"]))
        print(
            f"import_cordis --countries GB,KR: {wall3:.2f} s wall; {gbkr.projects_kept:,} "
            f"projects, {gbkr.organisations:,} organisations, {gbkr.ties:,} ties"
        )
        del gbkr
        out = folder / "bundle"
        _, wall4, _ = _timed(lambda: write_bundle(r.bundle, out))
        bundle, wall5, _ = _timed(lambda: read_bundle(out))
        print(
            f"write_bundle {wall4:.2f} s, read_bundle (validate) {wall5:.2f} s: "
            f"{len(bundle.organisations):,} organisations, {len(bundle.ties):,} ties, "
            f"{len(bundle.cities):,} cities, {len(bundle.warnings)} warnings"
        )

        gtr_in = folder / "gtr"
        gtr_in.mkdir()
        write_gtr(gtr_in, args.gtr_projects, args.orgs // 4, args.seed)
        g, wall6, cpu6 = _timed(lambda: import_gtr([gtr_in]))
        print(
            f"import_gtr: {args.gtr_projects:,} projects in {wall6:.2f} s wall, {cpu6:.2f} s "
            f"CPU ({args.gtr_projects / wall6:,.0f} projects/s); {g.organisations:,} "
            f"organisations, {g.project_ties:,} project + {g.funding_ties:,} funding ties"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
