"""One-line reasons for ``graphtwin bridges``: who an organisation links, and why it bridges.

Names are shortened by :func:`short_name`; shares by :func:`share_text`;
:func:`explain_bridge` writes the line (docs/metrics.md, "Reasons").

Example:
    >>> short_name("Invest Northern Ireland (Invest NI)"), share_text(0.004)
    ('Invest NI', '0.4%')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import igraph as ig
import numpy as np
import pandas as pd

from graphtwin.analysis.brokerage import CROSS_ROLES


@dataclass(frozen=True)
class ReasonContext:
    """What a reason needs besides the organisation's row: every organisation's group,
    the pair's labels and members (None without a pair) and the path partners (A side,
    B side) of the organisations to explain."""

    labels: list[str]
    pair: tuple[str, str] | None
    pair_members: tuple[np.ndarray, np.ndarray] | None
    partners: dict[int, tuple[list[int], list[int]]] = field(default_factory=dict)


def short_name(name: str) -> str:
    """A short form for reasons: a trailing bracket when it abbreviates the name, else the
    name without the bracket.

    The bracket abbreviates the name when each of its words is either a word of the name
    or an acronym (capitals and digits) whose letters follow the capitals of the name in
    order, and at least one word is such an acronym. A bracket that names a
    place, a country or anything else (``Samsung Electronics (South Korea)``) never
    replaces the name.

    >>> short_name("Invest Northern Ireland (Invest NI)")
    'Invest NI'
    >>> short_name("Sejong City (Sejong Special Self-Governing City government)")
    'Sejong City'
    >>> short_name("Samsung Electronics (South Korea)")
    'Samsung Electronics'
    """
    m = re.match(r"^(.+?)\s*\(([^()]+)\)\s*$", name)
    if not m:
        return name
    outer, inner = m.group(1).strip(), m.group(2).strip()
    return inner if _abbreviates(inner, outer) else outer


def _abbreviates(inner: str, outer: str) -> bool:
    words = re.findall(r"[\w'&]+", outer)
    lower = {w.lower() for w in words}
    initials = re.sub(r"[^A-Z0-9]", "", outer)
    acronyms = 0
    for token in inner.split():
        if token.lower() in lower and not token.isupper():
            continue
        letters = re.sub(r"[^A-Z0-9]", "", token)
        if len(letters) < 2 or letters != re.sub(r"[^A-Za-z0-9]", "", token).upper():
            return False
        it = iter(initials)
        if not all(ch in it for ch in letters):
            return False
        acronyms += 1
    return acronyms > 0


def _names(h: ig.Graph, vertices: list[int], shown: int = 2) -> str:
    names = [short_name(str(h.vs[v]["name"])) for v in vertices[:shown]]
    extra = len(vertices) - shown
    return ", ".join(names) + (f" +{extra} more" if extra > 0 else "")


def explain_bridge(h: ig.Graph, v: int, row: pd.Series, context: ReasonContext) -> str:
    """One line on why organisation ``v`` bridges.

    With a city pair: the A-side and B-side partners it is tied to, its share of the
    A–B shortest paths with the A and B organisations at their ends, the pairs that
    depend on it, the A–B pairs it brokers directly, then cut-point flags. Example:
    ``links Belfast (Belfast City Council, QUB) with Sejong (Sejong Technopark); on 40%
    of Belfast–Sejong shortest paths, between Belfast (Invest NI +3 more) and Sejong
    (Sejong City +2 more); sole route for 25% of the pairs; articulation point (2 parts)``.
    Without a pair: the groups and partners it links, cut-point flags and its strongest
    cross-group brokerage role.
    """
    labels = context.labels
    by_group = _partners_by_group(h, v, labels)
    if context.pair is not None:
        return _explain_pair(h, v, row, context, by_group)
    group_weight = {gname: w for gname, (_, w) in by_group.items()}
    first = [labels[v]] if labels[v] in by_group else []
    rest = sorted(
        (gname for gname in by_group if gname not in first), key=lambda x: (-group_weight[x], x)
    )
    ordered = first + rest
    shown = [f"{gname} ({_names(h, by_group[gname][0])})" for gname in ordered[:3]]
    more = len(ordered) - 3
    if not shown:
        text = "no ties"
    elif len(shown) == 1:
        inside = ordered[0] == labels[v]
        text = f"ties only within {shown[0]}" if inside else f"tied only to {shown[0]}"
    else:
        text = "links " + shown[0] + " with " + " and ".join(shown[1:])
        if more > 0:
            text += f" (+{more} more groups)"
    flags = [text, *_cut_flags(row)]
    best = max(CROSS_ROLES, key=lambda r: np.nan_to_num(float(row[f"z_{r}"]), nan=-np.inf))
    zb = float(row[f"z_{best}"])
    if np.isfinite(zb) and zb >= 2.0 and int(row[best]) > 0:
        flags.append(f"{best} for {int(row[best])} pairs (z {zb:.1f})")
    return "; ".join(flags)


def _partners_by_group(
    h: ig.Graph, v: int, labels: list[str]
) -> dict[str, tuple[list[int], float]]:
    """v's partners per group, strongest tie first, with the group's summed tie weight."""
    weight_of: dict[int, float] = {}
    for e in h.incident(v):
        edge = h.es[e]
        u = edge.target if edge.source == v else edge.source
        weight_of[u] = weight_of.get(u, 0.0) + float(edge["weight"])
    by_group: dict[str, list[int]] = {}
    for u in sorted(weight_of, key=lambda u: (-weight_of[u], str(h.vs[u]["name"]))):
        by_group.setdefault(labels[u], []).append(u)
    return {gname: (us, sum(weight_of[u] for u in us)) for gname, us in by_group.items()}


def _cut_flags(row: pd.Series) -> list[str]:
    flags = []
    if bool(row["articulation"]):
        flags.append(f"articulation point ({int(row['cut_parts'])} parts)")
    if int(row["bridge_ties"]) > 0:
        k = int(row["bridge_ties"])
        flags.append(f"{k} bridge tie{'s' if k != 1 else ''}")
    return flags


def share_text(x: float) -> str:
    """A share as a percentage, one decimal under 10%, never a non-zero share as 0%.

    >>> share_text(0.346), share_text(0.0159), share_text(0.004), share_text(0.00002)
    ('35%', '1.6%', '0.4%', '<0.1%')
    >>> share_text(0.0)
    '0%'
    """
    if x <= 0:
        return "0%"
    if x >= 0.0995:
        return f"{x:.0%}"
    return f"{x:.1%}" if x >= 0.001 else "<0.1%"


def _explain_pair(
    h: ig.Graph,
    v: int,
    row: pd.Series,
    context: ReasonContext,
    by_group: dict[str, tuple[list[int], float]],
) -> str:
    assert context.pair is not None
    la, lb = context.pair
    tied = [f"{c} ({_names(h, by_group[c][0])})" for c in (la, lb) if c in by_group]
    if len(tied) == 2:
        flags = [f"links {tied[0]} with {tied[1]}"]
    elif tied:
        missing = lb if tied[0].startswith(f"{la} (") else la
        flags = [f"tied to {tied[0]}, not to {missing}"]
    else:
        flags = [f"no tie in {la} or {lb}"]
    cross = float(row["cross_betweenness"])
    if cross > 0:
        text = f"on {share_text(cross)} of {la}–{lb} shortest paths"
        side_a, side_b = context.partners.get(v, ([], []))
        if side_a and side_b:
            text += f", between {la} ({_names(h, side_a)}) and {lb} ({_names(h, side_b)})"
        flags.append(text)
    dep = float(row["dependence"])
    if np.isfinite(dep) and dep > 0:
        flags.append(f"sole route for {share_text(dep)} of the {la}–{lb} pairs")
    two = int(row["pair_two_paths"])
    if two > 0:
        noun = "pair" if two == 1 else "pairs"
        flags.append(f"{row['pair_role']} for {two:,} untied {la}–{lb} {noun}")
    if not bool(row["connects_pair"]):
        flags.append(f"carries no {la}–{lb} connection")
    return "; ".join(flags + _cut_flags(row))
