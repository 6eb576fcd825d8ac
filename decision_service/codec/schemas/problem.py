"""The RFC 9457 problem document every error is answered with (`application/problem+json`)."""

from __future__ import annotations

from marshmallow import Schema, fields

from decision_service.codec.schemas.rules import FindingSchema

Str = fields.String


class FieldErrorSchema(Schema):
    field = Str(required=True, metadata={"description": "Path in the request, e.g. order.lines[2].qty"})
    message = Str(required=True)


class ProblemSchema(Schema):
    """An RFC 9457 problem document (`application/problem+json`)."""

    type = Str(required=True)
    title = Str(required=True)
    status = fields.Integer(required=True)
    detail = Str(required=True)
    errors = fields.List(fields.Nested(FieldErrorSchema), metadata={"description": "Validation errors (422)."})
    error_count = fields.Integer()
    candidates = fields.Integer(metadata={"description": "An order refused for its size: its candidate supplies."})
    limit = fields.Integer(metadata={"description": "The limit it is over (413)."})
    findings = fields.List(
        fields.Nested(FindingSchema), metadata={"description": "An invalid decision table's findings (422)."}
    )
