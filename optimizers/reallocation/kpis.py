"""The run's KPIs, from its output and its input alone (`shared/spec/reallocation.md`, Output: kpis).

No solver here: the engine reports these figures and the validator recomputes them the same way from the
published lines, so a reported figure that does not follow from the fills is caught.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from optimizers.reallocation.problem import ReallocationProblem
from optimizers.reallocation.result import Figures, Kpis, RunLineResult, RunOrderResult

AGING = (("0-7", 7), ("8-30", 30), ("31-90", 90), ("90+", None))


def _bucket(created: date, as_of: date) -> str:
    days = (as_of - created).days
    return next(name for name, top in AGING if top is None or days <= top)


class _Acc:
    """Running sums for one scope (the run, a tier or a segment)."""

    def __init__(self) -> None:
        self.n = defaultdict(float)  # type: defaultdict[str, float]
        self.aging = {name: 0 for name, _ in AGING}

    def add(self, line: RunLineResult, bucket: str, on_time: int, margin: float, leak: float) -> None:
        """One line, with its aging bucket, on-time units, margin and leakage (worked out once for every scope)."""
        n = self.n
        n["lines"] += 1
        n["requested"] += line.requested_qty
        n["allocated"] += line.allocated_qty
        n["on_time"] += on_time
        n["otif"] += line.allocated_qty == line.requested_qty and on_time == line.allocated_qty
        n["bo_units"] += line.backorder_qty
        n["bo_lines"] += line.backorder_qty > 0
        self.aging[bucket] += line.backorder_qty
        n["margin"] += margin
        n["leakage"] += leak
        n["gained"] += line.change > 0
        n["lost"] += line.change < 0
        n["u_gained"] += max(line.change, 0)
        n["u_lost"] += max(-line.change, 0)

    def figures(self) -> Figures:
        n = self.n
        req = n["requested"]
        return Figures(
            int(req),
            int(n["allocated"]),
            n["allocated"] / req if req else 0.0,
            n["on_time"] / req if req else 0.0,
            n["otif"] / n["lines"] if n["lines"] else 0.0,
            int(n["bo_units"]),
            int(n["bo_lines"]),
            dict(self.aging),
            round(n["margin"], 4),
            round(n["leakage"], 4),
            int(n["gained"]),
            int(n["lost"]),
            int(n["u_gained"]),
            int(n["u_lost"]),
        )


def kpis(problem: ReallocationProblem, orders: tuple[RunOrderResult, ...]) -> Kpis:
    """The whole run's figures, and the same per tier class and per segment."""
    net = problem.network
    cost = {i.id: i.unit_cost for i in net.items}
    cheapest: dict[str, float] = {}
    for s in net.shipping:
        cheapest[s.region] = min(cheapest.get(s.region, s.unit_cost), s.unit_cost)
    source = {o.id: o for o in problem.orders}
    total = _Acc()
    tiers: defaultdict[str, _Acc] = defaultdict(_Acc)
    segments: defaultdict[str, _Acc] = defaultdict(_Acc)
    for res in orders:
        order = source[res.id]
        lines = {ln.line: ln for ln in order.lines}
        bucket = _bucket(order.created, problem.as_of)
        scopes = (total, tiers[res.tier], segments[res.segment])
        for line in res.lines:
            price = lines[line.line].unit_price
            base = price - cost.get(line.item, 0.0) - cheapest.get(order.ship_to_region, 0.0)
            leak = sum(f.qty * (base - f.unit_margin) for f in line.fills)
            on_time = sum(f.qty for f in line.fills if f.on_time)
            margin = sum(f.qty * f.unit_margin for f in line.fills)
            for acc in scopes:
                acc.add(line, bucket, on_time, margin, leak)
    return Kpis(
        total.figures(),
        {k: v.figures() for k, v in sorted(tiers.items())},
        {k: v.figures() for k, v in sorted(segments.items())},
    )
