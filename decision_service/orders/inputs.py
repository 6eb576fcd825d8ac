"""How the service derives each table's inputs from an order request (the definitions in docs/rules.md)."""

from __future__ import annotations

from dataclasses import dataclass

from decision_service.orders.request import CustomerCredit, LinePrices
from optimizers.problem import AllocationProblem, Item, OrderLine

RULE_TIERS = frozenset({"strategic", "gold", "silver", "standard"})
NO_TIER = "none"
MAX_EXPOSURE_RATIO = 1000.0
PLACES = 4  # inputs are rounded so that float noise never decides a boundary like "[6..12)"


def rule_tier(tier: str | None) -> str:
    """The tier as the tables know it; no tier, or a tier of a custom `policy.tiers` list, is "none"."""
    return tier if tier in RULE_TIERS else NO_TIER


def order_value(lines: tuple[OrderLine, ...]) -> float:
    """Requested quantity times unit price, summed over the lines."""
    return round(sum(line.qty * line.unit_price for line in lines), PLACES)


def exposure_ratio(credit: CustomerCredit, value: float) -> float:
    """(Open balance + this order's value) / credit limit; 0 without a limit, capped at 1000."""
    exposure = credit.open_balance + value
    if credit.credit_limit is None or exposure <= 0:
        return 0.0
    if credit.credit_limit <= 0:
        return MAX_EXPOSURE_RATIO
    return round(min(exposure / credit.credit_limit, MAX_EXPOSURE_RATIO), PLACES)


@dataclass(frozen=True, slots=True)
class PriceBasis:
    """What the pricing table's numbers are computed from, for one order."""

    items: dict[str, Item]
    shipping_cost: float  # the cheapest shipping rate to the order's region, 0 when there is none

    @classmethod
    def of(cls, problem: AllocationProblem) -> PriceBasis:
        """Item costs and the cheapest outbound rate to the order's ship-to region."""
        region = problem.order.ship_to_region
        rates = [route.unit_cost for route in problem.shipping if route.region == region]
        return cls({item.id: item for item in problem.items}, min(rates, default=0.0))


def price_variance_pct(line: OrderLine, prices: LinePrices) -> float:
    """(unit price - contract or list price) / that price, in %; 0 without a (non-zero) reference."""
    reference = prices.reference
    if not reference:
        return 0.0
    return round((line.unit_price - reference) / reference * 100, PLACES)


def unit_margin_pct(line: OrderLine, basis: PriceBasis) -> float:
    """(unit price - ordered item's unit cost - cheapest shipping) / unit price, in %, within [-100, 100]."""
    cost = basis.items[line.item].unit_cost + basis.shipping_cost
    if line.unit_price <= 0:
        return -100.0 if cost > 0 else 0.0
    margin = (line.unit_price - cost) / line.unit_price * 100
    return round(max(-100.0, min(100.0, margin)), PLACES)
