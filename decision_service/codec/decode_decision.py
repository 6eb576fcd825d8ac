"""JSON written by `encode_decision` back into the same `OrderDecision`, validated by the response schemas."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from decision_service.codec.errors import InvalidRequest, flatten_messages
from decision_service.codec.schemas.response_order import OrderDecisionSchema
from decision_service.orders.decision import OrderDecision

ORDER_DECISION = OrderDecisionSchema()


def read_decision(body: Any) -> OrderDecision:
    """The decision `body` describes; `InvalidRequest` naming each field that is not the answer format."""
    try:
        decision: OrderDecision = ORDER_DECISION.load(body)
    except ValidationError as exc:
        raise InvalidRequest(flatten_messages(exc.messages)) from None
    return decision
