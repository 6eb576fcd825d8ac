"""A hand-made order that raises every exception type, and helpers to decide it with the real engine."""

from __future__ import annotations

from datetime import date, timedelta

from decision_service.order_policy.service import OrderDecision, decide_order
from decision_service.order_policy.terms import CustomerCredit, LinePrices, OrderRequest, OrderTerms
from optimizers.engine import decide
from optimizers.problem import (
    AllocationProblem,
    Customer,
    InboundSupply,
    Item,
    Location,
    Order,
    OrderLine,
    ShippingRoute,
    StockPosition,
    Substitute,
    TransferLane,
)
from optimizers.proof.validation import validate
from rules.service import RulesService

AS_OF = date(2026, 11, 23)
RULES = RulesService()


def _line(n: int, item: str, qty: int = 5, price: float = 10.0) -> OrderLine:
    return OrderLine(n, item, qty, price)


def every_exception_problem(tier: str | None = "silver", as_of: date = AS_OF) -> AllocationProblem:
    """Lines: 1 partial, 2 nothing, 3 substitute, 4 other entity, 5 via lane, 6 late inbound, 7 below cost,
    8 discounted 15% under list."""
    lines = (_line(1, "A", 10), _line(2, "B"), _line(3, "C"), _line(4, "D"), _line(5, "E"), _line(6, "F"),
             _line(7, "G", price=1.0), _line(8, "H", price=8.5))  # fmt: skip
    items = tuple(Item(i, 5.0) for i in "ABDEFG") + (Item("C", 5.0, (Substitute("C2", 1),)), Item("C2", 5.0),
                                                     Item("H", 1.0))  # fmt: skip
    stock = (StockPosition("A", "WH-1", 4), StockPosition("C2", "WH-1", 5), StockPosition("D", "WH-2", 5),
             StockPosition("E", "WH-3", 5), StockPosition("G", "WH-1", 5), StockPosition("H", "WH-1", 5))  # fmt: skip
    return AllocationProblem(
        as_of=as_of,
        order=Order("SO-1", "C-1", "US01", "R", as_of + timedelta(days=3), lines),
        locations=(Location("WH-1", "US01"), Location("WH-2", "US02"), Location("WH-3", "US01")),
        items=items,
        stock=stock,
        inbound=(InboundSupply("F", "WH-1", 5, as_of + timedelta(days=10)),),
        shipping=(ShippingRoute("WH-1", "R", 0.5, 1), ShippingRoute("WH-2", "R", 0.5, 1)),
        lanes=(TransferLane("WH-3", "WH-1", 0.1, 1),),
        customers=(Customer("C-1", tier),),
    )


def terms(credit_limit: float | None = 100.0, **credit: object) -> OrderTerms:
    """Credit far over the limit, and line 8 priced 15% under its list price."""
    row = CustomerCredit("C-1", credit_limit, **credit)  # type: ignore[arg-type]
    return OrderTerms("direct", (row,), (LinePrices(8, list_price=10.0),))


def decided(request: OrderRequest, rules: RulesService = RULES) -> OrderDecision:
    """The order decided with the real engine; the allocation is validated against the problem it solved."""
    result = decide_order(rules, decide, request)
    report = validate(result.solved, result.allocation)
    assert report.ok, report.errors
    return result
