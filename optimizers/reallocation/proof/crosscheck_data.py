"""The cross-check's data, read straight from the problem: lines with their strategy and class, supply, arcs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from optimizers.reallocation.problem import ReallocationProblem, RunLine, RunOrder

SCALE = 10_000


@dataclass(frozen=True)
class _Arc:
    line: tuple[str, int]
    node: tuple[str, str, date, str]
    lane: tuple[str, str] | None
    ship_from: str
    on_time: int
    margin: int
    tie: int
    upper: int


@dataclass(frozen=True)
class _Line:
    key: tuple[str, int]
    src: RunLine
    strategy: str
    tier: str
    rank: int
    order: RunOrder


def _m(v: float) -> int:
    return round(v * SCALE)


def _lines(p: ReallocationProblem) -> list[_Line]:
    tiers = p.policy.tiers
    tier_of = {c.id: (c.tier or "none") for c in p.network.customers}
    out = []
    for o in p.orders:
        tier = tier_of[o.customer]
        strategy = "redistribute"
        for s in p.segments:
            pairs = [(s.tiers, tier), (s.customers, o.customer), (s.orders, o.id), (s.regions, o.ship_to_region)]
            if all(f is None or v in f for f, v in [*pairs, (s.entities, o.entity)]):
                strategy = s.strategy.value
                break
        rank = tiers.index(tier) if tier in tiers else len(tiers)
        out += [_Line((o.id, ln.line), ln, strategy, tier, rank, o) for ln in o.lines]
    return out


def _supply(p: ReallocationProblem) -> dict[tuple[str, str, date, str], int]:
    nodes: dict[tuple[str, str, date, str], int] = defaultdict(int)
    for s in p.network.stock:
        if s.status == "available":
            nodes[(s.item, s.location, p.as_of, "stock")] += s.qty
    for b in p.network.inbound:
        if b.eta <= p.as_of + timedelta(days=p.policy.horizon_days):
            nodes[(b.item, b.location, max(b.eta, p.as_of), "inbound")] += b.qty
    return dict(nodes)


def _arcs(p: ReallocationProblem, lines: list[_Line]) -> list[_Arc]:
    net = p.network
    items = {i.id: i for i in net.items}
    cust = {c.id: c for c in net.customers}
    entity = {loc.id: loc.entity for loc in net.locations}
    arcs = []
    for ln in lines:
        src, o = ln.src, ln.order
        if ln.strategy == "lose" or src.rejection is not None:
            continue
        upper = min(src.qty, src.confirmed_qty) if ln.strategy == "fill" else src.qty
        usable = {src.item: 0}
        if src.allow_substitution and cust[o.customer].allow_substitution:
            for s in sorted(items[src.item].substitutes, key=lambda s: s.rank):
                if s.item != src.item:
                    usable.setdefault(s.item, s.rank)
        ship = {s.location: s for s in net.shipping if s.region == o.ship_to_region}
        for node, cap in sorted(_supply(p).items()):
            item, loc, avail, _ = node
            if item not in usable or cap == 0:
                continue
            routes = [(None, loc, 0, 0, None)] + [
                ((k.from_location, k.to_location), k.to_location, k.lead_days, _m(k.unit_cost), k.capacity)
                for k in net.lanes
                if k.from_location == loc and k.to_location != loc
            ]
            for lane, f, lead, lane_cost, lane_cap in routes:
                if f not in ship:
                    continue
                delivery = avail + timedelta(days=lead + ship[f].transit_days)
                margin = _m(src.unit_price) - _m(items[item].unit_cost) - _m(ship[f].unit_cost) - lane_cost
                tie = (delivery - p.as_of).days + usable[item] + (lane is not None) + (entity[loc] != o.entity)
                cap_a = min(upper, cap, upper if lane_cap is None else lane_cap)
                arcs.append(_Arc(ln.key, node, lane, f, int(delivery <= o.requested_date), margin, tie, cap_a))
    return arcs
