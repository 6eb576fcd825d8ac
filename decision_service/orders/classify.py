"""Raise every exception of one order decision and classify each with the exception severity table."""

from __future__ import annotations

from datetime import date
from typing import Any

from decision_service.orders.compact import compact, tested_columns
from decision_service.orders.decision import ExceptionOutcome
from decision_service.orders.exceptions import (
    RaisedException,
    credit_hold,
    fill_exceptions,
    pricing_exception,
    shortage,
    split_shipment,
)
from decision_service.orders.pricing import LinePricing
from optimizers.decision import AllocationDecision
from optimizers.problem import AllocationProblem
from rules.policies import CreditDecision, ExceptionClassification, classify_exception
from rules.service import RulesService


def raise_all(
    problem: AllocationProblem,
    allocation: AllocationDecision,
    pricing: tuple[LinePricing, ...],
    hold: CreditDecision | None,
    credit_inputs: dict[str, Any],
) -> list[RaisedException]:
    """Order-wide exceptions first (credit hold, split shipment, fills), then each line's, in line order."""
    order_lines = {line.line: line for line in problem.order.lines}
    prices = {n: line.unit_price for n, line in order_lines.items()}
    out: list[RaisedException] = []
    if hold is not None:
        kept = tuple(p.line for p in pricing if not p.rejected)
        qty = sum(order_lines[n].qty for n in kept)
        out.append(credit_hold(kept, qty, credit_inputs["order_value"], hold.reason))
    split = split_shipment(allocation.lines, prices)
    out += [split] if split is not None else []
    out += fill_exceptions(allocation.lines, prices, problem.order.requested_date)
    priced = {p.line: p for p in pricing}
    for line in allocation.lines:
        p = priced[line.line]
        found = (
            pricing_exception(order_lines[line.line], p.decision.decision, tested_columns(p.decision.explanation)),
            shortage(line, order_lines[line.line]),
        )
        out += [e for e in found if e is not None]
    return out


def classify_all(
    rules: RulesService, raised: list[RaisedException], tier: str, penalty: bool, day: date
) -> tuple[ExceptionOutcome, ...]:
    """Each exception with the classification of the table in force on `day` (same inputs, one evaluation)."""
    seen: dict[tuple[Any, ...], ExceptionClassification] = {}
    out = []
    for exc in raised:
        key = (exc.type, exc.value_at_risk, exc.days_late)
        if key not in seen:
            seen[key] = classify_exception(
                rules,
                exception_type=exc.type,
                tier=tier,
                value_at_risk=exc.value_at_risk,
                days_late=exc.days_late,
                contractual_penalty=penalty,
                as_of=day,
            )
        out.append(_outcome(exc, seen[key]))
    return tuple(out)


def _outcome(r: RaisedException, c: ExceptionClassification) -> ExceptionOutcome:
    return ExceptionOutcome(r.type, r.lines, r.qty, r.value_at_risk, r.days_late, r.detail, c.severity,
                            c.owner_role, c.sla_hours, c.suggested_action, compact(c.explanation))  # fmt: skip
