"""The answers of the network endpoints, and the availability query, as the OpenAPI document shows them."""

from __future__ import annotations

from marshmallow import Schema, fields

from decision_service.codec.schemas.fields import IsoDate, text


class NetworkLoadedSchema(Schema):
    """A snapshot loaded: how many rows of each table the network now holds."""

    network_id = fields.String(required=True)
    rows = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class EventsAppliedSchema(Schema):
    """A batch applied: the event ids applied now, and those applied before (replays, which changed nothing)."""

    network_id = fields.String(required=True)
    applied = fields.List(fields.String(), required=True)
    replayed = fields.List(fields.String(), required=True)


class AvailabilityQuerySchema(Schema):
    item = text(required=True)
    location = text(load_default=None)


class AvailabilityRowSchema(Schema):
    """One pool: available stock at a location, or one inbound row."""

    item = fields.String(required=True)
    location = fields.String(required=True)
    source = fields.String(required=True, metadata={"enum": ["stock", "inbound"]})
    available_date = IsoDate(required=True)
    on_hand = fields.Integer(required=True, metadata={"description": "Stock in every status (0 for inbound)."})
    sellable = fields.Integer(required=True, metadata={"description": "Available-status stock, or inbound qty."})
    reserved = fields.Integer(required=True, metadata={"description": "Held (unexpired) or confirmed, unshipped."})
    protected = fields.Integer(required=True, metadata={"description": "Kept for a protection's tier or better."})
    available_to_promise = fields.Integer(
        required=True, metadata={"description": "sellable - reserved - protected, at least 0."}
    )


class AvailabilitySchema(Schema):
    network_id = fields.String(required=True)
    as_of = IsoDate(required=True)
    pools = fields.List(fields.Nested(AvailabilityRowSchema), required=True)


class ReservationSchema(Schema):
    """Units of one pool promised to one order line: held until `expires_at`, or confirmed until shipped."""

    id = fields.String(required=True)
    network_id = fields.String(required=True)
    order_id = fields.String(required=True)
    line = fields.Integer(required=True)
    customer = fields.String(required=True)
    decision_id = fields.String(required=True)
    item = fields.String(required=True)
    location = fields.String(required=True)
    source = fields.String(required=True, metadata={"enum": ["stock", "inbound"]})
    eta = fields.String(allow_none=True, required=True)
    qty = fields.Integer(required=True)
    shipped = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["held", "confirmed", "released", "expired", "shipped"]})
    created_at = fields.String(required=True)
    expires_at = fields.String(allow_none=True, required=True)
