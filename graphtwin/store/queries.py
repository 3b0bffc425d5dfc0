"""The named Cypher library (cypher/*.cypher): headers, parameters, backend variants.

Each file starts with a block of ``//`` comment lines::

    // name: org_profile
    // description: One organisation: city, sectors, ties and partners by country.
    // param: org_id STRING example=qub — the organisation id
    // param: top INT default=10 example=5 — at most this many rows

followed by the query. Parameter types: ``STRING``, ``INT``, ``FLOAT``, ``BOOL``,
``LIST`` (a list of strings, comma-separated on the command line) and ``PROPERTY``
(the name of a written-back ``gt_*`` score; see below). A parameter without
``default=`` is required. Values are passed as Cypher parameters, never spliced in.

``PROPERTY`` parameters exist because Cypher cannot take a property *name* as a
parameter (Neo4j's ``o[$name]`` has no Ladybug equivalent). Their value must be a
``gt_*`` identifier that the store actually holds (checked against the store), and it
replaces ``{{name}}`` placeholders in the text, backtick-quoted. This whitelist is the
only text substitution the library does.

Where the two engines truly differ, a query has per-backend files beside each other,
``NAME.ladybug.cypher`` and ``NAME.neo4j.cypher``, with the same header.

Example:
    >>> q = get_query("org_profile")
    >>> [p.name for p in q.params], q.params[0].type
    (['org_id'], 'STRING')
    >>> text, params = q.bind({"org_id": "qub"}, backend="neo4j")
    >>> params
    {'org_id': 'qub'}
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from graphtwin.errors import QueryError
from graphtwin.model import METRIC_PREFIX
from graphtwin.store.values import is_identifier

TYPES: tuple[str, ...] = ("STRING", "INT", "FLOAT", "BOOL", "LIST", "PROPERTY")
BACKENDS: tuple[str, ...] = ("ladybug", "neo4j")
_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}
_DASHES = (" — ", " -- ", " – ")


def cypher_dirs() -> list[Path]:
    """The folders of the named queries, later ones overriding earlier ones by name.

    The library shipped in the package (``graphtwin/cypher``, built from the repository's
    ``cypher/``; in a source checkout the repository folder itself), then every folder of
    ``GRAPHTWIN_CYPHER_DIR`` (``os.pathsep``-separated), which adds a user's own queries.
    """
    package = Path(__file__).resolve().parents[1]
    shipped = package / "cypher"
    folders = [shipped if shipped.is_dir() else package.parent / "cypher"]
    env = os.environ.get("GRAPHTWIN_CYPHER_DIR", "")
    folders += [Path(f) for f in env.split(os.pathsep) if f]
    return folders


def _load_all(folder: Path | None) -> dict[str, NamedQuery]:
    if folder is not None:
        return _load(str(folder))
    out: dict[str, NamedQuery] = {}
    for f in cypher_dirs():
        out.update(_load(str(f)))
    return out


@dataclass(frozen=True)
class Param:
    """A declared parameter of a named query."""

    name: str
    type: str
    description: str = ""
    example: str | None = None
    default: Any = None
    required: bool = True

    def usage(self) -> str:
        """``name TYPE`` plus its example or default, for help texts."""
        extra = f"e.g. {self.example}" if self.example is not None else ""
        if not self.required:
            shown = '""' if self.default == "" else self.default
            extra = f"default {shown}" + (f", {extra}" if extra else "")
        return f"{self.name} {self.type}" + (f" ({extra})" if extra else "")


@dataclass(frozen=True)
class NamedQuery:
    """One named query: header fields and its Cypher text (per backend where needed)."""

    name: str
    description: str
    params: tuple[Param, ...]
    texts: Mapping[str, str] = field(default_factory=dict)  # "" = common, or backend
    paths: Mapping[str, Path] = field(default_factory=dict)

    @property
    def variants(self) -> list[str]:
        """Backends with their own file (empty when one common file serves both)."""
        return sorted(k for k in self.texts if k)

    def text_for(self, backend: str) -> str:
        """The Cypher text for ``backend`` (its variant if there is one, else the common)."""
        if backend in self.texts:
            return self.texts[backend]
        if "" in self.texts:
            return self.texts[""]
        raise QueryError(f"query {self.name!r} has no variant for the {backend} backend")

    def bind(
        self,
        values: Mapping[str, Any],
        backend: str,
        score_properties: Iterable[str] | None = None,
    ) -> tuple[str, dict[str, Any]]:
        """Check and coerce parameter values; return (Cypher text, parameters).

        String values (from ``-p name=value``) are converted by the declared type;
        missing optional parameters get their default; unknown or missing required
        parameters raise QueryError. ``score_properties`` (the store's ``gt_*``
        properties) is the whitelist for PROPERTY parameters.
        """
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            takes = ", ".join(declared) or "no parameters"
            raise QueryError(
                f"query {self.name!r} has no parameter {', '.join(unknown)}; it takes: {takes}"
            )
        missing = [p for p in self.params if p.required and p.name not in values]
        if missing:
            needs = "; ".join(
                f"{p.name} ({p.type}" + (f", e.g. -p {p.name}={p.example})" if p.example else ")")
                for p in missing
            )
            raise QueryError(f"query {self.name!r} needs parameter {needs}")
        text = self.text_for(backend)
        params: dict[str, Any] = {}
        for p in self.params:
            value = coerce(values[p.name], p.type, p.name) if p.name in values else p.default
            if p.type == "PROPERTY":
                _check_property(p.name, value, score_properties)
                text = text.replace("{{" + p.name + "}}", f"`{value}`")
            params[p.name] = value
        used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", text))
        return text, {k: v for k, v in params.items() if k in used}


def _check_property(name: str, value: Any, allowed: Iterable[str] | None) -> None:
    if (
        not isinstance(value, str)
        or not value.startswith(METRIC_PREFIX)
        or not is_identifier(value)
    ):
        raise QueryError(
            f"parameter {name} must name a written-back score ({METRIC_PREFIX}<name>), "
            f"got {value!r}"
        )
    if allowed is not None:
        allowed = sorted(allowed)
        if value not in allowed:
            have = ", ".join(allowed) or "none yet (run an analysis with write-back first)"
            raise QueryError(f"the store has no score {value!r}; stored scores: {have}")


def coerce(value: Any, type_: str, name: str = "value") -> Any:
    """Convert a command-line string to the declared type (other values are checked).

    >>> coerce("12", "INT"), coerce("yes", "BOOL"), coerce("GB, KR", "LIST")
    (12, True, ['GB', 'KR'])
    """
    try:
        if type_ == "INT":
            if isinstance(value, bool):
                raise ValueError
            return int(value) if not isinstance(value, float) or value.is_integer() else _bad()
        if type_ == "FLOAT":
            return float(value)
        if type_ == "BOOL":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise ValueError
        if type_ == "LIST":
            if isinstance(value, str):
                return [v.strip() for v in value.split(",") if v.strip()]
            return [str(v) for v in value]
        return value if isinstance(value, str) else str(value)
    except (TypeError, ValueError):
        raise QueryError(
            f"parameter {name} must be {type_}"
            + (" (true/false)" if type_ == "BOOL" else "")
            + f", got {value!r}"
        ) from None


def _bad() -> int:
    raise ValueError


def parse_header(text: str, path: Path | str = "<text>") -> tuple[str, str, tuple[Param, ...]]:
    """Read name, description and parameters from the leading ``//`` comment block."""
    name = description = None
    params: list[Param] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("//"):
            break
        body = line[2:].strip()
        key, _, rest = body.partition(":")
        key, rest = key.strip().lower(), rest.strip()
        if key == "name":
            name = rest
        elif key == "description":
            description = rest
        elif key == "param":
            params.append(_parse_param(rest, path, lineno))
    if not name or not description:
        raise QueryError(f"{path}: the header needs '// name:' and '// description:' lines")
    return name, description, tuple(params)


def _parse_param(spec: str, path: Path | str, lineno: int) -> Param:
    desc = ""
    for dash in _DASHES:
        if dash in spec:
            spec, desc = spec.split(dash, 1)
            break
    try:
        tokens = shlex.split(spec)
    except ValueError as exc:
        raise QueryError(f"{path}:{lineno}: bad param line ({exc})") from exc
    if len(tokens) < 2 or tokens[1].upper() not in TYPES:
        raise QueryError(
            f"{path}:{lineno}: param lines read 'NAME TYPE [example=..] [default=..] — text' "
            f"with TYPE one of {', '.join(TYPES)}"
        )
    name, type_ = tokens[0], tokens[1].upper()
    opts = dict(t.split("=", 1) for t in tokens[2:] if "=" in t)
    has_default = "default" in opts
    default = coerce(opts["default"], type_, name) if has_default else None
    return Param(name, type_, desc.strip(), opts.get("example"), default, not has_default)


@lru_cache(maxsize=8)
def _load(folder: str) -> dict[str, NamedQuery]:
    groups: dict[str, dict[str, tuple[Path, str, tuple]]] = {}
    for path in sorted(Path(folder).glob("*.cypher")):
        parts = path.name[: -len(".cypher")].split(".")
        backend = parts[1] if len(parts) == 2 and parts[1] in BACKENDS else ""
        text = path.read_text(encoding="utf-8")
        name, description, params = parse_header(text, path)
        if name != parts[0]:
            raise QueryError(f"{path}: header name {name!r} differs from the file name")
        groups.setdefault(name, {})[backend] = (path, text, (description, params))
    out: dict[str, NamedQuery] = {}
    for name, files in groups.items():
        first = files.get("") or next(iter(files.values()))
        description, params = first[2]
        out[name] = NamedQuery(
            name,
            description,
            params,
            texts={b: f[1] for b, f in files.items()},
            paths={b: f[0] for b, f in files.items()},
        )
    return out


def list_queries(folder: Path | None = None) -> list[NamedQuery]:
    """All named queries, sorted by name."""
    return [q for _, q in sorted(_load_all(folder).items())]


def get_query(name: str, folder: Path | None = None) -> NamedQuery:
    """The named query ``name``; QueryError suggesting close names if there is none.

    >>> get_query("org_profil")
    Traceback (most recent call last):
    ...
    graphtwin.errors.QueryError: no named query 'org_profil'; did you mean org_profile?
    """
    queries = _load_all(folder)
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
    hint = f"did you mean {' or '.join(close)}?" if close else "see `graphtwin queries`"
    raise QueryError(f"no named query {name!r}; {hint}")


def parse_param_args(items: Iterable[str]) -> dict[str, str]:
    """``["name=value", ...]`` from ``-p`` options into a dict (values stay strings).

    >>> parse_param_args(["city=Belfast", "top=5"])
    {'city': 'Belfast', 'top': '5'}
    """
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"parameters are given as -p name=value, got {item!r}")
        out[name.strip()] = value
    return out


def typed_param_args(items: Iterable[str]) -> dict[str, Any]:
    """Parameters of an ad-hoc query: ``name=value`` is a string, ``name:TYPE=value`` typed.

    >>> typed_param_args(["id=00123", "top:int=5", "kinds:list=project,mou"])
    {'id': '00123', 'top': 5, 'kinds': ['project', 'mou']}
    """
    out: dict[str, Any] = {}
    for name, value in parse_param_args(items).items():
        pname, _, type_ = name.partition(":")
        type_ = type_.upper() or "STRING"
        if type_ not in TYPES or type_ == "PROPERTY":
            raise QueryError(
                f"unknown parameter type {type_!r} in {name!r} (INT, FLOAT, BOOL, LIST)"
            )
        out[pname] = coerce(value, type_, pname)
    return out


def run_named(store: Any, name: str, values: Mapping[str, Any]) -> Any:
    """Bind and run a named query read-only on ``store``; returns its QueryResult.

    run_named(store, "org_profile", {"org_id": "qub"}).records()
    """
    query = get_query(name)
    scores = None
    if any(p.type == "PROPERTY" for p in query.params) and hasattr(store, "score_properties"):
        scores = store.score_properties()
    text, params = query.bind(values, store.backend, scores)
    return store.query(text, params, write=False)
