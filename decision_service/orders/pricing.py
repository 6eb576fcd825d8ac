"""Price every order line against the pricing table, and take rejected lines out of the allocation."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from decision_service.orders.inputs import PriceBasis, price_variance_pct, unit_margin_pct
from decision_service.orders.request import LinePrices, OrderTerms
from optimizers.problem import AllocationProblem
from rules.errors import InputError
from rules.policies import PricingDecision, evaluate_pricing
from rules.service import RulesService


@dataclass(frozen=True, slots=True)
class LinePricing:
    """One line's pricing inputs and the table's decision on them."""

    line: int
    inputs: dict[str, Any]
    decision: PricingDecision

    @property
    def rejected(self) -> bool:
        """Whether the line is kept out of the allocation."""
        return self.decision.decision == "reject"


def price_lines(
    rules: RulesService, problem: AllocationProblem, terms: OrderTerms, tier: str, day: date
) -> tuple[LinePricing, ...]:
    """The pricing decision of every line; an input the table refuses is named by its request path."""
    basis, prices = PriceBasis.of(problem), terms.prices_by_line()
    out = []
    for i, line in enumerate(problem.order.lines):
        inputs: dict[str, Any] = {
            "price_variance_pct": price_variance_pct(line, prices.get(line.line) or LinePrices(line.line)),
            "unit_margin_pct": unit_margin_pct(line, basis),
            "channel": terms.channel,
            "tier": tier,
        }
        try:
            decision = evaluate_pricing(rules, **inputs, as_of=day)
        except InputError as exc:
            path = "order.channel" if exc.field == "channel" else f"order.lines[{i}].{exc.field}"
            raise InputError(path, exc.message) from None
        out.append(LinePricing(line.line, inputs, decision))
    return tuple(out)


def without_rejected(problem: AllocationProblem, rejected: frozenset[int]) -> AllocationProblem:
    """The problem the engine solves: rejected lines keep their place with quantity 0, so nothing fills them."""
    if not rejected:
        return problem
    lines = tuple(line._replace(qty=0) if line.line in rejected else line for line in problem.order.lines)
    return replace(problem, order=replace(problem.order, lines=lines))
