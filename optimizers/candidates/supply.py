"""Supply nodes: stock and inbound that may serve the order, after status, horizon and protections.

A supply node is one source (stock or inbound) of a pool (item, location, available date) in the spec's sense;
stock and inbound of one pool are two nodes whose capacities add up to the pool's.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import NamedTuple

from optimizers.problem import AllocationProblem


class SupplyNode(NamedTuple):
    item: str
    location: str
    available_date: date
    source: str
    qty: int  # usable by this order, after protections
    raw_qty: int  # before protections
    protected: int


def tier_rank(tiers: tuple[str, ...], tier: str | None) -> int:
    """Position of a tier in the policy (0 is best); no tier or an unknown one ranks below all."""
    return tiers.index(tier) if tier in tiers else len(tiers)


def supply_nodes(problem: AllocationProblem) -> list[SupplyNode]:
    """Allocatable supply after status, horizon and protections, canonically sorted."""
    as_of = problem.as_of
    stock: dict[tuple[str, str], int] = defaultdict(int)
    for s in problem.stock:
        if s.status == "available":
            stock[(s.item, s.location)] += s.qty
    protected: dict[tuple[str, str], int] = defaultdict(int)
    rank = tier_rank(problem.policy.tiers, problem.customer().tier)
    for p in problem.protections:
        if rank > tier_rank(problem.policy.tiers, p.min_tier):
            protected[(p.item, p.location)] += p.qty
    nodes = [SupplyNode(i, loc, as_of, "stock", q, q, 0) for (i, loc), q in stock.items() if (i, loc) not in protected]
    for (i, loc), guard in protected.items():
        q = stock.get((i, loc))
        if q is not None:
            nodes.append(SupplyNode(i, loc, as_of, "stock", max(0, q - guard), q, min(q, guard)))
    horizon = as_of + timedelta(days=problem.policy.horizon_days)
    inbound: dict[tuple[str, str, date], int] = defaultdict(int)
    for r in problem.inbound:
        if r.eta <= horizon:
            inbound[(r.item, r.location, max(r.eta, as_of))] += r.qty
    nodes += [SupplyNode(i, loc, d, "inbound", q, q, 0) for (i, loc, d), q in inbound.items()]
    nodes.sort()  # by (item, location, available date, source), unique per node: the fields in that order
    return nodes
