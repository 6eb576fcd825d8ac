"""Building the candidate set: the spec's semantics turned into the arrays the models optimise over.

Every supply node, and every arc by which it may serve a line: direct, or through one transfer lane. Arcs are held
as parallel numpy arrays (one entry per arc), built in bulk: an order of 2,000 lines has tens of thousands of
them. Everything is sorted canonically (arcs by line, then the line's items by substitute rank, then supply node,
then route), so the model, and therefore the decision, does not depend on the order of the input lists. Supply
that can never serve the order is kept aside, as explanation candidates with the reason
(`optimizers.candidates.refusals`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from optimizers.candidates import refusals
from optimizers.candidates.candidate_set import Arcs, CandidateSet
from optimizers.candidates.routes import MARGIN_SCALE, Route, RouteTable, money_units, route_table
from optimizers.candidates.supply import SupplyNode, supply_nodes
from optimizers.decision import Candidate, Lane
from optimizers.problem import AllocationProblem, Item


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


@dataclass(frozen=True)
class _Templates:
    """Per (supply node, route), the arc figures no line changes, grouped by item (nodes are sorted by item)."""

    node: np.ndarray
    lane: np.ndarray
    origin: np.ndarray
    days: np.ndarray
    cost: np.ndarray  # route cost in 1e-4 money units
    intercompany: np.ndarray
    span: dict[str, tuple[int, int]]  # item -> (first, count)


def build_candidates(problem: AllocationProblem) -> CandidateSet:
    """Supply nodes, every arc from a node to a line it may serve, and the supply that cannot."""
    items = {i.id: i for i in problem.items}
    nodes = supply_nodes(problem)
    table = route_table(problem)
    origins = tuple(sorted({r.ship_from for rs in table.routes.values() for r in rs}))
    t, refused = _templates(problem, nodes, table, origins)
    usable = usable_items(problem, items)
    lines = problem.order.lines
    pair_line, pair_rank, pair_base, pair_first, pair_count = [], [], [], [], []
    barred: list[tuple[Candidate, ...]] = []
    seen: dict[str, Candidate] = {}
    for li, line in enumerate(lines):
        price = money_units(line.unit_price)
        for item, rank in usable[li]:
            first, count = t.span.get(item, (0, 0))
            if count:
                pair_line.append(li)
                pair_rank.append(rank)
                pair_base.append(price - money_units(items[item].unit_cost) if item in items else 0)
                pair_first.append(first)
                pair_count.append(count)
        barred.append(refusals.substitution_refused(problem, li, items, seen))
    counts = np.array(pair_count, np.int64)
    pair = np.repeat(np.arange(len(counts)), counts)  # the (line, item) pair of each arc
    offset = np.arange(len(pair)) - np.repeat(np.cumsum(counts) - counts, counts)
    tpl = np.array(pair_first, np.int64)[pair] + offset  # the template of each arc
    days = t.days[tpl]
    ranks = np.array(pair_rank, np.int64)[pair]
    lane = t.lane[tpl]
    intercompany = t.intercompany[tpl]
    arcs = Arcs(
        node=t.node[tpl],
        line=np.array(pair_line, np.int64)[pair],
        lane=lane,
        origin=t.origin[tpl],
        days=days,
        on_time=days <= (problem.order.requested_date - problem.as_of).days,
        margin=np.array(pair_base, np.int64)[pair] - t.cost[tpl],
        tie=days + ranks + (lane >= 0) + intercompany,
        rank=ranks,
        intercompany=intercompany,
    )
    for item, rows in refusals.blocked_supply(problem).items():
        refused[item].extend(rows)
    return CandidateSet(
        problem,
        tuple(nodes),
        arcs,
        tuple(table.lanes),
        origins,
        tuple(barred),
        tuple(usable),
        {item: tuple(rows) for item, rows in refused.items()},
        np.array([nd.qty for nd in nodes], np.int64),
        np.array([ln.qty for ln in lines], np.int64),
        np.array([ln.ship_complete for ln in lines], bool),
        problem.customer().max_shipments,
        table.routes,
    )


def _templates(
    problem: AllocationProblem, nodes: list[SupplyNode], table: RouteTable, origins: tuple[str, ...]
) -> tuple[_Templates, dict[str, list[Candidate]]]:
    """Per item, every (node, route) with its line-independent figures, and the nodes no route serves.

    All lines of an order share its region and requested date, so only price and substitute rank differ
    between lines: computing the rest once per item keeps candidate generation linear in the arcs. Each
    served node repeats its location's routes, in node order then route order.
    """
    locs = sorted(table.routes)
    at = {loc: i for i, loc in enumerate(locs)}
    flat = [r for loc in locs for r in table.routes[loc]]
    where = {o: i for i, o in enumerate(origins)}
    entity = {loc.id: loc.entity for loc in problem.locations}
    r_count = np.array([len(table.routes[loc]) for loc in locs] + [0], np.int64)  # the last: no route at all
    r_first = np.cumsum(r_count) - r_count
    r_lane = np.array([r.lane for r in flat], np.int64)
    r_origin = np.array([where[r.ship_from] for r in flat], np.int64)
    r_days = np.array([r.days for r in flat], np.int64)
    r_cost = np.array([r.cost_units for r in flat], np.int64)
    loc_ic = np.array([entity.get(loc) != problem.order.entity for loc in locs] + [False], bool)
    node_loc = np.array([at.get(nd.location, len(locs)) for nd in nodes], np.int64)
    node_ready = np.array([(nd.available_date - problem.as_of).days for nd in nodes], np.int64)
    items = sorted({nd.item for nd in nodes})
    index = {item: i for i, item in enumerate(items)}
    node_item = np.array([index[nd.item] for nd in nodes], np.int64)
    qty = np.array([nd.qty for nd in nodes], np.int64)
    served = np.flatnonzero((qty > 0) & (node_loc < len(locs)))
    counts = r_count[node_loc[served]]
    node = np.repeat(served, counts)
    route = r_first[node_loc[node]] + np.arange(len(node)) - np.repeat(np.cumsum(counts) - counts, counts)
    present, first, count = np.unique(node_item[node], return_index=True, return_counts=True)
    span = {items[i]: (f, c) for i, f, c in zip(present.tolist(), first.tolist(), count.tolist(), strict=True)}
    days = node_ready[node] + r_days[route]
    templates = _Templates(node, r_lane[route], r_origin[route], days, r_cost[route], loc_ic[node_loc[node]], span)
    return templates, _refused(problem, nodes, table, node_loc == len(locs))


def _refused(
    problem: AllocationProblem, nodes: list[SupplyNode], table: RouteTable, no_route: np.ndarray
) -> dict[str, list[Candidate]]:
    """Per item, in node order: supply with no route to the region, supply all protected, dominated routes."""
    # Per location, each dropped transfer route's lane and text: the same for every supply node there.
    pruned = {
        loc: [(Lane(loc, r.ship_from), refusals.dominated_detail(r, by)) for r, by in rs]
        for loc, rs in table.dominated.items()
    }
    region = problem.order.ship_to_region
    refused: dict[str, list[Candidate]] = defaultdict(list)
    for n, node in enumerate(nodes):
        if no_route[n]:
            refused[node.item].append(refusals.no_route(node, region))
        elif node.qty == 0:
            if node.protected:
                refused[node.item].append(refusals.protected(node))
        elif node.location in pruned:
            refused[node.item].extend(refusals.dominated(node, lane, text) for lane, text in pruned[node.location])
    return refused


__all__ = ["MARGIN_SCALE", "Arcs", "CandidateSet", "Route", "build_candidates"]
