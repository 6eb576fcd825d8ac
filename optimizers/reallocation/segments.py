"""Who the objective serves first: each order's segment and strategy, each customer's tier class.

A tier class is a rank: 0 for the first tier of `policy.tiers`, `len(tiers)` for customers with no tier
(the lowest class, named `none`).
"""

from __future__ import annotations

from typing import NamedTuple

from optimizers.reallocation.problem import NO_TIER, ReallocationProblem, RunOrder, Segment, Strategy

IMPLICIT_SEGMENT = "implicit"  # the spec's implicit last segment, for orders no segment matches


class OrderClass(NamedTuple):
    """Where an order stands: its segment, strategy and its customer's tier class."""

    segment: str
    strategy: Strategy
    rank: int  # tier class: index in policy.tiers, len(tiers) for no tier
    tier: str  # the class's name: the tier, or "none"


Filters = tuple[frozenset[str] | None, ...]


def _filters(seg: Segment) -> Filters:
    """The segment's filters as sets: a book's `orders` filter may list thousands of ids."""
    filters = (seg.tiers, seg.customers, seg.orders, seg.regions, seg.entities)
    return tuple(None if f is None else frozenset(f) for f in filters)


def _matches(filters: Filters, order: RunOrder, tier: str) -> bool:
    values = (tier, order.customer, order.id, order.ship_to_region, order.entity)
    return all(allowed is None or value in allowed for allowed, value in zip(filters, values, strict=True))


def classify(problem: ReallocationProblem) -> dict[str, OrderClass]:
    """Per order id, its segment (the first whose filters all match), strategy and tier class."""
    tiers = problem.policy.tiers
    tier_of = {c.id: c.tier for c in problem.network.customers}
    out: dict[str, OrderClass] = {}
    segments = [(s, _filters(s)) for s in problem.segments]
    for order in problem.orders:
        tier = tier_of.get(order.customer) or NO_TIER
        rank = tiers.index(tier) if tier in tiers else len(tiers)
        seg = next((s for s, f in segments if _matches(f, order, tier)), None)
        if seg is None:
            out[order.id] = OrderClass(IMPLICIT_SEGMENT, Strategy.REDISTRIBUTE, rank, tier)
        else:
            out[order.id] = OrderClass(seg.name, seg.strategy, rank, tier)
    return out


def class_names(problem: ReallocationProblem) -> tuple[str, ...]:
    """The tier classes in objective order: every tier of the policy, then `none`."""
    return (*problem.policy.tiers, NO_TIER)


STRATEGY_ORDER = {s: i for i, s in enumerate(Strategy)}


def priority(cls: OrderClass) -> tuple[int, int]:
    """How early the objective serves a line of this class: strategy first, then tier (smaller is earlier).

    `gain` and `redistribute` share their tier's levels, so they rank together after `win`'s levels."""
    group = {Strategy.WIN: 0, Strategy.GAIN: 1, Strategy.REDISTRIBUTE: 1, Strategy.FILL: 2, Strategy.LOSE: 3}
    return (group[cls.strategy], cls.rank)
