"""Typed entry points for the allocation service: credit release, line pricing, exception severity.

Each returns a frozen decision with the version hash of the table that decided and its explanation,
so the decision record can cite exactly which rules of which date produced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rules.errors import RulesError
from rules.evaluate import EvaluationResult
from rules.explain import Explanation
from rules.service import RulesService


@dataclass(frozen=True, slots=True)
class CreditDecision:
    """Release, hold or review an order, who owns it, and why."""

    action: str
    owner_role: str
    reason: str
    rule_id: str
    version: str
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class PricingDecision:
    """Approve, send for approval or reject one order line's price."""

    decision: str
    approver_role: str | None
    reason: str
    rule_id: str
    version: str
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class ExceptionClassification:
    """How urgent an exception is, who owns it, by when, and what to do."""

    severity: str
    owner_role: str
    sla_hours: int
    suggested_action: str
    rule_id: str
    version: str
    explanation: Explanation


def _decide(service: RulesService, key: str, inputs: dict[str, Any], as_of: date | None) -> EvaluationResult:
    result = service.evaluate(key, inputs, as_of)
    if result.error is not None or not isinstance(result.value, dict):
        raise RulesError(f"table {key!r} gave no decision: {result.error or 'no row matched'}")
    return result


def evaluate_credit(
    service: RulesService,
    *,
    exposure_ratio: float,
    days_overdue: int,
    tier: str,
    order_value: float,
    risk_score: float | None = None,
    as_of: date | None = None,
) -> CreditDecision:
    """Credit check of one order: exposure after the order over the credit limit, arrears, tier, value, risk."""
    inputs = {
        "exposure_ratio": exposure_ratio,
        "days_overdue": days_overdue,
        "tier": tier,
        "order_value": order_value,
        "risk_score": risk_score,
    }
    result = _decide(service, "credit", inputs, as_of)
    out, why = result.value, result.explanation
    return CreditDecision(out["action"], out["owner_role"], out["reason"], why.selected_ids[0], result.version, why)


def evaluate_pricing(
    service: RulesService,
    *,
    price_variance_pct: float,
    unit_margin_pct: float,
    channel: str,
    tier: str,
    as_of: date | None = None,
) -> PricingDecision:
    """Price check of one order line: variance against contract/list price, margin after shipping, channel, tier."""
    inputs = {
        "price_variance_pct": price_variance_pct,
        "unit_margin_pct": unit_margin_pct,
        "channel": channel,
        "tier": tier,
    }
    result = _decide(service, "pricing", inputs, as_of)
    out, why = result.value, result.explanation
    return PricingDecision(
        out["decision"], out.get("approver_role"), out["reason"], why.selected_ids[0], result.version, why
    )


def classify_exception(
    service: RulesService,
    *,
    exception_type: str,
    tier: str,
    value_at_risk: float,
    days_late: int,
    contractual_penalty: bool,
    as_of: date | None = None,
) -> ExceptionClassification:
    """Severity, owner, SLA and suggested action for one exception a decision raised."""
    inputs = {
        "exception_type": exception_type,
        "tier": tier,
        "value_at_risk": value_at_risk,
        "days_late": days_late,
        "contractual_penalty": contractual_penalty,
    }
    result = _decide(service, "exception_severity", inputs, as_of)
    out, why = result.value, result.explanation
    return ExceptionClassification(
        out["severity"],
        out["owner_role"],
        int(out["sla_hours"]),
        out["suggested_action"],
        why.selected_ids[0],
        result.version,
        why,
    )
