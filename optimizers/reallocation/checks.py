"""References a run's input must resolve, as `docs/allocation-reading.md` reads them for one order."""

from __future__ import annotations

from collections.abc import Iterable

from optimizers.problem import STOCK_STATUSES
from optimizers.reallocation.errors import InvalidRun
from optimizers.reallocation.problem import NO_TIER, ReallocationProblem


def _unique(keys: Iterable[object], path: str, what: str) -> None:
    seen: set[object] = set()
    for k, key in enumerate(keys):
        if key in seen:
            raise InvalidRun(path.format(k), f"duplicate {what}")
        seen.add(key)


def _known(value: object, allowed: set[str] | tuple[str, ...], path: str, what: str) -> None:
    if value not in allowed:
        raise InvalidRun(path, f"unknown {what} {value!r}")


def check_references(problem: ReallocationProblem) -> None:
    """Raise `InvalidRun` naming the first field whose reference does not resolve."""
    net, tiers = problem.network, problem.policy.tiers
    _unique(tiers, "policy.tiers[{}]", "tier")
    _unique((x.id for x in net.locations), "network.locations[{}].id", "location")
    _unique((x.id for x in net.items), "network.items[{}].id", "item")
    _unique((x.id for x in net.customers), "network.customers[{}].id", "customer")
    _unique(((x.from_location, x.to_location) for x in net.lanes), "network.lanes[{}]", "lane")
    _unique(((x.location, x.region) for x in net.shipping), "network.shipping[{}]", "shipping row")
    locs, items = {x.id for x in net.locations}, {x.id for x in net.items}
    for k, it in enumerate(net.items):
        for j, sub in enumerate(it.substitutes):
            _known(sub.item, items, f"network.items[{k}].substitutes[{j}].item", "item")
    refs = {
        "stock": [(r.item, r.location) for r in net.stock],
        "inbound": [(r.item, r.location) for r in net.inbound],
        "protections": [(r.item, r.location) for r in net.protections],
    }
    for name, pairs in refs.items():
        for k, (item, loc) in enumerate(pairs):
            _known(item, items, f"network.{name}[{k}].item", "item")
            _known(loc, locs, f"network.{name}[{k}].location", "location")
    for k, s in enumerate(net.stock):
        _known(s.status, STOCK_STATUSES, f"network.stock[{k}].status", "status")
    for k, p in enumerate(net.protections):
        _known(p.min_tier, tiers, f"network.protections[{k}].min_tier", "tier")
    for k, route in enumerate(net.shipping):
        _known(route.location, locs, f"network.shipping[{k}].location", "location")
    for k, ln in enumerate(net.lanes):
        _known(ln.from_location, locs, f"network.lanes[{k}].from", "location")
        _known(ln.to_location, locs, f"network.lanes[{k}].to", "location")
    for k, c in enumerate(net.customers):
        if c.tier is not None:
            _known(c.tier, tiers, f"network.customers[{k}].tier", "tier")
    _orders(problem, items)
    for k, seg in enumerate(problem.segments):
        for j, t in enumerate(seg.tiers or ()):
            _known(t, (*tiers, NO_TIER), f"strategy.segments[{k}].tiers[{j}]", "tier")


def _orders(problem: ReallocationProblem, items: set[str]) -> None:
    customers = {c.id for c in problem.network.customers}
    _unique((o.id for o in problem.orders), "orders[{}].id", "order")
    for k, o in enumerate(problem.orders):
        _known(o.customer, customers, f"orders[{k}].customer", "customer")
        _unique((ln.line for ln in o.lines), f"orders[{k}].lines[{{}}].line", "line number")
        for j, ln in enumerate(o.lines):
            _known(ln.item, items, f"orders[{k}].lines[{j}].item", "item")
