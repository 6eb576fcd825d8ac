"""Checking a run's fills against the network by the spec's rules, without the engine's candidate arrays."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from optimizers.candidates.routes import money_units
from optimizers.problem import Item
from optimizers.reallocation.problem import NO_TIER, ReallocationProblem, RunLine, RunOrder
from optimizers.reallocation.result import ReallocationRun, RunFill, RunOrderResult

_ITEMS: dict[int, tuple[tuple[Item, ...], dict[str, Item]]] = {}  # the last network's items by id


def _items(problem: ReallocationProblem) -> dict[str, Item]:
    """The network's items by id, kept for the last network seen (a run looks up every fill's line)."""
    items = problem.network.items
    hit = _ITEMS.get(id(items))
    if hit is None or hit[0] is not items:
        _ITEMS.clear()
        hit = _ITEMS[id(items)] = (items, {i.id: i for i in items})
    return hit[1]


def substitute_rank(problem: ReallocationProblem, line: RunLine, item: str) -> int | None:
    """0 for the ordered item, the lowest listed rank for a substitute, None when it is not one."""
    if item == line.item:
        return 0
    parent = _items(problem).get(line.item)
    ranks = [s.rank for s in (parent.substitutes if parent else ()) if s.item == item]
    return min(ranks) if ranks else None


def tie_cost(problem: ReallocationProblem, line: RunLine, f: RunFill) -> int:
    """The documented tie-break per unit: days to delivery + substitute rank + via lane + intercompany."""
    rank = substitute_rank(problem, line, f.item) or 0
    return (f.delivery_date - problem.as_of).days + rank + (f.via_lane is not None) + f.intercompany


class FillChecker:
    def __init__(self, problem: ReallocationProblem) -> None:
        net, self.problem = problem.network, problem
        self.cost = {i.id: i.unit_cost for i in net.items}
        self.customers = {c.id: c for c in net.customers}
        self.ship = {(s.location, s.region): s for s in net.shipping}
        self.lanes = {(ln.from_location, ln.to_location): ln for ln in net.lanes}
        self.entity = {loc.id: loc.entity for loc in net.locations}
        self.supply: dict[tuple[str, str, object, str], int] = defaultdict(int)
        horizon = problem.as_of + timedelta(days=problem.policy.horizon_days)
        for s in net.stock:
            if s.status == "available":
                self.supply[(s.item, s.location, problem.as_of, "stock")] += s.qty
        for r in net.inbound:
            if r.eta <= horizon:
                self.supply[(r.item, r.location, max(r.eta, problem.as_of), "inbound")] += r.qty

    def fill(self, order: RunOrder, line: RunLine, f: RunFill) -> list[str]:
        """What is wrong with one fill of a line."""
        where = f"{order.id}/{line.line} fill {f.item}@{f.location}"
        rank = substitute_rank(self.problem, line, f.item)
        customer = self.customers.get(order.customer)
        allowed = line.allow_substitution and (customer is None or customer.allow_substitution)
        if f.qty <= 0 or rank is None or (rank > 0 and not allowed) or f.substitute != (rank != 0):
            return [f"{where}: quantity, item or substitute flag not allowed"]
        if (f.item, f.location, f.available_date, f.source) not in self.supply:
            return [f"{where}: no such supply"]
        lane = None if f.via_lane is None else self.lanes.get(f.via_lane)
        if (f.via_lane is None and f.ship_from != f.location) or (f.via_lane is not None and lane is None):
            return [f"{where}: no such route"]
        if f.via_lane is not None and f.via_lane != (f.location, f.ship_from):
            return [f"{where}: lane does not join supply and ship-from"]
        ship = self.ship.get((f.ship_from, order.ship_to_region))
        if ship is None:
            return [f"{where}: no shipping to the region"]
        lead = lane.lead_days if lane else 0
        delivery = f.available_date + timedelta(days=lead + ship.transit_days)
        margin = money_units(line.unit_price) - money_units(self.cost[f.item]) - money_units(ship.unit_cost)
        margin -= money_units(lane.unit_cost) if lane else 0
        errors = []
        if delivery != f.delivery_date or f.on_time != (delivery <= order.requested_date):
            errors.append(f"{where}: delivery date or on-time wrong")
        if money_units(f.unit_margin) != margin:
            errors.append(f"{where}: unit margin {f.unit_margin} wrong")
        if f.intercompany != (self.entity.get(f.location) != order.entity):
            errors.append(f"{where}: intercompany flag wrong")
        return errors

    def shipments(self, order: RunOrder, res: RunOrderResult) -> list[str]:
        customer = self.customers.get(order.customer)
        used = {f.ship_from for ln in res.lines for f in ln.fills}
        if customer and customer.max_shipments is not None and len(used) > customer.max_shipments:
            return [f"{order.id}: ships from {len(used)} locations, limit {customer.max_shipments}"]
        return []

    def pools(self, run: ReallocationRun) -> list[str]:
        """Supply, lane and nested protection rows over the whole run."""
        tiers = self.problem.policy.tiers
        drawn: dict[tuple[str, str, object, str], int] = defaultdict(int)
        lanes: dict[tuple[str, str], int] = defaultdict(int)
        by_rank: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for res in run.orders:
            rank = tiers.index(res.tier) if res.tier != NO_TIER else len(tiers)
            for f in (f for ln in res.lines for f in ln.fills):
                drawn[(f.item, f.location, f.available_date, f.source)] += f.qty
                if f.via_lane is not None:
                    lanes[f.via_lane] += f.qty
                if f.available_date == self.problem.as_of:
                    by_rank[(f.item, f.location)][rank] += f.qty
        errors = [f"supply {k} overdrawn" for k, q in drawn.items() if q > self.supply[k]]
        errors += [
            f"lane {k} over capacity"
            for k, q in lanes.items()
            if self.lanes[k].capacity is not None and q > (self.lanes[k].capacity or 0)
        ]
        return errors + self._protections(by_rank)

    def _protections(self, by_rank: dict[tuple[str, str], dict[int, int]]) -> list[str]:
        tiers, as_of = self.problem.policy.tiers, self.problem.as_of
        guards: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        for p in self.problem.network.protections:
            guards[(p.item, p.location)].append((tiers.index(p.min_tier), p.qty))
        errors = []
        for (item, loc), gs in guards.items():
            s = self.supply.get((item, loc, as_of, "stock"), 0)
            p0 = self.supply.get((item, loc, as_of, "inbound"), 0)
            for t in range(len(tiers) + 1):
                cap = max(0, s - sum(q for r, q in gs if r < t)) + p0
                if sum(q for r, q in by_rank[(item, loc)].items() if r >= t) > cap:
                    errors.append(f"protection of {item}@{loc} broken for tier class {t}")
        return errors
