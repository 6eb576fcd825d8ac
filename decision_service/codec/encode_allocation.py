"""`AllocationDecision` to the spec's JSON, by hand: marshmallow dumping is too slow for 2,000-line decisions.

Money is rounded to 4 places (the request's precision, so this only removes binary floating-point noise such
as 3.9999999999999996); a lane is `{"from", "to"}` or null. Fills and candidates, the bulk of a response, keep
their dates and reason codes as objects: orjson writes those natively (ISO dates, the code's value), faster
than converting each in Python. The documented shape is `schemas/response.py`; a test keeps the two in step.
"""

from __future__ import annotations

from typing import Any

from decision_service.codec.encode_explanation import (
    MONEY_PLACES,
    decision_explanation_dict,
    lane_dict,
    line_explanation_dict,
)
from optimizers.decision import AllocationDecision, Fill, LineDecision, ObjectiveValues, SolverInfo


def allocation_body(d: AllocationDecision) -> dict[str, Any]:
    """The decision as values orjson writes as the spec's JSON, in the spec's field names."""
    return {
        "decision_id": d.decision_id,
        "order_id": d.order_id,
        "as_of": d.as_of.isoformat(),
        "status": d.status.value,
        "lines": [_line(line) for line in d.lines],
        "objective": _objective(d.objective),
        "explanation": None if d.explanation is None else decision_explanation_dict(d.explanation),
        "solver": _solver(d.solver),
        "input_hash": d.input_hash,
        "notes": list(d.notes),
    }


def _objective(o: ObjectiveValues) -> dict[str, Any]:
    return {
        "on_time_units": o.on_time_units,
        "units": o.units,
        "margin": round(o.margin, MONEY_PLACES),
        "tie_break": o.tie_break,
    }


def _solver(s: SolverInfo) -> dict[str, Any]:
    return {
        "engine": s.engine.value,
        "path": [e.value for e in s.path],
        "status": s.status.value,
        "proven": s.proven,
        "wall_ms": round(s.wall_ms, 3),
        "solve_ms": round(s.solve_ms, 3),
        "degraded": s.degraded,
        "degraded_reason": None if s.degraded_reason is None else s.degraded_reason.value,
        "detail": s.detail,
        "variables": s.variables,
        "constraints": s.constraints,
        "solves": s.solves,
        "work": s.work,
        "ship_from_sets": s.ship_from_sets,
        "parts_unproven": s.parts_unproven,
    }


def _line(line: LineDecision) -> dict[str, Any]:
    return {
        "line": line.line,
        "item": line.item,
        "requested_qty": line.requested_qty,
        "allocated_qty": line.allocated_qty,
        "backorder_qty": line.backorder_qty,
        "on_time_qty": line.on_time_qty,
        "fills": [_fill(f) for f in line.fills],
        "explanation": None if line.explanation is None else line_explanation_dict(line.explanation),
    }


def _fill(f: Fill) -> dict[str, Any]:
    out: dict[str, Any] = dict(zip(Fill._fields, f, strict=True))  # the spec's field names, in C; dates stay dates
    out["via_lane"] = lane_dict(f.via_lane)
    out["unit_margin"] = round(f.unit_margin, MONEY_PLACES)
    return out
