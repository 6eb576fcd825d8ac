"""The decision record's endpoints: an auditor's question (query), one record, a page, a replay, the chain."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from decision_service.codec.schemas.response_order import OrderDecisionSchema
from decision_service.orders.log import DecisionFilter
from optimizers.decision import BindingConstraint

Str = fields.String
MAX_PAGE = 200
SEVERITIES = ("critical", "high", "medium", "low")


class DecisionQuerySchema(Schema):
    """`GET /v1/decisions`: every given filter must match; pages oldest first."""

    order_id = Str(validate=validate.Length(1, 128))
    customer = Str(validate=validate.Length(1, 128))
    item = Str(validate=validate.Length(1, 128), metadata={"description": "Ordered or shipped (substitutes too)."})
    reason = Str(
        validate=validate.OneOf([b.value for b in BindingConstraint]),
        metadata={"description": "A backorder's binding constraint, e.g. PROTECTION, SUPPLY, PRICE_REJECTED."},
    )
    exception = Str(validate=validate.Length(1, 64), metadata={"description": "An exception type, e.g. backorder."})
    severity = Str(validate=validate.OneOf(SEVERITIES))
    held = fields.Boolean(metadata={"description": "Held by credit (true) or released (false)."})
    rule = Str(validate=validate.Length(1, 64), metadata={"description": "A rule that decided, e.g. CR-04."})
    table = Str(validate=validate.Length(1, 64), metadata={"description": "Rule records of one table, e.g. credit."})
    domain = Str(
        validate=validate.OneOf(["rules", "reallocation", "reservations"]),
        metadata={
            "description": "`rules`: every rule table change; `reallocation`: every run and its acceptance; "
            "`reservations`: every reservation step."
        },
    )
    since = fields.AwareDateTime(data_key="from", metadata={"description": "Recorded at or after (ISO 8601, zone)."})
    until = fields.AwareDateTime(data_key="to", metadata={"description": "Recorded before (ISO 8601, with zone)."})
    cursor = Str(validate=validate.Length(1, 256), metadata={"description": "`next_cursor` of the previous page."})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, MAX_PAGE))

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> tuple[DecisionFilter, str | None, int]:
        """The question, the cursor and the page size."""
        cursor, limit = data.pop("cursor", None), data.pop("limit")
        since, until = data.pop("since", None), data.pop("until", None)
        held = data.pop("held", None)
        facets = {**data, **({} if held is None else {"held": "true" if held else "false"})}
        return DecisionFilter(facets, since, until), cursor, limit


class DecisionReadSchema(Schema):
    """`GET /v1/decisions/{id}`: the decision as it was answered (default), or explained in full as recorded."""

    detail = Str(
        load_default="answered",
        validate=validate.OneOf(["answered", "full"]),
        metadata={"description": "`answered`: exactly as the client got it (its `explain` detail); `full`: every "
                  "candidate of every line, as the log keeps it."},
    )  # fmt: skip


class AuditSchema(Schema):
    """Where the record stands in the chain and who asked when."""

    kind = Str(required=True)
    seq = fields.Integer(required=True)
    recorded_at = fields.AwareDateTime(required=True)
    actor = Str(required=True)
    input_hash = Str(required=True)
    prev_hash = Str(required=True)
    hash = Str(required=True)
    rules_versions = fields.Dict(keys=Str(), values=Str(), required=True)
    versions = fields.Dict(keys=Str(), values=Str(), required=True)


class DecisionEntrySchema(Schema):
    """One recorded decision: as decided (explained in full), the request as received, and its audit fields."""

    decision = fields.Nested(OrderDecisionSchema, required=True)
    request = Str(required=True, metadata={"description": "The request body exactly as received."})
    audit = fields.Nested(AuditSchema, required=True)


class DecisionSummarySchema(Schema):
    """An order decision's order, status and hold; a rule record (`audit.kind` rule_*) has a status only."""

    id = Str(required=True)
    order_id = Str(required=True, allow_none=True)
    status = Str(required=True, allow_none=True)
    held = fields.Boolean(required=True, allow_none=True)
    audit = fields.Nested(AuditSchema, required=True)


class DecisionPageSchema(Schema):
    decisions = fields.List(fields.Nested(DecisionSummarySchema), required=True)
    next_cursor = Str(allow_none=True, required=True)


class VerificationSchema(Schema):
    ok = fields.Boolean(required=True)
    records = fields.Integer(required=True)
    first_broken = Str(allow_none=True, metadata={"description": "The first record whose content or link fails."})
    reason = Str(allow_none=True)


class DigestSchema(Schema):
    head = Str(required=True, metadata={"description": "The hash of the newest record."})
    records = fields.Integer(required=True)


class LevelComparisonSchema(Schema):
    level = fields.Integer(required=True)
    name = Str(required=True)
    recorded = fields.Float(required=True)
    replayed = fields.Float(required=True)
    identical = fields.Boolean(required=True)


class LineComparisonSchema(Schema):
    line = fields.Integer(required=True)
    identical = fields.Boolean(required=True)
    recorded_fills = fields.List(fields.Dict(), required=True, metadata={"description": "Listed when different."})
    replayed_fills = fields.List(fields.Dict(), required=True)


class ReplaySchema(Schema):
    decision_id = Str(required=True)
    identical = fields.Boolean(required=True)
    recorded_proven = fields.Boolean(required=True)
    same_software = fields.Boolean(required=True)
    levels = fields.List(fields.Nested(LevelComparisonSchema), required=True)
    lines = fields.List(fields.Nested(LineComparisonSchema), required=True)
    note = Str(required=True)
