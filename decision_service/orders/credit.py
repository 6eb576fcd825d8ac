"""The credit check of one order: the credit table's inputs, derived as docs/rules.md defines them, and its decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from decision_service.orders.inputs import exposure_ratio, order_value
from decision_service.orders.request import OrderRequest
from optimizers.problem import AllocationProblem
from rules.policies import CreditDecision, evaluate_credit
from rules.service import RulesService


@dataclass(frozen=True, slots=True)
class CreditCheck:
    """The credit table's inputs for this order and its decision."""

    inputs: dict[str, Any]
    decision: CreditDecision

    @property
    def held(self) -> bool:
        """Whether the order waits for credit release."""
        return self.decision.action == "hold"


def check_credit(rules: RulesService, request: OrderRequest, tier: str, kept: AllocationProblem) -> CreditCheck:
    """The credit decision on the value of the lines that may ship."""
    credit = request.terms.credit_of(kept.order.customer)
    value = order_value(kept.order.lines)
    inputs: dict[str, Any] = {
        "exposure_ratio": exposure_ratio(credit, value),
        "days_overdue": credit.days_overdue,
        "tier": tier,
        "order_value": value,
        "risk_score": credit.risk_score,
    }
    return CreditCheck(inputs, evaluate_credit(rules, **inputs, as_of=kept.as_of))
