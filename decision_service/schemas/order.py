"""The order part of an allocation request: header and lines."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from decision_service.schemas.fields import (
    MAX_LINES,
    MAX_QTY,
    IsoDate,
    Money,
    StrictBoolean,
    quantity,
    rows,
    text,
)
from optimizers.problem import Order, OrderLine


class OrderLineSchema(Schema):
    """One line of the order."""

    line = fields.Integer(strict=True, required=True, validate=validate.Range(0, MAX_QTY))
    item = text(required=True)
    qty = quantity(required=True)
    unit_price = Money(required=True)
    allow_substitution = StrictBoolean(load_default=True)
    ship_complete = StrictBoolean(load_default=False)

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> OrderLine:
        """The validated line."""
        return OrderLine(**data)


class OrderSchema(Schema):
    """The order to allocate."""

    id = text(required=True)
    customer = text(required=True)
    entity = text(required=True)
    ship_to_region = text(required=True)
    requested_date = IsoDate(required=True)
    lines = rows(fields.Nested(OrderLineSchema), MAX_LINES, min_len=1, required=True)

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> Order:
        """The validated order."""
        return Order(**{**data, "lines": tuple(data["lines"])})
