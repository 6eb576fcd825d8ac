"""The allocation decision's schemas: the OpenAPI description of the response, and its reader.

Responses are written by `codec.encode_allocation` (by hand: dumping through marshmallow is too slow for
2,000-line decisions); these load that JSON back into the same records (`codec.decode_decision`), validating as
they go. A round-trip test holds the writer and these schemas to one format.
"""

from __future__ import annotations

from marshmallow import fields, validate

from decision_service.codec.schemas.records import RecordSchema, one_of
from optimizers.decision import (
    AllocationDecision,
    BackorderExplanation,
    BindingConstraint,
    BindingItem,
    Candidate,
    Counterfactual,
    DecisionExplanation,
    DecisionStatus,
    DegradedReason,
    Engine,
    Fill,
    Lane,
    LineDecision,
    LineExplanation,
    ObjectiveLevel,
    ObjectiveValues,
    ReasonCode,
    SolverInfo,
    SolveStatus,
)

Str = fields.String
Int = fields.Integer
Num = fields.Float
Bool = fields.Boolean


class LaneRefSchema(RecordSchema):
    RECORD = Lane

    from_location = Str(required=True, data_key="from")
    to_location = Str(required=True, data_key="to")


class FillSchema(RecordSchema):
    RECORD = Fill

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


class CandidateSchema(RecordSchema):
    RECORD = Candidate
    ENUMS = {"reason": ReasonCode}

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
    reason = Str(required=True, validate=one_of(ReasonCode))
    detail = Str(required=True)
    lines = fields.List(Int(), required=True, metadata={"description": "Other lines that took this supply."})


class CounterfactualSchema(RecordSchema):
    RECORD = Counterfactual

    item = Str(required=True)
    location = Str(required=True)
    qty = Int(required=True)
    available_date = fields.Date(required=True)
    on_time = Bool(required=True)
    verified = Bool(required=True)
    method = Str(required=True)
    text = Str(required=True)


class BackorderSchema(RecordSchema):
    RECORD = BackorderExplanation
    ENUMS = {"binding": BindingConstraint}

    qty = Int(required=True)
    binding = Str(required=True, validate=one_of(BindingConstraint))
    limit = Str(required=True)
    counterfactual = fields.Nested(CounterfactualSchema, allow_none=True, required=True)


class LineExplanationSchema(RecordSchema):
    RECORD = LineExplanation
    PAIRS = frozenset({"reason_counts"})

    candidates = fields.List(fields.Nested(CandidateSchema), required=True)
    backorder = fields.Nested(BackorderSchema, allow_none=True, required=True)
    summarised = Bool(required=True)
    reason_counts = fields.Dict(keys=Str(), values=Int(), required=True)


class LineDecisionSchema(RecordSchema):
    RECORD = LineDecision

    line = Int(required=True)
    item = Str(required=True)
    requested_qty = Int(required=True)
    allocated_qty = Int(required=True)
    backorder_qty = Int(required=True)
    on_time_qty = Int(required=True)
    fills = fields.List(fields.Nested(FillSchema), required=True)
    explanation = fields.Nested(LineExplanationSchema, allow_none=True, required=True)


class ObjectiveSchema(RecordSchema):
    RECORD = ObjectiveValues

    on_time_units = Int(required=True)
    units = Int(required=True)
    margin = Num(required=True)
    tie_break = Int(required=True)


class LevelSchema(RecordSchema):
    RECORD = ObjectiveLevel

    level = Int(required=True)
    name = Str(required=True)
    sense = Str(required=True)
    value = Num(required=True)
    optimal = Bool(required=True)


class BindingItemSchema(RecordSchema):
    RECORD = BindingItem

    kind = Str(required=True)
    subject = Str(required=True)
    limit = Int(required=True)
    used = Int(required=True)
    detail = Str(required=True)


class DecisionExplanationSchema(RecordSchema):
    RECORD = DecisionExplanation

    levels = fields.List(fields.Nested(LevelSchema), required=True)
    binding = fields.List(fields.Nested(BindingItemSchema), required=True)
    tie_break = Str(required=True)
    notes = fields.List(Str(), required=True)


class SolverSchema(RecordSchema):
    RECORD = SolverInfo
    ENUMS = {"engine": Engine, "path": Engine, "status": SolveStatus, "degraded_reason": DegradedReason}

    engine = Str(required=True, validate=one_of(Engine), metadata={"description": "The solve path that answered."})
    path = fields.List(Str(validate=one_of(Engine)), required=True, metadata={"description": "Every path that ran."})
    status = Str(required=True, validate=one_of(SolveStatus))
    proven = Bool(required=True, metadata={"description": "Every objective level proven optimal."})
    wall_ms = Num(required=True)
    solve_ms = Num(required=True)
    degraded = Bool(required=True)
    degraded_reason = Str(allow_none=True, required=True, validate=one_of(DegradedReason))
    detail = Str(allow_none=True, required=True, metadata={"description": "What a degraded solve returned, and why."})
    variables = Int(required=True)
    constraints = Int(required=True)
    solves = Int(required=True)
    work = Int(required=True, metadata={"description": "Deterministic work units spent (see policy.work_limit)."})
    ship_from_sets = Int(required=True, metadata={"description": "Ship-from location sets solved (shipment limit)."})
    parts_unproven = Int(required=True, metadata={"description": "Independent parts not proven optimal in time."})


class DecisionSchema(RecordSchema):
    """The allocation decision (spec/allocation.md, Response)."""

    RECORD = AllocationDecision
    ENUMS = {"status": DecisionStatus}

    decision_id = Str(required=True)
    order_id = Str(required=True)
    as_of = fields.Date(required=True)
    status = Str(required=True, validate=one_of(DecisionStatus))
    lines = fields.List(fields.Nested(LineDecisionSchema), required=True)
    objective = fields.Nested(ObjectiveSchema, required=True)
    explanation = fields.Nested(DecisionExplanationSchema, allow_none=True, required=True)
    solver = fields.Nested(SolverSchema, required=True)
    input_hash = Str(required=True)
    notes = fields.List(Str(), required=True)
