"""The network part of an allocation request: where supply is, what it costs, how it moves."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from decision_service.codec.schemas.fields import (
    MAX_DAYS,
    MAX_QTY,
    MAX_RISK_SCORE,
    MAX_TEXT,
    IsoDate,
    Money,
    StrictBoolean,
    days,
    quantity,
    rows,
    text,
)
from decision_service.orders.request import CustomerCredit
from optimizers.problem import (
    STOCK_STATUSES,
    Customer,
    InboundSupply,
    Item,
    Location,
    Protection,
    ShippingRoute,
    StockPosition,
    Substitute,
    TransferLane,
)


class LocationSchema(Schema):
    """A warehouse or store holding stock, owned by a legal entity."""

    id = text(required=True)
    entity = text(required=True)

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> Location:
        """The validated Location."""
        return Location(**data)


class SubstituteSchema(Schema):
    item = text(required=True)
    rank = fields.Integer(strict=True, required=True, validate=validate.Range(0, 1000))

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> Substitute:
        """The validated Substitute."""
        return Substitute(**data)


class ItemSchema(Schema):
    id = text(required=True)
    unit_cost = Money(required=True)
    substitutes = rows(fields.Nested(SubstituteSchema), MAX_TEXT, load_default=list)

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> Item:
        """The validated Item."""
        return Item(**{**data, "substitutes": tuple(data["substitutes"])})


class StockSchema(Schema):
    item = text(required=True)
    location = text(required=True)
    qty = quantity(required=True)
    status = fields.String(
        load_default="available",
        validate=validate.OneOf(STOCK_STATUSES),
        metadata={"description": "Only available stock is allocatable; the others are reported as unsellable."},
    )

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> StockPosition:
        """The validated StockPosition."""
        return StockPosition(**data)


class InboundSchema(Schema):
    item = text(required=True)
    location = text(required=True)
    qty = quantity(required=True)
    eta = IsoDate(required=True)

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> InboundSupply:
        """The validated InboundSupply."""
        return InboundSupply(**data)


class ShippingSchema(Schema):
    location = text(required=True)
    region = text(required=True)
    unit_cost = Money(required=True)
    transit_days = days(required=True)

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> ShippingRoute:
        """The validated ShippingRoute."""
        return ShippingRoute(**data)


class LaneSchema(Schema):
    from_location = text(required=True, data_key="from")
    to_location = text(required=True, data_key="to")
    unit_cost = Money(required=True)
    lead_days = days(required=True)
    capacity = quantity(load_default=None, allow_none=True, metadata={"description": "null: unlimited"})

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> TransferLane:
        """The validated TransferLane."""
        return TransferLane(**data)


class CustomerSchema(Schema):
    id = text(required=True)
    tier = text(load_default=None, allow_none=True)
    allow_substitution = StrictBoolean(load_default=True)
    max_shipments = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(0, MAX_QTY))
    credit_limit = Money(load_default=None, allow_none=True, metadata={"description": "null: no limit recorded"})
    open_balance = Money(load_default=0.0, metadata={"description": "Open receivables before this order."})
    days_overdue = fields.Integer(
        strict=True, load_default=0, validate=validate.Range(0, MAX_DAYS),
        metadata={"description": "Days the oldest open invoice is overdue."},
    )  # fmt: skip
    risk_score = Money(
        load_default=None, allow_none=True, validate=validate.Range(0, MAX_RISK_SCORE),
        metadata={"description": "External risk score, 0 best to 100 worst; null: not scored."},
    )  # fmt: skip
    contractual_penalty = StrictBoolean(
        load_default=False, metadata={"description": "A late or short delivery penalty clause applies."}
    )

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> tuple[Customer, CustomerCredit]:
        """The validated Customer and its credit position."""
        credit = {name: data.pop(name) for name in CREDIT_FIELDS}
        return Customer(**data), CustomerCredit(data["id"], **credit)


CREDIT_FIELDS = ("credit_limit", "open_balance", "days_overdue", "risk_score", "contractual_penalty")


class ProtectionSchema(Schema):
    item = text(required=True)
    location = text(required=True)
    qty = quantity(required=True)
    min_tier = text(required=True)

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> Protection:
        """The validated Protection."""
        return Protection(**data)


class NetworkSchema(Schema):
    """The inventory network the order may be served from; loads as a dict of tuples."""

    locations = rows(fields.Nested(LocationSchema), required=True)
    items = rows(fields.Nested(ItemSchema), required=True)
    stock = rows(fields.Nested(StockSchema), load_default=list)
    inbound = rows(fields.Nested(InboundSchema), load_default=list)
    shipping = rows(fields.Nested(ShippingSchema), load_default=list)
    lanes = rows(fields.Nested(LaneSchema), load_default=list)
    customers = rows(fields.Nested(CustomerSchema), load_default=list)
    protections = rows(fields.Nested(ProtectionSchema), load_default=list)

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> dict[str, tuple[Any, ...]]:
        """The validated network."""
        return {name: tuple(values) for name, values in data.items()}
