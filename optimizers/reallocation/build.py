"""Building the run's arcs: every (line, usable item, supply node, route), in canonical order.

Routes depend only on the supply location and the order's region, so they are tabulated once per region;
an arc's figures then follow the spec: delivery = available date + lane lead + transit, on time when no later
than the order's requested date, unit margin = price - item cost - shipping - lane (in exact 1e-4 units).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from optimizers.candidates.routes import money_units
from optimizers.problem import TransferLane
from optimizers.reallocation.candidates import (
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


def build(problem: ReallocationProblem) -> RunCandidates:
    """Lines, supply nodes, protection rows and every arc, as parallel arrays."""
    net = problem.network
    lines = run_lines(problem)
    nodes = supply(problem)
    locations = sorted({loc.id for loc in net.locations})
    entity = {loc.id: loc.entity for loc in net.locations}
    items = {i.id: i for i in net.items}
    allows = {c.id: c.allow_substitution for c in net.customers}
    by_item: dict[str, list[int]] = defaultdict(list)
    for k, n in enumerate(nodes):
        if n.qty > 0:
            by_item[n.item].append(k)
    tables: dict[str, dict[str, list[Route]]] = {}
    cols: list[list[int]] = [[] for _ in range(9)]
    for li, ref in enumerate(lines):
        if ref.cap == 0:
            continue
        order, line = ref.order, ref.line
        routes = tables.get(order.ship_to_region)
        if routes is None:
            routes = tables[order.ship_to_region] = route_table(problem, locations, order.ship_to_region)
        due = (order.requested_date - problem.as_of).days
        price = money_units(line.unit_price)
        for item, rank in usable_items(items, allows.get(order.customer, True), line):
            base = price - money_units(items[item].unit_cost)
            for k in by_item.get(item, ()):
                node = nodes[k]
                ready = (node.available_date - problem.as_of).days
                ic = int(entity.get(node.location) != order.entity)
                for lane, origin, days, cost in routes.get(node.location, ()):
                    d = ready + days
                    row = (k, li, lane, origin, d, int(d <= due), base - cost, d + rank + (lane >= 0) + ic, rank)
                    for c, v in zip(cols, row, strict=True):
                        c.append(v)
    arrays = [np.array(c, np.int64) for c in cols]
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


__all__ = ["Node", "RunCandidates", "build"]
