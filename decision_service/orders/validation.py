"""The solver-free check of a final `OrderDecision` against the request as received.

On top of `optimizers.proof.validation` (feasibility and every objective level recomputed from the fills, for the
order as requested, so a price-rejected line is checked at its requested quantity), it checks what the
order-level service adds: every line's figures add up, each rejected line allocates nothing and is explained
by its rejection, the status is that of the order as requested, `held` follows credit, one pricing decision per
line, and `input_hash` is the request's.
"""

from __future__ import annotations

from decision_service.orders.decision import OrderDecision
from decision_service.orders.hashing import request_hash
from decision_service.orders.request import OrderRequest
from optimizers.decision import BindingConstraint, LineDecision
from optimizers.proof.validation import ValidationReport, validate


def validate_order(request: OrderRequest, decision: OrderDecision) -> ValidationReport:
    """Every error in `decision` as the answer to `request`; `ok` when there is none."""
    allocation = decision.allocation
    report = validate(request.problem, allocation)
    errors = list(report.errors)
    rejected = {r.line: r for r in decision.rejections}
    for line in allocation.lines:
        errors += _line_errors(line, line.line in rejected)
    priced = sorted(p.line for p in decision.pricing)
    if priced != sorted(line.line for line in request.problem.order.lines):
        errors.append("there must be exactly one pricing decision per order line")
    if {p.line for p in decision.pricing if p.rejected} != set(rejected):
        errors.append("the rejected lines must be exactly those whose price was rejected")
    if decision.held != (decision.credit.action == "hold"):
        errors.append("held must say whether credit holds the order")
    if allocation.input_hash != request_hash(request):
        errors.append("input_hash is not the digest of the request")
    return ValidationReport(tuple(errors), report.objective)


def _line_errors(line: LineDecision, rejected: bool) -> list[str]:
    errors = []
    if line.requested_qty != line.allocated_qty + line.backorder_qty:
        errors.append(f"line {line.line}: requested must equal allocated + backorder")
    if rejected:
        backorder = None if line.explanation is None else line.explanation.backorder
        if line.allocated_qty or backorder is None or backorder.binding != BindingConstraint.PRICE_REJECTED:
            errors.append(f"line {line.line}: a price-rejected line allocates nothing and is explained by it")
    return errors
