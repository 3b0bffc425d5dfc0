"""The graphtwin vocabulary in one place: organisation kinds, tie kinds, records, schema.

Everything that the input format, the stores, the analysis and the maps must agree on
lives here, so that a new tie kind or property is added once.

Example:
    >>> from graphtwin.model import canonical_org_kind, TIE_KINDS
    >>> canonical_org_kind("Company")
    'firm'
    >>> TIE_KINDS["mou"].rel_type, TIE_KINDS["mou"].directed
    ('PARTNERS_WITH', False)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# --------------------------------------------------------------------------------------
# Organisation kinds
# --------------------------------------------------------------------------------------

ORG_KINDS: tuple[str, ...] = (
    "university",
    "research_institute",
    "firm",
    "council",
    "agency",
    "catapult",
    "investor",
    "hospital",
    "nonprofit",
    "other",
)

#: Accepted spellings that map onto a canonical organisation kind (case-insensitive,
#: spaces and hyphens read as underscores). Documented in docs/data-format.md.
ORG_KIND_ALIASES: dict[str, str] = {
    "company": "firm",
    "business": "firm",
    "sme": "firm",
    "startup": "firm",
    "start_up": "firm",
    "corporation": "firm",
    "college": "university",
    "higher_education": "university",
    "education": "university",
    "institute": "research_institute",
    "research": "research_institute",
    "laboratory": "research_institute",
    "lab": "research_institute",
    "facility": "research_institute",
    "rto": "research_institute",
    "local_authority": "council",
    "municipality": "council",
    "city_government": "council",
    "local_government": "council",
    "combined_authority": "council",
    "government": "agency",
    "government_agency": "agency",
    "public_body": "agency",
    "ministry": "agency",
    "funder": "agency",
    "innovation_centre": "catapult",
    "intermediary": "catapult",
    "technopark": "catapult",
    "venture_capital": "investor",
    "vc": "investor",
    "fund": "investor",
    "healthcare": "hospital",
    "health": "hospital",
    "charity": "nonprofit",
    "ngo": "nonprofit",
    "non_profit": "nonprofit",
    "association": "nonprofit",
}

#: Triple-helix sphere of each kind (academia, business, government) plus the
#: intermediaries and civil society that programmes also count.
HELIX: dict[str, str] = {
    "university": "academia",
    "research_institute": "academia",
    "hospital": "academia",
    "firm": "business",
    "investor": "business",
    "council": "government",
    "agency": "government",
    "catapult": "intermediary",
    "nonprofit": "civil_society",
    "other": "other",
}

TRIPLE_HELIX: tuple[str, ...] = ("academia", "business", "government")


def _key(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def canonical_org_kind(value: str) -> str | None:
    """Return the canonical organisation kind for ``value``, or None if unknown.

    >>> canonical_org_kind("Research Institute"), canonical_org_kind("spaceship")
    ('research_institute', None)
    """
    key = _key(value)
    if key in ORG_KINDS:
        return key
    return ORG_KIND_ALIASES.get(key)


# --------------------------------------------------------------------------------------
# Tie kinds
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TieKind:
    """A value accepted in ties.csv ``kind``, with its relationship type and weight.

    ``directed`` kinds keep their source → target order (funder → funded, member → body,
    part → parent, successor → predecessor); undirected kinds are stored once per pair.
    ``weight`` is the default analysis weight: a joint project counts more than a meeting.
    """

    kind: str
    rel_type: str
    directed: bool
    weight: float
    meaning: str


_TIE_KIND_LIST: tuple[TieKind, ...] = (
    TieKind("collaboration", "COLLABORATES_WITH", False, 3.0, "joint work of any kind"),
    TieKind("project", "COLLABORATES_WITH", False, 3.0, "a joint funded project"),
    TieKind("copublication", "COLLABORATES_WITH", False, 2.0, "a joint publication"),
    TieKind("agreement", "PARTNERS_WITH", False, 2.0, "a signed agreement or roadmap"),
    TieKind("mou", "PARTNERS_WITH", False, 2.0, "a memorandum of understanding"),
    TieKind("friendship", "PARTNERS_WITH", False, 1.5, "a friendship/sister-city agreement"),
    TieKind("funding", "FUNDS", True, 2.5, "source funds target"),
    TieKind("membership", "MEMBER_OF", True, 1.0, "source is a member of target"),
    TieKind("parent", "PART_OF", True, 1.0, "source is part of target"),
    TieKind("related", "RELATED_TO", False, 1.0, "an institutional relation (e.g. ROR)"),
    TieKind("successor", "SUCCEEDS", True, 0.5, "source succeeds target"),
    TieKind("engagement", "ENGAGED_WITH", False, 1.0, "a documented engagement"),
    TieKind("visit", "ENGAGED_WITH", False, 1.0, "a visit or mission"),
    TieKind("meeting", "ENGAGED_WITH", False, 0.5, "a meeting"),
    TieKind("delegation", "ENGAGED_WITH", False, 1.0, "took part in a delegation together"),
)

TIE_KINDS: dict[str, TieKind] = {t.kind: t for t in _TIE_KIND_LIST}

#: Relationship types in a fixed order, with their direction.
REL_TYPES: dict[str, bool] = {}
for _t in _TIE_KIND_LIST:
    REL_TYPES.setdefault(_t.rel_type, _t.directed)

DIRECTED_REL_TYPES: frozenset[str] = frozenset(r for r, d in REL_TYPES.items() if d)


def canonical_tie_kind(value: str) -> str | None:
    """Return the canonical tie kind for ``value`` (case-insensitive), or None.

    >>> canonical_tie_kind("MoU"), canonical_tie_kind("Co-publication")
    ('mou', 'copublication')
    """
    key = _key(value).replace("_", "")
    for kind in TIE_KINDS:
        if kind.replace("_", "") == key:
            return kind
    return None


def default_weights() -> dict[str, float]:
    """Default analysis weight per tie kind, as a new dict the caller may change.

    >>> default_weights()["project"] > default_weights()["meeting"]
    True
    """
    return {k: t.weight for k, t in TIE_KINDS.items()}


# --------------------------------------------------------------------------------------
# Identifiers
# --------------------------------------------------------------------------------------


def slugify(text: str) -> str:
    """Lower-case ASCII slug used in city and sector ids.

    >>> slugify("Liverpool City Region"), slugify("Net Zero / Energy")
    ('liverpool-city-region', 'net-zero-energy')
    """
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-")
    return slug or re.sub(r"\s+", "-", text.strip().lower())


def city_id(name: str, country: str) -> str:
    """The id of a city node: country code and slug of the name.

    >>> city_id("Sejong", "kr")
    'KR-sejong'
    """
    return f"{country.upper()}-{slugify(name)}"


# --------------------------------------------------------------------------------------
# Records (the validated, in-memory bundle)
# --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Organisation:
    """One organisation row, validated and normalised."""

    id: str
    name: str
    kind: str
    city: str  # city name as resolved (canonical spelling)
    country: str  # ISO 3166-1 alpha-2, upper case
    sectors: tuple[str, ...] = ()  # sector ids
    size: str | None = None
    founded: int | None = None
    ror_id: str | None = None
    website: str | None = None
    source: str | None = None
    synthetic: bool = False

    @property
    def city_id(self) -> str:
        return city_id(self.city, self.country)


@dataclass(slots=True)
class Tie:
    """One tie between two organisations, validated and normalised."""

    source: str
    target: str
    kind: str  # canonical tie kind (a key of TIE_KINDS)
    weight: float | None = None  # None: the kind's default weight
    start: str | None = None  # YYYY or YYYY-MM-DD
    end: str | None = None
    evidence: str | None = None
    source_url: str | None = None

    @property
    def rel_type(self) -> str:
        return TIE_KINDS[self.kind].rel_type

    @property
    def start_year(self) -> int | None:
        return int(self.start[:4]) if self.start else None

    @property
    def end_year(self) -> int | None:
        return int(self.end[:4]) if self.end else None

    @property
    def effective_weight(self) -> float:
        return self.weight if self.weight is not None else TIE_KINDS[self.kind].weight


@dataclass(slots=True)
class City:
    """A city node: resolved name, country and GeoNames-style attributes."""

    name: str
    country: str
    lat: float | None = None
    lon: float | None = None
    population: int | None = None
    region: str | None = None

    @property
    def id(self) -> str:
        return city_id(self.name, self.country)


@dataclass(slots=True)
class Sector:
    """A sector node (smart-specialisation area, e.g. ``fintech``)."""

    id: str
    name: str


@dataclass(slots=True)
class Bundle:
    """A validated input bundle: the only thing stores load."""

    organisations: list[Organisation] = field(default_factory=list)
    ties: list[Tie] = field(default_factory=list)
    cities: list[City] = field(default_factory=list)
    sectors: list[Sector] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    origin: str = ""

    def summary(self) -> str:
        """One-line summary: organisations by country and kind, ties by kind, cities."""
        from collections import Counter

        by_country = Counter(o.country for o in self.organisations)
        by_kind = Counter(o.kind for o in self.organisations)
        ties = Counter(t.kind for t in self.ties)

        def fmt(c: Counter) -> str:
            return ", ".join(f"{k} {v}" for k, v in sorted(c.items(), key=lambda kv: -kv[1]))

        return (
            f"{len(self.organisations)} organisations ({fmt(by_country)}; {fmt(by_kind)}); "
            f"{len(self.ties)} ties ({fmt(ties) or 'none'}); {len(self.cities)} cities; "
            f"{len(self.sectors)} sectors"
        )


# --------------------------------------------------------------------------------------
# Graph schema (both stores)
# --------------------------------------------------------------------------------------

#: Node labels with their key property and typed properties. Ladybug needs declared
#: types; Neo4j gets uniqueness constraints on the keys.
NODE_SCHEMA: dict[str, dict[str, str]] = {
    "Organisation": {
        "id": "STRING",
        "name": "STRING",
        "kind": "STRING",
        "size": "STRING",
        "founded": "INT64",
        "ror_id": "STRING",
        "website": "STRING",
        "source": "STRING",
        "synthetic": "BOOLEAN",
        "city": "STRING",
        "country": "STRING",
    },
    "City": {
        "id": "STRING",
        "name": "STRING",
        "country": "STRING",
        "lat": "DOUBLE",
        "lon": "DOUBLE",
        "population": "INT64",
        "region": "STRING",
    },
    "Country": {"code": "STRING", "name": "STRING"},
    "Sector": {"id": "STRING", "name": "STRING"},
}
NODE_KEYS: dict[str, str] = {
    "Organisation": "id",
    "City": "id",
    "Country": "code",
    "Sector": "id",
}

#: Properties of every tie relationship (one relationship type per tie family).
TIE_PROPERTIES: dict[str, str] = {
    "kind": "STRING",
    "weight": "DOUBLE",
    "start": "STRING",
    "end": "STRING",
    "start_year": "INT64",
    "end_year": "INT64",
    "evidence": "STRING",
    "source_url": "STRING",
}

STRUCTURAL_RELS: dict[str, tuple[str, str]] = {
    "LOCATED_IN": ("Organisation", "City"),
    "IN_COUNTRY": ("City", "Country"),
    "ACTIVE_IN": ("Organisation", "Sector"),
}

#: Prefix of every analysis score written back onto Organisation nodes
#: (e.g. ``gt_pagerank``, ``gt_bridge_score``), so users can find them in Cypher.
METRIC_PREFIX = "gt_"

#: Relationship type used to write recommended introductions back to the store.
POTENTIAL_REL = "POTENTIAL"
POTENTIAL_PROPERTIES: dict[str, str] = {
    "score": "DOUBLE",
    "reasons": "STRING",
    "city_pair": "STRING",
}

COUNTRY_NAMES: dict[str, str] = {
    "GB": "United Kingdom",
    "KR": "Republic of Korea",
}
