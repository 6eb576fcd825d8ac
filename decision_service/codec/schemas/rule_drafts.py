"""Schemas of the governed rule endpoints: a draft, its backtest, its publication, approval and rejection."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from decision_service.codec.schemas.fields import IsoDate
from decision_service.codec.schemas.rules import DraftTableSchema
from decision_service.governance.backtest import MAX_DECISIONS, Selection

Str = fields.String


class NewDraftSchema(Schema):
    """A proposed version of a table: its content (as in rules/tables, without key or dates) and why."""

    table = fields.Nested(DraftTableSchema, required=True)
    comment = Str(validate=validate.Length(0, 2000), load_default="")


class PublishSchema(Schema):
    """When the draft takes effect, why, and whether a second person must approve it first."""

    effective_from = IsoDate(required=True, metadata={"description": "Today (service clock, UTC) or later."})
    effective_to = IsoDate(load_default=None, allow_none=True, metadata={"description": "Optional end (exclusive)."})
    comment = Str(required=True, validate=validate.Length(1, 2000), metadata={"description": "Why, for the record."})
    approval_required = fields.Boolean(
        load_default=False,
        metadata={"description": "Four eyes: in force only once another owner approves (always, if configured)."},
    )


class DecideDraftSchema(Schema):
    """An approval or a rejection, with an optional comment for the record."""

    comment = Str(validate=validate.Length(0, 2000), load_default="")


class BacktestSchema(Schema):
    """Which recorded decisions to decide again under the draft: the last N, or those in a period."""

    last = fields.Integer(validate=validate.Range(1, MAX_DECISIONS))
    since = fields.AwareDateTime(data_key="from", metadata={"description": "Recorded at or after (ISO 8601)."})
    until = fields.AwareDateTime(data_key="to", metadata={"description": "Recorded before (ISO 8601)."})

    @validates_schema
    def one_choice(self, data: dict[str, Any], **kwargs: Any) -> None:
        """Either `last` or a period, not both; `last` defaults to 100."""
        if "last" in data and ("since" in data or "until" in data):
            raise ValidationError("give either `last` or `from`/`to`, not both", field_name="last")

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> Selection:
        """The selection of recorded decisions."""
        if "since" in data or "until" in data:
            return Selection(since=data.get("since"), until=data.get("until"))
        return Selection(last=data.get("last", 100))


class PublicationSchema(Schema):
    id = Str(required=True)
    effective_from = fields.Date(required=True)
    effective_to = fields.Date(allow_none=True, required=True)
    comment = Str(required=True)
    published_by = Str(required=True)
    published_at = fields.AwareDateTime(required=True)
    approval_required = fields.Boolean(required=True)
    version = Str(allow_none=True, required=True, metadata={"description": "The version hash once in force."})
    decided_by = Str(allow_none=True, required=True, metadata={"description": "Who approved or rejected it."})
    decided_at = fields.AwareDateTime(allow_none=True, required=True)
    decision_comment = Str(allow_none=True, required=True)


class DraftSchema(Schema):
    """A draft and where it stands: draft, pending_approval, in_force, rejected or void."""

    id = Str(required=True)
    key = Str(required=True)
    status = Str(required=True, validate=validate.OneOf(("draft", "pending_approval", "in_force", "rejected", "void")))
    author = Str(required=True)
    created_at = fields.AwareDateTime(required=True)
    comment = Str(required=True)
    findings = fields.List(fields.Dict(), required=True, metadata={"description": "Warnings left by validation."})
    table = fields.Dict(required=True)
    publication = fields.Nested(PublicationSchema, allow_none=True, required=True)
    note = Str(allow_none=True, required=True, metadata={"description": "Why a void draft is void."})


class DraftListSchema(Schema):
    drafts = fields.List(fields.Nested(DraftSchema), required=True)


class ChangeSchema(Schema):
    subject = Str(required=True)
    recorded = Str(allow_none=True, required=True)
    draft = Str(allow_none=True, required=True)


class DecisionChangesSchema(Schema):
    decision_id = Str(required=True)
    order_id = Str(required=True)
    changes = fields.List(fields.Nested(ChangeSchema), required=True)


class BacktestReportSchema(Schema):
    """How many replayed decisions change, in which outcomes, and the first of them in full."""

    draft_id = Str(required=True)
    key = Str(required=True)
    decisions = fields.Integer(required=True)
    changed = fields.Integer(required=True)
    skipped = fields.Dict(keys=Str(), values=Str(), required=True)
    counts = fields.Dict(keys=Str(), values=fields.Integer(), required=True)
    listed = fields.List(fields.Nested(DecisionChangesSchema), required=True)
