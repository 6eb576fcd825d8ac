"""What-ifs a planner asks of one order: pure transforms from an `AllocationProblem` to another.

A supplier slips, demand spikes, a warehouse closes, the warehouses nearest the customer run dry. Each
returns a new problem; the base is never touched (the dataclasses are frozen).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from optimizers.problem import AllocationProblem

WhatIf = Callable[[AllocationProblem], AllocationProblem]


def supplier_slip(problem: AllocationProblem, days: int, items: frozenset[str] | None = None) -> AllocationProblem:
    """Every inbound ETA (of `items`, if given) moves `days` later."""
    inbound = tuple(
        x._replace(eta=x.eta + timedelta(days=days)) if items is None or x.item in items else x for x in problem.inbound
    )
    return replace(problem, inbound=inbound)


def demand_spike(problem: AllocationProblem, factor: float) -> AllocationProblem:
    """Every order line's quantity multiplied by `factor`, rounded up to whole units."""
    lines = tuple(x._replace(qty=math.ceil(x.qty * factor)) for x in problem.order.lines)
    return replace(problem, order=replace(problem.order, lines=lines))


def warehouse_closed(problem: AllocationProblem, location: str) -> AllocationProblem:
    """`location` stops shipping, receiving and transferring: its stock, inbound, routes, lanes go."""
    return replace(
        problem,
        stock=tuple(x for x in problem.stock if x.location != location),
        inbound=tuple(x for x in problem.inbound if x.location != location),
        shipping=tuple(x for x in problem.shipping if x.location != location),
        lanes=tuple(x for x in problem.lanes if location not in (x.from_location, x.to_location)),
        protections=tuple(x for x in problem.protections if x.location != location),
    )


def regional_shortage(problem: AllocationProblem, count: int = 2) -> AllocationProblem:
    """The `count` warehouses that reach the order's region fastest have no available stock left."""
    dry = set(nearest_locations(problem)[:count])
    stock = tuple(x for x in problem.stock if x.location not in dry or x.status != "available")
    return replace(problem, stock=stock)


def nearest_locations(problem: AllocationProblem) -> list[str]:
    """Locations shipping to the order's region, fastest then cheapest first."""
    routes = [x for x in problem.shipping if x.region == problem.order.ship_to_region]
    return [x.location for x in sorted(routes, key=lambda x: (x.transit_days, x.unit_cost, x.location))]


def busiest_location(problem: AllocationProblem) -> str:
    """The location serving the order's region that holds most available units of the ordered items."""
    ordered = {x.item for x in problem.order.lines}
    serving = set(nearest_locations(problem))
    units: dict[str, int] = {}
    for x in problem.stock:
        if x.item in ordered and x.status == "available" and x.location in serving:
            units[x.location] = units.get(x.location, 0) + x.qty
    if not units:
        return problem.locations[0].id
    return max(sorted(units), key=lambda loc: units[loc])


def standard_whatifs(problem: AllocationProblem) -> dict[str, WhatIf]:
    """The batch a planner runs by default: the base and four what-ifs."""
    closed = busiest_location(problem)
    return {
        "base": lambda p: p,
        "supplier_slip_+7d": lambda p: supplier_slip(p, 7),
        "demand_spike_x1.5": lambda p: demand_spike(p, 1.5),
        f"closed_{closed}": lambda p: warehouse_closed(p, closed),
        "regional_shortage": regional_shortage,
    }
