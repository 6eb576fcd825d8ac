"""JSON written by `encode_decision` back into the same `OrderDecision`, validated by the response schemas."""

from __future__ import annotations

from typing import Any

from decision_service.codec import strict_json
from decision_service.codec.explain_detail import shown_body
from decision_service.codec.schemas.records import load_valid
from decision_service.codec.schemas.response_order import OrderDecisionSchema
from decision_service.orders.decision import OrderDecision
from decision_service.orders.request import DEFAULT_EXPLAIN, ExplainDetail

ORDER_DECISION = OrderDecisionSchema()


def read_decision(body: Any) -> OrderDecision:
    """The decision `body` describes; `InvalidRequest` naming each field that is not the answer format."""
    decision: OrderDecision = load_valid(ORDER_DECISION, body)
    return decision


def as_answered(request: str, full: Any) -> Any:
    """A recorded decision (explained in full, JSON values) as its client got it: in the `explain` detail the
    recorded `request` asked for (the schema's default when it named none), with what the service added to the
    decision's answer (a reserve's `reservations`, `reserve_attempts` and `network_ref`), as answered: the answer
    was this same full body shown in that detail (`explain_detail.shown_body`)."""
    asked = strict_json.loads(request.encode("utf-8")).get("explain", DEFAULT_EXPLAIN.value)
    return shown_body(full, ExplainDetail(asked))
