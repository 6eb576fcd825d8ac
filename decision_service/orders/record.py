"""What the decision log keeps of one order decision: the request as received, the answer explained in full,
and the facets an auditor asks about, indexed by the log rather than found by scanning JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from decision_service.orders.decision import OrderDecision
from decision_service.orders.log import DecisionRecord
from optimizers.decision import BindingConstraint

KIND = "allocation"


def facets_of(decision: OrderDecision, customer: str) -> tuple[tuple[str, str], ...]:
    """(name, value) pairs: the order, its customer, every item ordered or shipped, every backorder's binding
    constraint, every exception type and severity, whether credit held it, and every rule that decided."""
    allocation = decision.allocation
    held = "true" if decision.held else "false"
    found = {("order_id", allocation.order_id), ("customer", customer), ("held", held)}
    for line in allocation.lines:
        found.add(("item", line.item))
        found |= {("item", fill.item) for fill in line.fills}
        backorder = None if line.explanation is None else line.explanation.backorder
        if backorder is not None:
            found.add(("reason", backorder.binding.value))
        elif line.backorder_qty:
            found.add(("reason", BindingConstraint.SUPPLY.value))
    for e in decision.exceptions:
        found |= {("exception", e.type), ("severity", e.severity)}
        if e.explanation.rule:
            found.add(("rule", e.explanation.rule))
    rules = [decision.credit.explanation.rule, *(p.explanation.rule for p in decision.pricing)]
    found |= {("rule", rule) for rule in rules if rule}
    return tuple(sorted(found))


def record_of(
    decision: OrderDecision, body: Any, response: Any, *, actor: str, customer: str, at: datetime
) -> DecisionRecord:
    """The log record of `decision`: `body` is the request as received (its text), `response` the answer
    explained in full (JSON values), `customer` the order's customer."""
    return DecisionRecord(
        id=decision.allocation.decision_id,
        kind=KIND,
        recorded_at=at,
        actor=actor,
        request=body,
        response=response,
        input_hash=decision.input_hash,
        rules_versions=dict(decision.rules_versions),
        versions=dict(decision.versions),
        facets=facets_of(decision, customer),
    )
