"""Building the run's arcs: every (line, usable item, supply node, route), in canonical order.

Routes depend only on the supply location and the order's region, so they are tabulated once per region;
an arc's figures then follow the spec: delivery = available date + lane lead + transit, on time when no later
than the order's requested date, unit margin = price - item cost - shipping - lane (in exact 1e-4 units).
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

import numpy as np

from optimizers.candidates.routes import money_units
from optimizers.problem import TransferLane
from optimizers.reallocation.candidates import (
    LineRef,
    Node,
    RunCandidates,
    protection_rows,
    run_lines,
    supply,
    usable_items,
)
from optimizers.reallocation.problem import ReallocationProblem

Route = tuple[int, int, int, int]  # (lane index or -1, ship-from location index, days, cost in 1e-4)


def route_table(problem: ReallocationProblem, locations: list[str], region: str) -> dict[str, list[Route]]:
    """Per supply location, its routes to `region`: direct first, then one lane each, by lane order."""
    net = problem.network
    at = {loc: k for k, loc in enumerate(locations)}
    ship = {s.location: s for s in net.shipping if s.region == region}
    routes: dict[str, list[Route]] = defaultdict(list)
    for loc, s in sorted(ship.items()):
        routes[loc].append((-1, at[loc], s.transit_days, money_units(s.unit_cost)))
    for k, lane in enumerate(_lanes(problem)):
        onward = ship.get(lane.to_location)
        if onward is None or lane.from_location == lane.to_location:
            continue
        cost = money_units(onward.unit_cost) + money_units(lane.unit_cost)
        routes[lane.from_location].append((k, at[lane.to_location], lane.lead_days + onward.transit_days, cost))
    return routes


def _lanes(problem: ReallocationProblem) -> list[TransferLane]:
    return sorted(problem.network.lanes, key=lambda x: (x.from_location, x.to_location))


def build(problem: ReallocationProblem, *, prune: bool = True) -> RunCandidates:
    """Lines, supply nodes, protection rows and every arc, as parallel arrays (in the canonical order: by line,
    usable item, node, route). With `prune`, arcs by a dominated route are left out (`dominated_routes`)."""
    net = problem.network
    lines = run_lines(problem)
    nodes = supply(problem)
    locations = sorted({loc.id for loc in net.locations})
    pairs = _line_items(problem, lines, nodes)
    arrays = _expand(problem, lines, nodes, locations, pairs, prune)
    return RunCandidates(
        problem,
        lines,
        tuple(nodes),
        tuple((ln.from_location, ln.to_location, ln.capacity) for ln in _lanes(problem)),
        tuple(locations),
        tuple(protection_rows(problem, nodes)),
        arc_node=arrays[0],
        arc_line=arrays[1],
        arc_lane=arrays[2],
        arc_origin=arrays[3],
        arc_days=arrays[4],
        arc_on_time=arrays[5].astype(bool),
        arc_margin=arrays[6],
        arc_tie=arrays[7],
        arc_rank=arrays[8],
    )


class _Pairs(NamedTuple):
    """Every (line, usable item) with supply, in canonical order, with what its arcs need of the line."""

    line: np.ndarray
    rank: np.ndarray
    base: np.ndarray  # price - the usable item's cost, in 1e-4
    first: np.ndarray  # the item's first node among the positive nodes (nodes are sorted by item)
    nodes: np.ndarray  # how many positive nodes the item has
    region: np.ndarray  # per line: its region's index
    due: np.ndarray  # per line: requested date, days after as_of
    entity: np.ndarray  # per line: its order's entity's index


def _line_items(problem: ReallocationProblem, lines: tuple[LineRef, ...], nodes: list[Node]) -> _Pairs:
    net = problem.network
    items = {i.id: i for i in net.items}
    allows = {c.id: c.allow_substitution for c in net.customers}
    span: dict[str, tuple[int, int]] = {}
    positive = [n.item for n in nodes if n.qty > 0]
    for k, item in enumerate(positive):
        first, count = span.get(item, (k, 0))
        span[item] = (first, count + 1)
    regions: dict[str, int] = {}
    entities = {e: k for k, e in enumerate(sorted({loc.entity for loc in net.locations}))}
    usable: dict[tuple[str, bool], list[tuple[str, int]]] = {}
    cols: list[list[int]] = [[] for _ in range(5)]
    region, due, entity = [], [], []
    for li, ref in enumerate(lines):
        order, line = ref.order, ref.line
        region.append(regions.setdefault(order.ship_to_region, len(regions)))
        due.append((order.requested_date - problem.as_of).days)
        entity.append(entities.get(order.entity, -1))
        if ref.cap == 0:
            continue
        key = (line.item, line.allow_substitution and allows.get(order.customer, True))
        choices = usable.get(key)
        if choices is None:
            choices = usable[key] = usable_items(items, key[1], line)
        price = money_units(line.unit_price)
        for item, rank in choices:
            first, count = span.get(item, (0, 0))
            if count:
                for c, v in zip(
                    cols, (li, rank, price - money_units(items[item].unit_cost), first, count), strict=True
                ):
                    c.append(v)
    a = [np.array(c, np.int64) for c in cols]
    per_line = [np.array(c, np.int64) for c in (region, due, entity)]
    return _Pairs(a[0], a[1], a[2], a[3], a[4], per_line[0], per_line[1], per_line[2])


def children(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For parents with `counts` children each: every child's parent and its position among its siblings."""
    parent = np.repeat(np.arange(len(counts)), counts)
    offset = np.arange(len(parent)) - np.repeat(np.cumsum(counts) - counts, counts)
    return parent, offset


def dominated_routes(
    lane: np.ndarray, days: np.ndarray, cost: np.ndarray, capped: np.ndarray, start: np.ndarray, count: np.ndarray
) -> np.ndarray:
    """Per route of the flattened tables: is it dominated by another route of its (location, region) table?

    Route a dominates route b when it is no later (so on time wherever b is), no dearer (so no less margin), no
    worse on the tie cost (days, plus one via a lane) and holds no capacity b does not (a lane with a capacity
    never dominates: each route of a table has its own lane). Moving any units of a line from b to a, at the same
    supply node, then keeps every row and leaves every objective level at least as good and the line's units as
    they are: so every level's optimum, the lines an optimum serves (eligibility) and the tie-break's optimum are
    those of the model with b left out. Among routes equal in all of this, the first (canonical order) stays.
    The ship-from location differs between routes, so the lines of orders with a shipment limit keep every arc."""
    out = np.zeros(len(lane), bool)
    tie = days + (lane >= 0)
    held = capped[lane]  # the sentinel at capped[-1] is False: direct routes hold no capacity
    for s, c in zip(start.tolist(), count.tolist(), strict=True):
        for b in range(s, s + c):
            for a in range(s, s + c):
                if a == b or held[a] or out[a]:
                    continue
                no_worse = days[a] <= days[b] and cost[a] <= cost[b] and tie[a] <= tie[b]
                better = days[a] < days[b] or cost[a] < cost[b] or tie[a] < tie[b] or a < b
                if no_worse and better:
                    out[b] = True
                    break
    return out


def _expand(
    problem: ReallocationProblem,
    lines: tuple[LineRef, ...],
    nodes: list[Node],
    locations: list[str],
    pairs: _Pairs,
    prune: bool = True,
) -> list[np.ndarray]:
    """The arcs: each pair's positive nodes, each node's routes to the line's region, in that order."""
    net = problem.network
    loc_at = {loc: k for k, loc in enumerate(locations)}
    entities = {e: k for k, e in enumerate(sorted({loc.entity for loc in net.locations}))}
    loc_entity = np.array([entities[loc.entity] for loc in sorted(net.locations, key=lambda x: x.id)], np.int64)
    positive = np.array([k for k, n in enumerate(nodes) if n.qty > 0], np.int64)
    node_loc = np.array([loc_at[n.location] for n in nodes], np.int64)
    node_ready = np.array([(n.available_date - problem.as_of).days for n in nodes], np.int64)
    # Routes per (supply location, region), flattened: [start, start + count) of the route arrays.
    n_loc, by_region = len(locations), dict[int, str]()
    for li, r in enumerate(pairs.region.tolist()):
        by_region.setdefault(r, lines[li].order.ship_to_region)
    start = np.zeros(n_loc * max(1, len(by_region)), np.int64)
    count = np.zeros_like(start)
    route: list[list[int]] = [[], [], [], []]
    for r, name in sorted(by_region.items()):
        table = route_table(problem, locations, name)
        for loc, k in loc_at.items():
            start[k * len(by_region) + r] = len(route[0])
            count[k * len(by_region) + r] = len(table.get(loc, ()))
            for row in table.get(loc, ()):
                for c, v in zip(route, row, strict=True):
                    c.append(v)
    lane, origin, days, cost = (np.array(c, np.int64) for c in route)
    pair, offset = children(pairs.nodes)
    node = positive[pairs.first[pair] + offset]
    line = pairs.line[pair]
    key = node_loc[node] * max(1, len(by_region)) + pairs.region[line]
    parent, offset = children(count[key])
    at = start[key][parent] + offset
    node, line, pair = node[parent], line[parent], pair[parent]
    if prune:
        capped = np.array([ln.capacity is not None for ln in _lanes(problem)] + [False], bool)
        limited = {c.id for c in net.customers if c.max_shipments is not None}
        free = np.array([ref.order.customer not in limited for ref in lines], bool)
        keep = ~(dominated_routes(lane, days, cost, capped, start, count)[at] & free[line])
        node, line, pair, at = node[keep], line[keep], pair[keep], at[keep]
    d = node_ready[node] + days[at]
    intercompany = (loc_entity[node_loc[node]] != pairs.entity[line]).astype(np.int64)
    rank = pairs.rank[pair]
    return [
        node,
        line,
        lane[at],
        origin[at],
        d,
        (d <= pairs.due[line]).astype(np.int64),
        pairs.base[pair] - cost[at],
        d + rank + (lane[at] >= 0) + intercompany,
        rank,
    ]


__all__ = ["Node", "RunCandidates", "build"]
