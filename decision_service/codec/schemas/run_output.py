"""The re-allocation run's answer as the OpenAPI document describes it (`shared/spec/reallocation.md`, Output).

Documentation only: the body is written by `codec.encode_run.run_body` (dumping 100,000 lines through marshmallow
is too slow). Every schema rejects unknown fields (apispec writes `additionalProperties: false`), so the contract
tests catch a field the writer adds or renames.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from decision_service.codec.schemas.response import Bool, FillSchema, Int, LaneRefSchema, Num, Str


def _nested(schema: type[Schema], description: str, *, allow_none: bool = False) -> fields.Nested:
    return fields.Nested(schema, required=True, allow_none=allow_none, metadata={"description": description})


def _list(schema: type[Schema], description: str) -> fields.List:
    return fields.List(fields.Nested(schema), required=True, metadata={"description": description})


class RunTakenBySchema(Schema):
    """Units the line could use that another line received."""

    order = Str(required=True)
    line = Int(required=True)
    qty = Int(required=True)
    ranked_ahead = Bool(required=True, metadata={"description": "The taker's strategy and tier rank first."})


class RunReasonSchema(Schema):
    """One reason the line got what it got."""

    code = Str(required=True, metadata={"description": "The allocation explanation's codes, plus STRATEGY, "
                                                       "PRICE_REJECTED."})  # fmt: skip
    detail = Str(required=True)
    taken_by = _list(RunTakenBySchema, "Who received units this line could use.")


class RunWhatIfSchema(Schema):
    """The counterfactual as data: with this extra supply the line gets `allocated_qty` units."""

    item = Str(required=True)
    location = Str(required=True)
    extra_qty = Int(required=True, metadata={"description": "0 when only the lane's capacity is short."})
    allocated_qty = Int(required=True)
    on_time = Bool(required=True)
    lane = _nested(LaneRefSchema, "A full lane on the line's best route, or null.", allow_none=True)
    lane_qty = Int(required=True)
    others_qty = Int(
        required=True,
        metadata={
            "description": "Of `extra_qty`, the shortfall of the other short "
            "lines ranked with or above this one that draw on that stock: they may take it first."
        },
    )
    others = Int(required=True, metadata={"description": "How many such lines."})


class RunExplanationSchema(Schema):
    """Why a line was not allocated in full or on time, and what supply would change it."""

    reasons = _list(RunReasonSchema, "Why, reason by reason.")
    counterfactual = Str(required=True)
    counterfactual_verified = Bool(required=True, metadata={"description": "A re-solve confirmed it."})
    what_if = _nested(RunWhatIfSchema, "Null when no supply would change the line.", allow_none=True)


class RunLineSchema(Schema):
    """A line's allocation against its confirmation."""

    line = Int(required=True)
    item = Str(required=True)
    requested_qty = Int(required=True)
    confirmed_qty = Int(required=True)
    allocated_qty = Int(required=True)
    change = Int(required=True, metadata={"description": "`allocated_qty` less `confirmed_qty`."})
    backorder_qty = Int(required=True)
    fills = _list(FillSchema, "Where the allocated units come from.")
    eligible = Bool(required=True, metadata={"description": "Counted in its class's fill-ratio level."})
    rejection = Str(required=True, allow_none=True, metadata={"description": "Why the line was refused, if so."})
    explanation = _nested(RunExplanationSchema, "Null when the line is allocated in full and on time.",
                          allow_none=True)  # fmt: skip


class RunOrderSchema(Schema):
    """An order's lines as the run allocated them."""

    id = Str(required=True)
    segment = Str(required=True)
    strategy = Str(required=True)
    tier = Str(required=True)
    held = Bool(required=True, metadata={"description": "Held (e.g. credit): nothing allocated."})
    lines = _list(RunLineSchema, "Its lines.")


class RunObjectiveLevelSchema(Schema):
    """One level of the lexicographic objective."""

    level = Str(required=True)
    value = Num(required=True, metadata={"description": "Units, money (margin) or a ratio."})
    proven = Bool(required=True)


class RunFiguresSchema(Schema):
    """KPIs over a set of lines."""

    requested_units = Int(required=True)
    allocated_units = Int(required=True)
    fill_rate = Num(required=True)
    on_time_fill_rate = Num(required=True)
    otif_lines = Num(required=True)
    backorder_units = Int(required=True)
    backorder_lines = Int(required=True)
    backorder_aging = fields.Dict(keys=Str(), values=Int(), required=True,
                                  metadata={"description": "Backordered units by age bucket."})  # fmt: skip
    margin = Num(required=True)
    margin_leakage = Num(required=True)
    lines_gained = Int(required=True)
    lines_lost = Int(required=True)
    units_gained = Int(required=True)
    units_lost = Int(required=True)


class RunKpisSchema(RunFiguresSchema):
    """The whole run's figures, and the same per tier and per segment."""

    by_tier = fields.Dict(keys=Str(), values=fields.Nested(RunFiguresSchema), required=True)
    by_segment = fields.Dict(keys=Str(), values=fields.Nested(RunFiguresSchema), required=True)


class RunSolverSchema(Schema):
    """The solver's account of the run."""

    engine = Str(required=True, metadata={"description": "`highs`, or `greedy` for batches answered by the baseline."})
    status = Str(required=True, metadata={"description": "OPTIMAL, or FEASIBLE when a limit ran out."})
    proven = Bool(required=True)
    degraded = Bool(required=True)
    first_unproven = Str(required=True, allow_none=True, metadata={"description": "When degraded."})
    wall_ms = Num(required=True)
    solver_ms = Num(required=True)
    solves = Int(required=True)
    components = Int(required=True)
    batches = Int(required=True)


class RunVerificationSchema(Schema):
    """How many counterfactuals the run re-solved, and what it spent."""

    claimed = Int(required=True)
    checked = Int(required=True)
    verified = Int(required=True)
    budget_ms = Num(required=True)
    spent_ms = Num(required=True)
    skipped = Str(required=True, allow_none=True, metadata={"description": "Why fewer than `claimed` were checked."})


class RunAppliedSchema(Schema):
    """With `mode: apply`: what changed in the stored network's reservations."""

    orders_changed = Int(required=True)
    reservations_released = Int(required=True)
    reservations_made = Int(required=True)


class RunSchema(Schema):
    """The spec's run output (orders, objective level by level, KPIs, solver), plus the rule and software versions."""

    run_id = Str(required=True)
    as_of = fields.Date(required=True)
    status = Str(required=True)
    orders = _list(RunOrderSchema, "Every order, line by line.")
    objective = _list(RunObjectiveLevelSchema, "The objective, level by level in priority order.")
    kpis = _nested(RunKpisSchema, "The run's KPIs: whole-run figures, `by_tier`, `by_segment`.")
    solver = _nested(RunSolverSchema, "The solver's account.")
    input_hash = Str(required=True)
    counterfactuals = _nested(RunVerificationSchema, "How the counterfactuals were verified.")
    rules_versions = fields.Dict(keys=Str(), values=Str(), required=True)
    versions = fields.Dict(keys=Str(), values=Str(), required=True)
    network_ref = Str(metadata={"description": "Only in a run over a stored network: its id."})
    applied = fields.Nested(RunAppliedSchema, metadata={"description": "Only with `mode: apply`."})
