"""JSON written by `encode_decision` back into the same `OrderDecision`, validated by the response schemas."""

from __future__ import annotations

from typing import Any

from decision_service.codec.schemas.records import load_valid
from decision_service.codec.schemas.response_order import OrderDecisionSchema
from decision_service.orders.decision import OrderDecision

ORDER_DECISION = OrderDecisionSchema()


def read_decision(body: Any) -> OrderDecision:
    """The decision `body` describes; `InvalidRequest` naming each field that is not the answer format."""
    decision: OrderDecision = load_valid(ORDER_DECISION, body)
    return decision
