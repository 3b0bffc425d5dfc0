"""Weights and options of ``potential``, ``twins`` and ``backtest``, from TOML files.

The defaults ship as package data (``graphtwin/data/weights.toml``, documented there and
in docs/potential.md). A user file given with ``--weights FILE`` is merged over them key
by key, so it only needs the keys it changes. Unknown tables or keys and bad values raise
:class:`ConfigError` naming the file and the dotted key, e.g.
``my.toml: potential.adamic: unknown key; known: adamic_adar, jaccard, ...``.

Example:
    >>> cfg = load_config()
    >>> round(sum(cfg.potential.weights.values()), 6)
    1.0
    >>> cfg.potential.complementarity("business", "academia")
    1.0
"""

from __future__ import annotations

import difflib
import functools
import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from graphtwin.errors import GraphtwinError
from graphtwin.model import HELIX


class ConfigError(GraphtwinError):
    """A weights file cannot be read, or has an unknown key or a bad value."""


#: The spheres of the kind-complementarity matrix, in matrix order (from model.HELIX).
SPHERES: tuple[str, ...] = tuple(dict.fromkeys(HELIX.values()))

POTENTIAL_SCORES: tuple[str, ...] = (
    "adamic_adar",
    "resource_allocation",
    "jaccard",
    "preferential_attachment",
    "sector_similarity",
    "kind_complementarity",
)

TWINS_COMPONENTS: tuple[str, ...] = (
    "capacity",
    "synergy",
    "complementarity",
    "existing_ties",
    "proximity",
    "brokers",
)

CAPACITY_PARTS: tuple[str, ...] = ("helix", "diversity", "size", "centrality")


# --------------------------------------------------------------------------------------
# Value checkers: each returns the clean value or raises ValueError with the reason.
# --------------------------------------------------------------------------------------


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value!r}")
    return float(value)


def _weight(value: Any) -> float:
    v = _number(value)
    if v < 0:
        raise ValueError(f"a weight must be >= 0, got {value!r}")
    return v


def _unit(value: Any) -> float:
    v = _number(value)
    if not 0.0 <= v <= 1.0:
        raise ValueError(f"expected a number in [0, 1], got {value!r}")
    return v


def _fraction(value: Any) -> float:
    v = _number(value)
    if not 0.0 < v < 1.0:
        raise ValueError(f"expected a number strictly between 0 and 1, got {value!r}")
    return v


def _positive(value: Any) -> float:
    v = _number(value)
    if v <= 0:
        raise ValueError(f"expected a number > 0, got {value!r}")
    return v


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {value!r}")
    if value < 1:
        raise ValueError(f"expected a whole number >= 1, got {value!r}")
    return value


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {value!r}")
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _choice(*allowed: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(map(repr, allowed))}, got {value!r}")
        return value

    return check


#: table -> key -> checker. "potential.kind_complementarity_matrix" is checked apart.
SCHEMA: dict[str, dict[str, Callable[[Any], Any]]] = {
    "potential": {k: _weight for k in POTENTIAL_SCORES},
    "potential.options": {
        "sector_measure": _choice("cosine", "jaccard"),
        "exact_betweenness_limit": _count,
        "betweenness_samples": _count,
        "seed": _integer,
    },
    "twins": {k: _weight for k in TWINS_COMPONENTS},
    "twins.capacity_parts": {k: _weight for k in CAPACITY_PARTS},
    "twins.options": {
        "lq_reference": _choice("country", "graph"),
        "specialisation_lq": _positive,
        "size_adjust": _choice("expected", "per_org", "none"),
        "perturbation": _fraction,
        "stability_top": _count,
    },
    "backtest": {"negatives": _count, "seed": _integer},
}
MATRIX_TABLE = "potential.kind_complementarity_matrix"
#: Tables whose weights must not all be zero.
WEIGHT_TABLES: tuple[str, ...] = ("potential", "twins", "twins.capacity_parts")


# --------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PotentialConfig:
    """Weights (normalised to sum 1) and options of the introduction scores."""

    weights: dict[str, float]
    sector_measure: str
    exact_betweenness_limit: int
    betweenness_samples: int
    seed: int
    kind_matrix: dict[frozenset[str], float]

    def complementarity(self, sphere_a: str, sphere_b: str) -> float:
        """Complementarity of two helix spheres (symmetric)."""
        return self.kind_matrix[frozenset((sphere_a, sphere_b))]

    def sphere_matrix(self) -> np.ndarray:
        """The matrix as a dense array indexed by :data:`SPHERES` order."""
        n = len(SPHERES)
        m = np.zeros((n, n))
        for i, a in enumerate(SPHERES):
            for j, b in enumerate(SPHERES):
                m[i, j] = self.complementarity(a, b)
        return m


@dataclass(frozen=True)
class TwinsConfig:
    """Weights (normalised to sum 1) and options of the city-pair ranking."""

    weights: dict[str, float]
    capacity_parts: dict[str, float]
    lq_reference: str
    specialisation_lq: float
    size_adjust: str
    perturbation: float
    stability_top: int


@dataclass(frozen=True)
class BacktestConfig:
    """Sampling options of the temporal backtest."""

    negatives: int
    seed: int


@dataclass(frozen=True)
class Config:
    """Everything read from the weights files; ``sources`` lists the files merged."""

    potential: PotentialConfig
    twins: TwinsConfig
    backtest: BacktestConfig
    sources: tuple[str, ...]

    def with_potential_weights(self, weights: Mapping[str, float]) -> Config:
        """A copy with other potential weights (normalised), e.g. for sensitivity runs."""
        pot = self.potential
        new = PotentialConfig(
            _normalised(dict(weights)),
            pot.sector_measure,
            pot.exact_betweenness_limit,
            pot.betweenness_samples,
            pot.seed,
            pot.kind_matrix,
        )
        return Config(new, self.twins, self.backtest, self.sources)


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------


def default_weights_path() -> Path:
    """The packaged defaults file (graphtwin/data/weights.toml)."""
    return Path(str(resources.files("graphtwin") / "data" / "weights.toml"))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: weights file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, expected a TOML weights file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _unknown(where: str, key: str, known: list[str]) -> ConfigError:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return ConfigError(f"{where}: unknown key{hint}; known: {', '.join(known)}")


def _parse_matrix_key(path: Path, key: str) -> frozenset[str]:
    parts = key.split(".")
    bad = [p for p in parts if p not in SPHERES]
    if len(parts) != 2 or bad:
        raise ConfigError(
            f"{path}: {MATRIX_TABLE}.{key}: expected 'sphere.sphere' with spheres from "
            f"{', '.join(SPHERES)}"
        )
    return frozenset(parts)


def _merge(path: Path, data: Mapping[str, Any], into: dict[str, dict[str, Any]]) -> None:
    """Check ``data`` (one parsed file) against SCHEMA and merge it into ``into``."""
    tables = {
        "potential": ("options", "kind_complementarity_matrix"),
        "twins": ("capacity_parts", "options"),
        "backtest": (),
    }
    for top, value in data.items():
        if top not in tables:
            raise _unknown(f"{path}: {top}", top, list(tables))
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: {top}: expected a table [{top}], got {value!r}")
        for key, item in value.items():
            dotted = f"{top}.{key}"
            if key in tables[top]:
                if not isinstance(item, dict):
                    raise ConfigError(f"{path}: {dotted}: expected a table [{dotted}]")
                if dotted == MATRIX_TABLE:
                    _merge_matrix(path, item, into)
                    continue
                for sub, subval in item.items():
                    _merge_value(path, dotted, sub, subval, into)
                continue
            if isinstance(item, dict):
                raise _unknown(f"{path}: {dotted}", key, list(SCHEMA[top]) + list(tables[top]))
            _merge_value(path, top, key, item, into)


def _merge_value(
    path: Path, table: str, key: str, value: Any, into: dict[str, dict[str, Any]]
) -> None:
    checks = SCHEMA[table]
    if key not in checks:
        raise _unknown(f"{path}: {table}.{key}", key, list(checks))
    try:
        into.setdefault(table, {})[key] = checks[key](value)
    except ValueError as exc:
        raise ConfigError(f"{path}: {table}.{key}: {exc}") from None


def _flatten(table: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Dotted keys of a (possibly nested) table: bare ``a.b = 1`` parses as nested."""
    out: list[tuple[str, Any]] = []
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            out.extend(_flatten(value, dotted + "."))
        else:
            out.append((dotted, value))
    return out


def _merge_matrix(path: Path, table: Mapping[str, Any], into: dict[str, dict[str, Any]]) -> None:
    seen: dict[frozenset[str], str] = {}
    target = into.setdefault(MATRIX_TABLE, {})
    for key, value in _flatten(table):
        pair = _parse_matrix_key(path, key)
        if pair in seen:
            raise ConfigError(
                f"{path}: {MATRIX_TABLE}.{key}: the same pair is also given as {seen[pair]!r}"
            )
        seen[pair] = key
        try:
            target[pair] = _unit(value)
        except ValueError as exc:
            raise ConfigError(f"{path}: {MATRIX_TABLE}.{key}: {exc}") from None


def _normalised(weights: dict[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    return {k: v / total for k, v in weights.items()}


def _build(merged: dict[str, dict[str, Any]], sources: tuple[str, ...]) -> Config:
    where = " + ".join(sources)
    for table in WEIGHT_TABLES:
        missing = [k for k in SCHEMA[table] if k not in merged.get(table, {})]
        if missing:
            raise ConfigError(f"{where}: [{table}] misses {', '.join(missing)}")
        if sum(merged[table].values()) <= 0:
            raise ConfigError(f"{where}: [{table}]: all weights are zero; give one > 0")
    for table in ("potential.options", "twins.options", "backtest"):
        missing = [k for k in SCHEMA[table] if k not in merged.get(table, {})]
        if missing:
            raise ConfigError(f"{where}: [{table}] misses {', '.join(missing)}")
    matrix = merged.get(MATRIX_TABLE, {})
    missing_pairs = [
        f"{a}.{b}"
        for i, a in enumerate(SPHERES)
        for b in SPHERES[i:]
        if frozenset((a, b)) not in matrix
    ]
    if missing_pairs:
        raise ConfigError(f"{where}: [{MATRIX_TABLE}] misses {', '.join(missing_pairs)}")
    po, to, bo = merged["potential.options"], merged["twins.options"], merged["backtest"]
    potential = PotentialConfig(
        weights=_normalised({k: merged["potential"][k] for k in POTENTIAL_SCORES}),
        sector_measure=po["sector_measure"],
        exact_betweenness_limit=po["exact_betweenness_limit"],
        betweenness_samples=po["betweenness_samples"],
        seed=po["seed"],
        kind_matrix=dict(matrix),
    )
    twins = TwinsConfig(
        weights=_normalised({k: merged["twins"][k] for k in TWINS_COMPONENTS}),
        capacity_parts=_normalised({k: merged["twins.capacity_parts"][k] for k in CAPACITY_PARTS}),
        lq_reference=to["lq_reference"],
        specialisation_lq=to["specialisation_lq"],
        size_adjust=to["size_adjust"],
        perturbation=to["perturbation"],
        stability_top=to["stability_top"],
    )
    backtest = BacktestConfig(negatives=bo["negatives"], seed=bo["seed"])
    return Config(potential, twins, backtest, sources)


@functools.cache
def _defaults() -> dict[str, dict[str, Any]]:
    path = default_weights_path()
    merged: dict[str, dict[str, Any]] = {}
    _merge(path, _read_toml(path), merged)
    return merged


def load_config(path: str | Path | None = None) -> Config:
    """The packaged defaults, with ``path`` (a TOML file) merged over them if given.

    Raises :class:`ConfigError` for a missing or invalid file, an unknown key or a bad
    value, naming the file and the dotted key.

    >>> load_config().twins.perturbation
    0.25
    """
    merged = {table: dict(values) for table, values in _defaults().items()}
    sources = [str(default_weights_path())]
    if path is not None:
        p = Path(path)
        _merge(p, _read_toml(p), merged)
        sources.append(str(p))
    return _build(merged, tuple(sources))
