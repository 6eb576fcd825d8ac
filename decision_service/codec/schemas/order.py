"""The order part of an allocation request: header and lines."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from decision_service.codec.schemas.fields import (
    MAX_LINES,
    MAX_QTY,
    IsoDate,
    Money,
    StrictBoolean,
    quantity,
    rows,
    text,
)
from decision_service.orders.request import DEFAULT_CHANNEL, LinePrices
from optimizers.problem import Order, OrderLine

LoadedLine = tuple[OrderLine, LinePrices]
LoadedOrder = tuple[Order, str, tuple[LinePrices, ...]]
PRICE = "Reference price for the pricing rules (default null)."


class OrderLineSchema(Schema):
    """One line of the order."""

    line = fields.Integer(strict=True, required=True, validate=validate.Range(0, MAX_QTY))
    item = text(required=True)
    qty = quantity(required=True)
    unit_price = Money(required=True)
    allow_substitution = StrictBoolean(load_default=True)
    ship_complete = StrictBoolean(load_default=False)
    list_price = Money(load_default=None, allow_none=True, metadata={"description": PRICE})
    contract_price = Money(
        load_default=None, allow_none=True, metadata={"description": PRICE + " Takes precedence over list_price."}
    )

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> LoadedLine:
        """The validated line and its reference prices."""
        prices = LinePrices(data["line"], data.pop("list_price"), data.pop("contract_price"))
        return OrderLine(**data), prices


class OrderSchema(Schema):
    """The order to allocate."""

    id = text(required=True)
    customer = text(required=True)
    entity = text(required=True)
    ship_to_region = text(required=True)
    requested_date = IsoDate(required=True)
    lines = rows(fields.Nested(OrderLineSchema), MAX_LINES, min_len=1, required=True)
    channel = text(
        load_default=DEFAULT_CHANNEL,
        metadata={"description": "Sales channel for the pricing rules: direct, distributor, ecommerce or edi."},
    )

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> LoadedOrder:
        """The validated order, its channel and its lines' reference prices."""
        loaded: list[LoadedLine] = data.pop("lines")
        channel = data.pop("channel")
        order = Order(**data, lines=tuple(line for line, _ in loaded))
        return order, channel, tuple(prices for _, prices in loaded)
