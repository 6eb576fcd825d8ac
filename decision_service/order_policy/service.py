"""One order decision: price the lines, check credit, allocate what may ship, classify every exception.

The flow, in order: the table versions in force on the order's `as_of`; pricing per line (rejected lines are
solved with quantity 0, so they are never allocated); the credit check on the value of the lines that remain;
the allocation of that reduced problem (also when credit holds the order, so the ERP sees what would ship);
then every exception the decision raises, classified by the exception severity table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from decision_service.order_policy.classify import ClassifiedException, classify_all, raise_all
from decision_service.order_policy.inputs import exposure_ratio, order_value, rule_tier
from decision_service.order_policy.pinned import PinnedRules
from decision_service.order_policy.pricing import LinePricing, price_lines, without_rejected
from decision_service.order_policy.terms import OrderRequest
from optimizers.decision import AllocationDecision
from optimizers.problem import AllocationProblem
from rules.policies import CreditDecision, evaluate_credit
from rules.service import RulesService

Decide = Callable[..., AllocationDecision]


@dataclass(frozen=True, slots=True)
class CreditCheck:
    """The credit table's inputs for this order and its decision."""

    inputs: dict[str, Any]
    decision: CreditDecision

    @property
    def held(self) -> bool:
        """Whether the order waits for credit release."""
        return self.decision.action == "hold"


@dataclass(frozen=True, slots=True)
class OrderDecision:
    """The allocation of the problem the engine solved, with the rules' decisions around it."""

    solved: AllocationProblem
    allocation: AllocationDecision
    credit: CreditCheck
    pricing: tuple[LinePricing, ...]
    exceptions: tuple[ClassifiedException, ...]
    versions: dict[str, str]

    @property
    def held(self) -> bool:
        """Whether credit holds the order (its allocation is what would ship once released)."""
        return self.credit.held

    @property
    def rejected(self) -> frozenset[int]:
        """Line numbers whose price was rejected and which were therefore not allocated."""
        return frozenset(p.line for p in self.pricing if p.rejected)


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


def decide_order(rules: RulesService, decide: Decide, request: OrderRequest, *, explain: bool = True) -> OrderDecision:
    """Price, check credit, allocate and classify one order, with the rules in force on its as-of date."""
    problem = request.problem
    pinned = PinnedRules.of(rules, problem.as_of)
    rules = pinned.as_service()
    tier = rule_tier(problem.customer().tier)
    pricing = price_lines(rules, problem, request.terms, tier, problem.as_of)
    solved = without_rejected(problem, frozenset(p.line for p in pricing if p.rejected))
    credit = check_credit(rules, request, tier, solved)
    allocation = decide(solved, explain=explain)
    penalty = request.terms.credit_of(problem.order.customer).contractual_penalty
    raised = raise_all(problem, allocation, pricing, credit.decision if credit.held else None, credit.inputs)
    exceptions = classify_all(rules, raised, tier, penalty, problem.as_of)
    return OrderDecision(solved, allocation, credit, pricing, exceptions, pinned.hashes())
