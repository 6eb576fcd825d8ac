"""Documentation-only schemas of the decision and of problem documents (responses are serialised by
`decision_service.serialize`, never dumped through these). A test validates real output against them."""

from __future__ import annotations

from enum import StrEnum

from marshmallow import Schema, fields, validate

from optimizers.decision import BindingConstraint, DecisionStatus, ReasonCode, SolveStatus

Str = fields.String
Int = fields.Integer
Num = fields.Float
Bool = fields.Boolean


def _one_of(enum: type[StrEnum]) -> validate.OneOf:
    return validate.OneOf([member.value for member in enum])


class LaneRefSchema(Schema):
    from_ = Str(required=True, data_key="from")
    to = Str(required=True)


class FillSchema(Schema):
    item = Str(required=True)
    location = Str(required=True, metadata={"description": "Where the supply is."})
    ship_from = Str(required=True, metadata={"description": "`location`, or the lane's `to`."})
    via_lane = fields.Nested(LaneRefSchema, allow_none=True, required=True)
    qty = Int(required=True)
    source = Str(required=True, validate=validate.OneOf(["stock", "inbound"]))
    available_date = fields.Date(required=True)
    delivery_date = fields.Date(required=True)
    on_time = Bool(required=True)
    unit_margin = Num(required=True)
    substitute = Bool(required=True)
    intercompany = Bool(required=True)


class CandidateSchema(Schema):
    item = Str(required=True)
    location = Str(required=True)
    source = Str(required=True)
    available_date = fields.Date(allow_none=True, required=True)
    via_lane = fields.Nested(LaneRefSchema, allow_none=True, required=True)
    ship_from = Str(allow_none=True, required=True)
    delivery_date = fields.Date(allow_none=True, required=True)
    on_time = Bool(allow_none=True, required=True)
    unit_margin = Num(allow_none=True, required=True)
    used_qty = Int(required=True)
    reason = Str(required=True, validate=_one_of(ReasonCode))
    detail = Str(required=True)
    lines = fields.List(Int(), required=True, metadata={"description": "Other lines that took this supply."})


class CounterfactualSchema(Schema):
    item = Str(required=True)
    location = Str(required=True)
    qty = Int(required=True)
    available_date = fields.Date(required=True)
    on_time = Bool(required=True)
    verified = Bool(required=True)
    method = Str(required=True)
    text = Str(required=True)


class BackorderSchema(Schema):
    qty = Int(required=True)
    binding = Str(required=True, validate=_one_of(BindingConstraint))
    limit = Str(required=True)
    counterfactual = fields.Nested(CounterfactualSchema, allow_none=True, required=True)


class LineExplanationSchema(Schema):
    candidates = fields.List(fields.Nested(CandidateSchema), required=True)
    backorder = fields.Nested(BackorderSchema, allow_none=True, required=True)
    summarised = Bool(required=True)
    reason_counts = fields.Dict(keys=Str(), values=Int(), required=True)


class LineDecisionSchema(Schema):
    line = Int(required=True)
    item = Str(required=True)
    requested_qty = Int(required=True)
    allocated_qty = Int(required=True)
    backorder_qty = Int(required=True)
    on_time_qty = Int(required=True)
    fills = fields.List(fields.Nested(FillSchema), required=True)
    explanation = fields.Nested(LineExplanationSchema, allow_none=True, required=True)


class ObjectiveSchema(Schema):
    on_time_units = Int(required=True)
    units = Int(required=True)
    margin = Num(required=True)
    tie_break = Int(required=True)


class LevelSchema(Schema):
    level = Int(required=True)
    name = Str(required=True)
    sense = Str(required=True)
    value = Num(required=True)
    optimal = Bool(required=True)


class BindingItemSchema(Schema):
    kind = Str(required=True)
    subject = Str(required=True)
    limit = Int(required=True)
    used = Int(required=True)
    detail = Str(required=True)


class DecisionExplanationSchema(Schema):
    levels = fields.List(fields.Nested(LevelSchema), required=True)
    binding = fields.List(fields.Nested(BindingItemSchema), required=True)
    tie_break = Str(required=True)
    notes = fields.List(Str(), required=True)


class SolverSchema(Schema):
    engine = Str(required=True)
    status = Str(required=True, validate=_one_of(SolveStatus))
    wall_ms = Num(required=True)
    solve_ms = Num(required=True)
    degraded = Bool(required=True)
    degraded_reason = Str(allow_none=True, required=True)
    variables = Int(required=True)
    constraints = Int(required=True)
    solves = Int(required=True)


class DecisionSchema(Schema):
    """The allocation decision (spec/allocation.md, Response)."""

    decision_id = Str(required=True)
    order_id = Str(required=True)
    as_of = fields.Date(required=True)
    status = Str(required=True, validate=_one_of(DecisionStatus))
    lines = fields.List(fields.Nested(LineDecisionSchema), required=True)
    objective = fields.Nested(ObjectiveSchema, required=True)
    explanation = fields.Nested(DecisionExplanationSchema, allow_none=True, required=True)
    solver = fields.Nested(SolverSchema, required=True)
    input_hash = Str(required=True)
    notes = fields.List(Str(), required=True)


class FieldErrorSchema(Schema):
    field = Str(required=True, metadata={"description": "Path in the request, e.g. order.lines[2].qty"})
    message = Str(required=True)


class ProblemSchema(Schema):
    """An RFC 9457 problem document (`application/problem+json`)."""

    type = Str(required=True)
    title = Str(required=True)
    status = Int(required=True)
    detail = Str(required=True)
    errors = fields.List(fields.Nested(FieldErrorSchema), metadata={"description": "Validation errors (422)."})
    error_count = Int()
