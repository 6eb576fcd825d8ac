"""The run's candidates: every supply node, every line, and every arc by which a node may serve a line.

Supply nodes, routes and arc figures follow `docs/allocation-reading.md` exactly (stock and inbound of one pool
are two nodes; a route is direct or one lane; `tie = days + substitute rank + via lane + intercompany`), except
that protections are not subtracted per order: a run shares one pool among tiers, so they become the nested
rows of `protection_rows`. Everything is sorted canonically (lines by order id and line number, nodes by item,
location, date, source), so the model does not depend on the order of the input lists.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np

from optimizers.problem import Item
from optimizers.reallocation.problem import ReallocationProblem, RunLine, RunOrder, Strategy
from optimizers.reallocation.segments import OrderClass, classify


class LineRef(NamedTuple):
    order: RunOrder
    line: RunLine
    cls: OrderClass
    cap: int  # the most the line may get: qty, or the confirmed units of a `fill` line, 0 when it may get none


class Node(NamedTuple):
    item: str
    location: str
    available_date: date
    source: str  # "stock" or "inbound"
    qty: int


class ProtectionRow(NamedTuple):
    """Lines of tier class >= `rank` draw at most `cap` from these nodes (the spec's constraint 5)."""

    nodes: tuple[int, ...]
    rank: int
    cap: int


@dataclass(frozen=True)
class RunCandidates:
    problem: ReallocationProblem
    lines: tuple[LineRef, ...]
    nodes: tuple[Node, ...]
    lanes: tuple[tuple[str, str, int | None], ...]
    locations: tuple[str, ...]
    protections: tuple[ProtectionRow, ...]
    arc_node: np.ndarray
    arc_line: np.ndarray  # non-decreasing
    arc_lane: np.ndarray  # -1 when direct
    arc_origin: np.ndarray  # ship-from, index into locations
    arc_days: np.ndarray  # delivery date, days after as_of
    arc_on_time: np.ndarray
    arc_margin: np.ndarray  # unit margin in 1e-4, exact
    arc_tie: np.ndarray
    arc_rank: np.ndarray  # substitute rank, 0 for the ordered item

    def capped_lanes(self) -> np.ndarray:
        """Per lane, whether it has a capacity, and False last, for a direct arc's lane -1: index it by `arc_lane`."""
        return np.array([c is not None for _, _, c in self.lanes] + [False], bool)

    def day(self, days: int) -> date:
        return self.problem.as_of + timedelta(days=days)


def line_cap(line: RunLine, strategy: Strategy) -> int:
    """What the line may get at most: nothing when rejected or `lose`; a `fill` line its confirmed units."""
    if line.rejection is not None or strategy == Strategy.LOSE:
        return 0
    if strategy == Strategy.FILL:
        cap = min(line.qty, line.confirmed_qty)
        return line.qty if line.ship_complete and cap == line.qty else (0 if line.ship_complete else cap)
    return line.qty


def run_lines(problem: ReallocationProblem) -> tuple[LineRef, ...]:
    """Every line of every order, in canonical order, with its class and cap."""
    classes = classify(problem)
    out = []
    for order in sorted(problem.orders, key=lambda o: o.id):
        cls = classes[order.id]
        for line in sorted(order.lines, key=lambda ln: ln.line):
            out.append(LineRef(order, line, cls, line_cap(line, cls.strategy)))
    return tuple(out)


def supply(problem: ReallocationProblem) -> list[Node]:
    """Allocatable supply, before protections, canonically sorted."""
    as_of, net = problem.as_of, problem.network
    stock: dict[tuple[str, str], int] = defaultdict(int)
    for s in net.stock:
        if s.status == "available":
            stock[(s.item, s.location)] += s.qty
    horizon = as_of + timedelta(days=problem.policy.horizon_days)
    inbound: dict[tuple[str, str, date], int] = defaultdict(int)
    for r in net.inbound:
        if r.eta <= horizon:
            inbound[(r.item, r.location, max(r.eta, as_of))] += r.qty
    nodes = [Node(i, loc, as_of, "stock", q) for (i, loc), q in stock.items()]
    nodes += [Node(i, loc, d, "inbound", q) for (i, loc, d), q in inbound.items()]
    return sorted(nodes)


def protection_rows(problem: ReallocationProblem, nodes: list[Node]) -> list[ProtectionRow]:
    """The nested protection rows: per (item, location) and tier class t, the draw of classes at or below t is
    at most max(0, S - protected above t) + P0, P0 being inbound due by as_of (same pool, never protected)."""
    tiers = problem.policy.tiers
    guards: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for p in problem.network.protections:
        guards[(p.item, p.location)].append((tiers.index(p.min_tier), p.qty))
    at = {(n.item, n.location, n.available_date, n.source): k for k, n in enumerate(nodes)}
    rows = []
    for (item, loc), gs in sorted(guards.items()):
        s = at.get((item, loc, problem.as_of, "stock"))
        if s is None:
            continue
        p0 = at.get((item, loc, problem.as_of, "inbound"))
        members = (s,) if p0 is None else (s, p0)
        due = 0 if p0 is None else nodes[p0].qty
        for t in range(len(tiers) + 1):
            above = sum(q for r, q in gs if r < t)
            if above:
                rows.append(ProtectionRow(members, t, max(0, nodes[s].qty - above) + due))
    return rows


def usable_items(items: dict[str, Item], customer_allows: bool, line: RunLine) -> list[tuple[str, int]]:
    """The line's item (rank 0) and, when the customer and the line allow it, its substitutes by rank."""
    ranks = {line.item: 0}
    if line.allow_substitution and customer_allows and line.item in items:
        for sub in items[line.item].substitutes:
            if sub.item != line.item and sub.item in items:
                ranks[sub.item] = min(ranks.get(sub.item, sub.rank), sub.rank)
    return sorted(ranks.items(), key=lambda kv: (kv[1], kv[0]))
