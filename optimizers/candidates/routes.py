"""Routes from supply locations to the order's region: direct shipping, or one transfer lane then shipping.

A transfer route whose direct twin from the same location delivers no later and costs no more is dominated:
moving its units to the direct route keeps every row feasible (it frees lane capacity) and is no worse at any
level, so it can be dropped without changing the optimum. Only a shipment limit that could bind makes that
unsafe (the ship-from location differs), so then nothing is dropped.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from optimizers.problem import AllocationProblem

MARGIN_SCALE = 10_000  # money has at most 4 decimals, so margin * 1e4 is an exact integer
LaneSpec = tuple[str, str, int | None]  # (from, to, capacity or None for unlimited)


class Route(NamedTuple):
    """How goods at a location reach the order's region: direct or through one lane."""

    lane: int  # index into the lanes the routes use, or -1 when direct
    ship_from: str
    days: int
    cost_units: int  # (shipping + lane) unit cost * MARGIN_SCALE


class RouteTable(NamedTuple):
    routes: dict[str, list[Route]]  # per location, direct first
    lanes: list[LaneSpec]  # the lanes any route uses
    dominated: dict[str, list[tuple[Route, Route]]]  # per location, (dropped transfer route, the direct route)


def money_units(value: float) -> int:
    """Money as an exact integer count of 1e-4."""
    return round(value * MARGIN_SCALE)


def shipment_limit_can_bind(problem: AllocationProblem, origins: int) -> bool:
    """Could the customer's shipment limit bind an order that may ship from `origins` locations?"""
    limit = problem.customer().max_shipments
    return limit is not None and limit < origins


def route_table(problem: AllocationProblem) -> RouteTable:
    """Routes per location, the lanes they use, and per location the transfer routes its direct route dominates."""
    region = problem.order.ship_to_region
    ship = {s.location: s for s in problem.shipping if s.region == region}
    origins = set(ship) | {ln.to_location for ln in problem.lanes if ln.to_location in ship}
    prune = not shipment_limit_can_bind(problem, len(origins))
    lanes: list[LaneSpec] = []
    routes: dict[str, list[Route]] = defaultdict(list)
    dominated: dict[str, list[tuple[Route, Route]]] = defaultdict(list)
    for loc, s in sorted(ship.items()):
        routes[loc].append(Route(-1, loc, s.transit_days, money_units(s.unit_cost)))
    for lane in sorted(problem.lanes, key=lambda x: (x.from_location, x.to_location)):
        onward = ship.get(lane.to_location)
        if onward is None or lane.from_location == lane.to_location:
            continue
        cost = money_units(onward.unit_cost) + money_units(lane.unit_cost)
        days = lane.lead_days + onward.transit_days
        direct = ship.get(lane.from_location)
        if prune and direct and direct.transit_days <= days and money_units(direct.unit_cost) <= cost:
            dominated[lane.from_location].append(
                (Route(-1, lane.to_location, days, cost), routes[lane.from_location][0])
            )
            continue
        lanes.append((lane.from_location, lane.to_location, lane.capacity))
        routes[lane.from_location].append(Route(len(lanes) - 1, lane.to_location, days, cost))
    return RouteTable(dict(routes), lanes, dict(dominated))
