"""`AllocationDecision` to the spec's JSON, by hand: marshmallow dumping is too slow for 2,000-line decisions.

Money is rounded to 4 places (the request's precision, so this only removes binary floating-point noise such
as 3.9999999999999996); dates are ISO strings; a lane is `{"from", "to"}` or null. The documented shape is
`schemas/response.py`; a test keeps the two in step.
"""

from __future__ import annotations

import json
from typing import Any

from optimizers.decision import (
    AllocationDecision,
    BackorderExplanation,
    Candidate,
    DecisionExplanation,
    Fill,
    Lane,
    LineDecision,
    LineExplanation,
)

MONEY_PLACES = 4


def decision_json(decision: AllocationDecision) -> str:
    """The decision as a compact JSON document (NaN and Infinity refused)."""
    return json.dumps(decision_dict(decision), separators=(",", ":"), allow_nan=False)


def decision_dict(d: AllocationDecision) -> dict[str, Any]:
    """The decision as plain JSON-ready values, in the spec's field names."""
    o, s = d.objective, d.solver
    return {
        "decision_id": d.decision_id,
        "order_id": d.order_id,
        "as_of": d.as_of.isoformat(),
        "status": d.status.value,
        "lines": [_line(line) for line in d.lines],
        "objective": {
            "on_time_units": o.on_time_units,
            "units": o.units,
            "margin": round(o.margin, MONEY_PLACES),
            "tie_break": o.tie_break,
        },
        "explanation": None if d.explanation is None else _decision_explanation(d.explanation),
        "solver": {
            "engine": s.engine,
            "status": s.status.value,
            "wall_ms": round(s.wall_ms, 3),
            "solve_ms": round(s.solve_ms, 3),
            "degraded": s.degraded,
            "degraded_reason": s.degraded_reason,
            "variables": s.variables,
            "constraints": s.constraints,
            "solves": s.solves,
        },
        "input_hash": d.input_hash,
        "notes": list(d.notes),
    }


def _lane(lane: Lane | None) -> dict[str, str] | None:
    return None if lane is None else {"from": lane.from_location, "to": lane.to_location}


def _line(line: LineDecision) -> dict[str, Any]:
    return {
        "line": line.line,
        "item": line.item,
        "requested_qty": line.requested_qty,
        "allocated_qty": line.allocated_qty,
        "backorder_qty": line.backorder_qty,
        "on_time_qty": line.on_time_qty,
        "fills": [_fill(f) for f in line.fills],
        "explanation": None if line.explanation is None else _line_explanation(line.explanation),
    }


def _fill(f: Fill) -> dict[str, Any]:
    return {
        "item": f.item,
        "location": f.location,
        "ship_from": f.ship_from,
        "via_lane": _lane(f.via_lane),
        "qty": f.qty,
        "source": f.source,
        "available_date": f.available_date.isoformat(),
        "delivery_date": f.delivery_date.isoformat(),
        "on_time": f.on_time,
        "unit_margin": round(f.unit_margin, MONEY_PLACES),
        "substitute": f.substitute,
        "intercompany": f.intercompany,
    }


def _line_explanation(e: LineExplanation) -> dict[str, Any]:
    return {
        "candidates": [_candidate(c) for c in e.candidates],
        "backorder": None if e.backorder is None else _backorder(e.backorder),
        "summarised": e.summarised,
        "reason_counts": {str(reason): count for reason, count in e.reason_counts},
    }


def _candidate(c: Candidate) -> dict[str, Any]:
    return {
        "item": c.item,
        "location": c.location,
        "source": c.source,
        "available_date": None if c.available_date is None else c.available_date.isoformat(),
        "via_lane": _lane(c.via_lane),
        "ship_from": c.ship_from,
        "delivery_date": None if c.delivery_date is None else c.delivery_date.isoformat(),
        "on_time": c.on_time,
        "unit_margin": None if c.unit_margin is None else round(c.unit_margin, MONEY_PLACES),
        "used_qty": c.used_qty,
        "reason": c.reason.value,
        "detail": c.detail,
        "lines": list(c.lines),
    }


def _backorder(b: BackorderExplanation) -> dict[str, Any]:
    cf = b.counterfactual
    return {
        "qty": b.qty,
        "binding": b.binding.value,
        "limit": b.limit,
        "counterfactual": None
        if cf is None
        else {
            "item": cf.item,
            "location": cf.location,
            "qty": cf.qty,
            "available_date": cf.available_date.isoformat(),
            "on_time": cf.on_time,
            "verified": cf.verified,
            "method": cf.method,
            "text": cf.text,
        },
    }


def _decision_explanation(e: DecisionExplanation) -> dict[str, Any]:
    return {
        "levels": [
            {"level": lv.level, "name": lv.name, "sense": lv.sense, "value": lv.value, "optimal": lv.optimal}
            for lv in e.levels
        ],
        "binding": [
            {"kind": b.kind, "subject": b.subject, "limit": b.limit, "used": b.used, "detail": b.detail}
            for b in e.binding
        ],
        "tie_break": e.tie_break,
        "notes": list(e.notes),
    }
