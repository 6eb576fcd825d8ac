"""The final figures of an order decision, for the order as requested.

The engine solved a problem in which price-rejected lines had quantity 0. Here each such line gets back its
requested quantity, allocates nothing, backorders all of it and is explained by `PRICE_REJECTED` naming the
pricing table, rule and version; the status is recomputed over the order as requested (an order with a
rejected line is never complete). `input_hash` is already the request's: the service handed it to the engine.
The rules' decisions become plain records (`orders.decision`), their explanations compacted to the deciding row
and cells.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from importlib import metadata
from uuid import uuid4

from decision_service.orders.compact import compact
from decision_service.orders.credit import CreditCheck
from decision_service.orders.decision import (
    CreditOutcome,
    ExceptionOutcome,
    OrderDecision,
    PricingOutcome,
    Rejection,
)
from decision_service.orders.pricing import LinePricing
from decision_service.orders.request import OrderRequest
from optimizers.decision import (
    AllocationDecision,
    BackorderExplanation,
    BindingConstraint,
    LineDecision,
    LineExplanation,
)
from optimizers.engine import decision_status

SOFTWARE = ("decision-service", "ortools", "numpy", "scipy")


@cache
def software_versions() -> dict[str, str]:
    """The installed versions of the service and of the libraries that compute a decision."""
    return {name: metadata.version(name) for name in SOFTWARE}


def final_decision(
    request: OrderRequest,
    allocation: AllocationDecision,
    credit: CreditCheck,
    pricing: tuple[LinePricing, ...],
    exceptions: tuple[ExceptionOutcome, ...],
    rules_versions: dict[str, str],
    decision_id: str | None = None,
) -> OrderDecision:
    """The `OrderDecision` of `request`, from the allocation of its priced lines and the rules' decisions."""
    rejections = tuple(_rejection(p) for p in pricing if p.rejected)
    requested = {line.line: line.qty for line in request.problem.order.lines}
    lines = _requested_lines(allocation.lines, {r.line: r for r in rejections}, requested)
    final = replace(
        allocation,
        decision_id=decision_id or uuid4().hex,
        lines=lines,
        status=decision_status(lines),
    )
    return OrderDecision(
        allocation=final,
        credit=_credit(credit),
        pricing=tuple(_pricing(p) for p in pricing),
        exceptions=exceptions,
        rejections=rejections,
        rules_versions=dict(rules_versions),
        versions=dict(software_versions()),
    )


def _requested_lines(
    lines: tuple[LineDecision, ...], rejections: dict[int, Rejection], requested: dict[int, int]
) -> tuple[LineDecision, ...]:
    if not rejections:
        return lines
    return tuple(_rejected_line(line, rejections[line.line], requested[line.line]) if line.line in rejections
                 else line for line in lines)  # fmt: skip


def _rejected_line(line: LineDecision, rejection: Rejection, qty: int) -> LineDecision:
    limit = f"pricing rule {rejection.rule} (version {rejection.version[:12]}): {rejection.reason}"
    explanation = LineExplanation((), BackorderExplanation(qty, BindingConstraint.PRICE_REJECTED, limit, None))
    return LineDecision(line.line, line.item, qty, 0, qty, 0, (), explanation)


def _rejection(p: LinePricing) -> Rejection:
    d = p.decision
    text = f"Not allocated: the price was rejected by pricing rule {d.rule_id} (version {d.version[:12]}): {d.reason}."
    return Rejection(p.line, "pricing", d.rule_id, d.version, d.reason, text)


def _credit(c: CreditCheck) -> CreditOutcome:
    d = c.decision
    return CreditOutcome(d.action, d.owner_role, d.reason, dict(c.inputs), compact(d.explanation))


def _pricing(p: LinePricing) -> PricingOutcome:
    d = p.decision
    return PricingOutcome(p.line, d.decision, d.approver_role, d.reason, dict(p.inputs), compact(d.explanation))
