"""Supply nodes and candidate arcs: the spec's semantics turned into the sets the models optimise over.

A supply node is one source (stock or inbound) of a pool (item, location, available date). An arc is one
way a node can serve a line: direct, or through one transfer lane. Everything is sorted canonically, so the
model (and therefore the decision) does not depend on the order of the input lists. Supply that can never
serve the order is kept aside as `Rejected`, for the explanation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from optimizers.decision import ReasonCode
from optimizers.problem import AllocationProblem, Item
from optimizers.supply import SupplyNode, supply_nodes

MARGIN_SCALE = 10_000  # money has at most 4 decimals, so margin * 1e4 is an exact integer
LaneSpec = tuple[str, str, int | None]  # (from, to, capacity or None for unlimited)


@dataclass(frozen=True, slots=True)
class Arc:
    node: int
    line: int  # index into order.lines
    lane: int  # index into CandidateSet.lanes, or -1 when direct
    ship_from: str
    delivery_date: date
    on_time: bool
    unit_margin: float
    margin_units: int  # unit margin * MARGIN_SCALE
    tie_cost: int
    substitute_rank: int
    intercompany: bool


@dataclass(frozen=True, slots=True)
class Rejected:
    """Supply of a usable item that cannot serve a line at all, with the reason."""

    line: int
    item: str
    location: str
    source: str
    available_date: date | None
    qty: int
    reason: ReasonCode
    detail: str
    lane: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Route:
    """How goods at a location reach the order's region: direct or through one lane."""

    lane: int
    ship_from: str
    days: int
    cost_units: int  # (shipping + lane) unit cost * MARGIN_SCALE


@dataclass(frozen=True, slots=True)
class CandidateSet:
    problem: AllocationProblem
    nodes: tuple[SupplyNode, ...]
    arcs: tuple[Arc, ...]
    lanes: tuple[LaneSpec, ...]  # the lanes any route uses
    rejected: tuple[Rejected, ...]  # per line: substitutes the line may not take
    usable_items: tuple[tuple[tuple[str, int], ...], ...]  # per line: (item, rank)
    refused: dict[str, tuple[Rejected, ...]]  # per item, supply no line can use, with the reason (line -1)


def usable_items(problem: AllocationProblem, items: dict[str, Item]) -> list[tuple[tuple[str, int], ...]]:
    """Per line, the items that may fill it with their substitute rank (0 for the ordered item)."""
    allow_customer = problem.customer().allow_substitution
    out = []
    for line in problem.order.lines:
        ranks: dict[str, int] = {line.item: 0}
        if allow_customer and line.allow_substitution and line.item in items:
            for sub in items[line.item].substitutes:
                if sub.item != line.item and sub.item in items:
                    ranks[sub.item] = min(ranks.get(sub.item, sub.rank), sub.rank)
        out.append(tuple(sorted(ranks.items(), key=lambda kv: (kv[1], kv[0]))))
    return out


def money_units(value: float) -> int:
    """Money as an exact integer count of 1e-4."""
    return round(value * MARGIN_SCALE)


def routes_by_location(problem: AllocationProblem) -> tuple[dict[str, list[Route]], list[LaneSpec]]:
    """Every route from each location to the order's region, and the lanes those routes use."""
    routes, lanes, _ = route_table(problem)
    return routes, lanes


def route_table(
    problem: AllocationProblem,
) -> tuple[dict[str, list[Route]], list[LaneSpec], dict[str, list[tuple[Route, Route]]]]:
    """Routes per location, the lanes they use, and per location the transfer routes its direct route dominates.

    A transfer route whose direct twin from the same supply delivers no later and costs no more can be dropped
    without changing the optimum: moving its units to the direct route keeps every row feasible (it frees lane
    capacity) and is no worse at any level. Only with a shipment limit that could bind is that unsafe (the
    ship-from differs), so then nothing is dropped.
    """
    region = problem.order.ship_to_region
    ship = {s.location: s for s in problem.shipping if s.region == region}
    limit = problem.customer().max_shipments
    origins = set(ship) | {ln.to_location for ln in problem.lanes if ln.to_location in ship}
    prune = limit is None or limit >= len(origins)  # a limit that cannot bind changes nothing
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
    return routes, lanes, dominated


Template = tuple[int, Route, date, bool, int, bool]  # node, route, delivery, on time, tie without rank, intercompany


def build_candidates(problem: AllocationProblem) -> CandidateSet:
    """Supply nodes, every arc from a node to a line it may serve, and the supply that cannot."""
    items = {i.id: i for i in problem.items}
    nodes = supply_nodes(problem)
    routes, lanes, dominated = route_table(problem)
    templates, refusals = _item_templates(problem, nodes, routes, dominated)
    usable = usable_items(problem, items)
    arcs: list[Arc] = []
    rejected: list[Rejected] = []
    for li, line in enumerate(problem.order.lines):
        price = money_units(line.unit_price)
        for item, rank in usable[li]:
            base = price - money_units(items[item].unit_cost) if item in items else 0
            for n, r, delivery, on_time, tie, ic in templates.get(item, ()):
                margin = base - r.cost_units
                arcs.append(
                    Arc(
                        n,
                        li,
                        r.lane,
                        r.ship_from,
                        delivery,
                        on_time,
                        margin / MARGIN_SCALE,
                        margin,
                        tie + rank,
                        rank,
                        ic,
                    )
                )
        rejected.extend(substitution_refused(problem, li, usable[li], items))
    for item, rows in blocked_supply(problem).items():
        refusals[item].extend(Rejected(-1, item, *b) for b in rows)
    refused = {item: tuple(rows) for item, rows in refusals.items()}
    return CandidateSet(problem, tuple(nodes), tuple(arcs), tuple(lanes), tuple(rejected), tuple(usable), refused)


def _item_templates(
    problem: AllocationProblem,
    nodes: list[SupplyNode],
    routes: dict[str, list[Route]],
    dominated: dict[str, list[tuple[Route, Route]]],
) -> tuple[dict[str, list[Template]], dict[str, list[Rejected]]]:
    """Per item, every (node, route) with its line-independent figures, and the nodes no route serves.

    All lines of an order share its region and requested date, so only price and substitute rank differ
    between lines: computing the rest once per item keeps candidate generation linear in the arcs.
    """
    entity = {loc.id: loc.entity for loc in problem.locations}
    as_of, requested = problem.as_of, problem.order.requested_date
    templates: dict[str, list[Template]] = defaultdict(list)
    refusals: dict[str, list[Rejected]] = defaultdict(list)
    for n, node in enumerate(nodes):
        here = routes.get(node.location)
        if not here:
            detail = f"no shipping from {node.location} (or via a lane from it) to {problem.order.ship_to_region}"
            refusals[node.item].append(_reject(-1, node, ReasonCode.NO_SHIPPING_ROUTE, detail))
        elif node.qty == 0:
            if node.protected:
                detail = f"{node.protected} units protected for a higher tier than the customer's"
                refusals[node.item].append(_reject(-1, node, ReasonCode.PROTECTED_FOR_HIGHER_TIER, detail))
        else:
            ic = entity.get(node.location) != problem.order.entity
            for r, by in dominated.get(node.location, ()):
                refusals[node.item].append(_dominated(node, r, by))
            for r in here:
                delivery = node.available_date + timedelta(days=r.days)
                tie = (delivery - as_of).days + (r.lane >= 0) + ic
                templates[node.item].append((n, r, delivery, delivery <= requested, tie, ic))
    return templates, refusals


def _dominated(node: SupplyNode, r: Route, by: Route) -> Rejected:
    detail = (
        f"transfer to {r.ship_from} takes {r.days} days at {r.cost_units / MARGIN_SCALE:.4f}; shipping direct "
        f"takes {by.days} days at {by.cost_units / MARGIN_SCALE:.4f}"
    )
    return Rejected(
        -1,
        node.item,
        node.location,
        node.source,
        node.available_date,
        node.qty,
        ReasonCode.ROUTE_DOMINATED,
        detail,
        (node.location, r.ship_from),
    )


def _reject(li: int, node: SupplyNode, reason: ReasonCode, detail: str) -> Rejected:
    qty = node.raw_qty if reason == ReasonCode.PROTECTED_FOR_HIGHER_TIER else node.qty
    return Rejected(li, node.item, node.location, node.source, node.available_date, qty, reason, detail)


Blocked = tuple[str, str, date | None, int, ReasonCode, str]  # location, source, date, qty, reason, detail


def blocked_supply(problem: AllocationProblem) -> dict[str, list[Blocked]]:
    """Per item, supply the spec never allows: unsellable stock status, inbound beyond the horizon."""
    out: dict[str, list[Blocked]] = defaultdict(list)
    for s in problem.stock:
        if s.status != "available":
            detail = f"stock status {s.status!r} is not sellable"
            out[s.item].append((s.location, "stock", None, s.qty, ReasonCode.NOT_SELLABLE_STATUS, detail))
    horizon = problem.as_of + timedelta(days=problem.policy.horizon_days)
    for r in problem.inbound:
        if r.eta > horizon:
            detail = f"eta {r.eta.isoformat()} is after the horizon {horizon.isoformat()}"
            out[r.item].append((r.location, "inbound", r.eta, r.qty, ReasonCode.BEYOND_HORIZON, detail))
    for rows in out.values():
        rows.sort(key=lambda b: (b[0], b[1], b[4], str(b[2])))
    return out


def substitution_refused(
    problem: AllocationProblem, li: int, usable: tuple[tuple[str, int], ...], items: dict[str, Item]
) -> list[Rejected]:
    """The substitutes a line may not take, because the customer or the line does not allow it."""
    line = problem.order.lines[li]
    ordered = items.get(line.item)
    allowed = problem.customer().allow_substitution and line.allow_substitution
    if ordered is None or allowed:
        return []
    who = "the customer" if not problem.customer().allow_substitution else f"line {line.line}"
    return [
        Rejected(
            li,
            sub.item,
            "*",
            "any",
            None,
            0,
            ReasonCode.SUBSTITUTION_NOT_ALLOWED,
            f"substitute {sub.item} (rank {sub.rank}) not allowed by {who}",
        )
        for sub in ordered.substitutes
        if sub.item != line.item
    ]
