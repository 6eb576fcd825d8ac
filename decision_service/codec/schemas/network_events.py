"""`POST /v1/networks/{id}/events`: a batch of events, each validated by the schema of its `type`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from decision_service.codec.errors import FieldError, InvalidRequest, flatten_messages
from decision_service.codec.network_rows import customer_row, item_row, lane_row
from decision_service.codec.schemas.fields import MAX_QTY, IsoDate, StrictBoolean, quantity, text
from decision_service.codec.schemas.network import CustomerSchema, ItemSchema, LaneSchema
from decision_service.network.events import EVENT_TYPES
from decision_service.network.model import NetworkEvent
from optimizers.problem import STOCK_STATUSES

MAX_EVENTS = 1_000  # a batch stays well under MAX_CONTENT_LENGTH, so a long one is a 422 naming it, not a 413


class _Event(Schema):
    id = text(required=True, metadata={"description": "Unique per network; a replayed id is a no-op."})
    type = fields.String(required=True, validate=validate.OneOf(EVENT_TYPES))


class _At(_Event):
    item = text(required=True)
    location = text(required=True)


class StockAdjusted(_At):
    status = fields.String(load_default="available", validate=validate.OneOf(STOCK_STATUSES))
    delta = fields.Integer(strict=True, required=True, validate=validate.Range(-MAX_QTY, MAX_QTY))


class ReceiptPosted(_At):
    qty = quantity(required=True)
    eta = IsoDate(load_default=None, allow_none=True, metadata={"description": "The inbound row received, if any."})


class ShipmentPosted(_Event):
    reservation = text(required=True)
    qty = quantity(required=True)


class InboundPosted(_At):
    eta = IsoDate(required=True)
    qty = quantity(required=True)


class InboundCancelled(_At):
    eta = IsoDate(required=True)
    qty = quantity(load_default=None, allow_none=True, metadata={"description": "null: all of it."})


class InboundEtaChanged(_At):
    eta = IsoDate(required=True)
    new_eta = IsoDate(required=True)


class StatusChanged(_At):
    qty = quantity(required=True)
    from_status = fields.String(required=True, data_key="from", validate=validate.OneOf(STOCK_STATUSES))
    to = fields.String(required=True, validate=validate.OneOf(STOCK_STATUSES))


class ItemUpdated(_Event):
    item = fields.Nested(ItemSchema, required=True)


class CustomerUpdated(_Event):
    customer = fields.Nested(CustomerSchema, required=True)


class LaneChanged(_Event):
    lane = fields.Nested(LaneSchema, required=True)
    removed = StrictBoolean(load_default=False)


SCHEMAS: dict[str, Schema] = {
    "stock_adjusted": StockAdjusted(), "receipt_posted": ReceiptPosted(), "shipment_posted": ShipmentPosted(),
    "inbound_posted": InboundPosted(), "inbound_cancelled": InboundCancelled(),
    "inbound_eta_changed": InboundEtaChanged(), "status_changed": StatusChanged(), "item_updated": ItemUpdated(),
    "customer_updated": CustomerUpdated(), "lane_changed": LaneChanged(),
}  # fmt: skip
ROWS: dict[str, Callable[[Any], dict[str, Any]]] = {"item": item_row, "customer": customer_row, "lane": lane_row}


class EventBatchSchema(Schema):
    """The events of one batch, applied in order, all or none; for the document (loading is `load_events`)."""

    events = fields.List(fields.Dict(), required=True, validate=validate.Length(1, MAX_EVENTS))


def load_events(payload: Any) -> list[NetworkEvent]:
    """The events of a batch, or `InvalidRequest` naming each bad field (`events[3].qty`)."""
    try:
        raw = EventBatchSchema().load(payload)["events"]
    except ValidationError as exc:
        raise InvalidRequest(flatten_messages(exc.messages)) from None
    events, errors = [], []
    for i, body in enumerate(raw):
        schema = SCHEMAS.get(body.get("type")) if isinstance(body.get("type"), str) else None
        try:
            data = (schema or _Event()).load(body)
        except ValidationError as exc:
            errors += flatten_messages({"events": {i: exc.messages}})
            continue
        events.append(NetworkEvent(data.pop("id"), data.pop("type"), _plain(data)))
    if errors:
        raise InvalidRequest(errors)
    return events


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    if "from_status" in data:
        data["from"] = data.pop("from_status")
    for name, value in data.items():
        if isinstance(value, date):
            data[name] = value.isoformat()
        elif name in ROWS and not isinstance(value, str):
            data[name] = ROWS[name](value)
    return data


def field_errors(errors: list[tuple[str, str]]) -> InvalidRequest:
    """The core's (field, message) pairs as the codec's one error."""
    return InvalidRequest([FieldError(field, message) for field, message in errors])
