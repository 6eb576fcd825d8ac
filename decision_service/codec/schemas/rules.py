"""Request and (documentation-only) response schemas of the rules endpoints."""

from __future__ import annotations

from typing import Any

from marshmallow import INCLUDE, Schema, fields, post_load

from decision_service.codec.schemas.fields import IsoDate
from rules.explain import plain

Str = fields.String
Raw = fields.Raw


class EvaluateRequestSchema(Schema):
    """Inputs for one evaluation, and the date whose version is to be used."""

    inputs = fields.Dict(
        keys=Str(),
        values=Raw(allow_none=True),
        required=True,
        metadata={"description": "Input values by column name (see the table's `inputs`)."},
    )
    as_of = IsoDate(load_default=None, metadata={"description": "Default: today (service clock, UTC)."})

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Inputs as plain JSON values (exact decimals become numbers)."""
        return {"inputs": plain(data["inputs"]), "as_of": data["as_of"]}


class DraftTableSchema(Schema):
    """A draft decision table in the same shape as the files in rules/tables (see docs/rules.md)."""

    class Meta:
        unknown = INCLUDE

    name = Str()
    owner = Str()
    description = Str()
    hit_policy = Str(metadata={"description": "UNIQUE, ANY, PRIORITY, FIRST, RULE ORDER, OUTPUT ORDER, COLLECT"})
    complete = fields.Boolean()
    inputs = fields.List(Raw(), metadata={"description": "Columns: name, type, domain, nullable, label."})
    outputs = fields.List(Raw(), metadata={"description": "Columns: name, type, values (priority order)."})
    rules = fields.List(Raw(), metadata={"description": "Rows: id, description, reason, when, then."})
    tests = fields.List(Raw(), metadata={"description": "Cases: id, given, expect; every row must be hit."})

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """The draft as plain JSON values."""
        draft: dict[str, Any] = plain(data)
        return draft


class VersionSchema(Schema):
    version = Str(required=True, metadata={"description": "Content hash (sha256) of the version."})
    effective_from = fields.Date(required=True)
    effective_to = fields.Date(allow_none=True, required=True)


class TableSummarySchema(Schema):
    key = Str(required=True)
    name = Str(required=True)
    owner = Str(required=True)
    active_version = fields.Nested(VersionSchema, allow_none=True, required=True)
    versions = fields.Integer(required=True)


class TableListSchema(Schema):
    tables = fields.List(fields.Nested(TableSummarySchema), required=True)


class TableVersionSchema(VersionSchema):
    content = fields.Dict(required=True, metadata={"description": "The table as authored."})


class TableSchema(Schema):
    key = Str(required=True)
    versions = fields.List(fields.Nested(TableVersionSchema), required=True)


class FindingSchema(Schema):
    kind = Str(required=True)
    severity = Str(required=True)
    message = Str(required=True)
    rows = fields.List(Str(), required=True)
    column = Str(allow_none=True, required=True)
    example = fields.Dict(allow_none=True, required=True)


class ValidationResultSchema(Schema):
    key = Str(required=True)
    valid = fields.Boolean(required=True)
    findings = fields.List(fields.Nested(FindingSchema), required=True)


class EvaluationSchema(Schema):
    result = Raw(required=True, metadata={"description": "The outputs (a value, a context or a list)."})
    error = Str(allow_none=True, required=True)
    version = Str(required=True)
    explanation = fields.Dict(required=True, metadata={"description": "Inputs, matched rows, selection, why not."})
