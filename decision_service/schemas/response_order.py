"""Documentation-only schema of the order decision `POST /v1/allocations` answers: the allocation decision
(`response.DecisionSchema`) with the credit, pricing and exception rules' decisions and the table versions used.
A test validates real output against it."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from decision_service.schemas.response import Bool, DecisionSchema, Int, LineDecisionSchema, Num, Str


class RuleRefSchema(Schema):
    """The compact explanation of one table evaluation; the full one is `POST /v1/rules/tables/{key}/evaluate`."""

    table = Str(required=True)
    version = Str(required=True, metadata={"description": "Content hash of the table version."})
    rule = Str(allow_none=True, required=True, metadata={"description": "Id of the selected row."})
    policy = Str(allow_none=True, required=True, metadata={"description": "The row's reason (policy text)."})
    cells = fields.List(fields.Dict(), required=True, metadata={"description": "Decisive cells: column, test, value."})


class RejectionSchema(Schema):
    table = Str(required=True)
    rule = Str(required=True)
    version = Str(required=True)
    reason = Str(required=True)
    text = Str(required=True)


class OrderLineDecisionSchema(LineDecisionSchema):
    rejection = fields.Nested(
        RejectionSchema, allow_none=True, required=True, metadata={"description": "Set when the price was rejected."}
    )


class CreditSchema(Schema):
    action = Str(required=True, metadata={"description": "release, hold or review"})
    owner_role = Str(required=True)
    reason = Str(required=True)
    inputs = fields.Dict(required=True, metadata={"description": "The credit table's inputs as derived."})
    explanation = fields.Nested(RuleRefSchema, required=True)


class LinePricingSchema(Schema):
    line = Int(required=True)
    decision = Str(required=True, metadata={"description": "approve, needs_approval or reject"})
    approver_role = Str(allow_none=True, required=True)
    reason = Str(required=True)
    allocated = Bool(required=True, metadata={"description": "False when the price was rejected."})
    inputs = fields.Dict(required=True)
    explanation = fields.Nested(RuleRefSchema, required=True)


class OrderExceptionSchema(Schema):
    type = Str(required=True)
    lines = fields.List(Int(), required=True)
    qty = Int(required=True)
    value_at_risk = Num(required=True)
    days_late = Int(required=True)
    detail = Str(required=True)
    severity = Str(required=True, validate=validate.OneOf(["critical", "high", "medium", "low"]))
    owner_role = Str(required=True)
    sla_hours = Int(required=True)
    suggested_action = Str(required=True)
    explanation = fields.Nested(RuleRefSchema, required=True)


class OrderDecisionSchema(DecisionSchema):
    """The order decision: the allocation of the lines that may ship, and the rules' decisions around it."""

    lines = fields.List(fields.Nested(OrderLineDecisionSchema), required=True)
    held = Bool(required=True, metadata={"description": "Credit holds the order; the allocation is what would ship."})
    credit = fields.Nested(CreditSchema, required=True)
    pricing = fields.List(fields.Nested(LinePricingSchema), required=True)
    exceptions = fields.List(fields.Nested(OrderExceptionSchema), required=True)
    rules_versions = fields.Dict(
        keys=Str(), values=Str(), required=True, metadata={"description": "Table key -> version hash used."}
    )
