"""The explanation parts of a decision as values orjson writes (see `decision_service.codec.encode_allocation`)."""

from __future__ import annotations

from typing import Any

from optimizers.decision import (
    BackorderExplanation,
    Candidate,
    DecisionExplanation,
    Lane,
    LineExplanation,
)

MONEY_PLACES = 4


def lane_dict(lane: Lane | None) -> dict[str, str] | None:
    """A lane as `{"from", "to"}`, or None for a direct route."""
    return None if lane is None else {"from": lane.from_location, "to": lane.to_location}


def line_explanation_dict(e: LineExplanation) -> dict[str, Any]:
    """Why each candidate supply of a line was or was not used, and what bound its backorder."""
    return {
        "candidates": [_candidate(c) for c in e.candidates],
        "backorder": None if e.backorder is None else _backorder(e.backorder),
        "summarised": e.summarised,
        "reason_counts": {str(reason): count for reason, count in e.reason_counts},
    }


def _candidate(c: Candidate) -> dict[str, Any]:
    # Built from the record's own field names (the spec's), in C; dates and the reason code stay as they are,
    # for orjson writes them natively (ISO dates, the code's value).
    out: dict[str, Any] = dict(zip(Candidate._fields, c, strict=True))
    if c.via_lane is not None:
        out["via_lane"] = lane_dict(c.via_lane)
    if c.unit_margin is not None:
        out["unit_margin"] = round(c.unit_margin, MONEY_PLACES)
    return out


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


def decision_explanation_dict(e: DecisionExplanation) -> dict[str, Any]:
    """The objective levels reached, the binding constraints and the tie-break rule."""
    return {
        "levels": [
            {"level": lv.level, "name": lv.name, "sense": lv.sense, "value": float(lv.value), "optimal": lv.optimal}
            for lv in e.levels
        ],
        "binding": [
            {"kind": b.kind, "subject": b.subject, "limit": b.limit, "used": b.used, "detail": b.detail}
            for b in e.binding
        ],
        "tie_break": e.tie_break,
        "notes": list(e.notes),
    }
