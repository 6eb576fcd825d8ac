"""A re-allocation run as the API's JSON (`shared/spec/reallocation.md`, Output), and its changed lines as CSV
rows: the KPIs' whole-run figures at the top of `kpis`, per tier and per segment beside them."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date
from typing import Any

import orjson

from decision_service.runs.service import RunDecision

CHANGED_COLUMNS = ("order", "segment", "strategy", "tier", "held", "line", "item", "requested_qty", "confirmed_qty",
                   "allocated_qty", "change", "backorder_qty", "rejection", "why")  # fmt: skip


SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...] | None] = {}  # per record type its field names; None: not a record


def plain(value: Any) -> Any:
    """Records, named tuples, tuples and dates as JSON values; a lane as `{"from", "to"}`. Scalars return at the
    first test and each type's field names are looked up once: a 2,000-line run has 130,000 values."""
    kind = type(value)
    if kind in SCALARS:
        return value
    try:
        names = _FIELDS[kind]
    except KeyError:
        names = _record_fields(kind)
    if names is not None:
        body = {k: plain(getattr(value, k)) for k in names}
        lane = body.get("via_lane")
        if lane is not None:
            body["via_lane"] = {"from": lane[0], "to": lane[1]}
        return body
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    return value


def _record_fields(kind: type) -> tuple[str, ...] | None:
    """The field names of a named tuple or dataclass type (remembered), None for any other type."""
    names: tuple[str, ...] | None = None
    if hasattr(kind, "_asdict") and hasattr(kind, "_fields"):
        names = tuple(kind._fields)
    elif is_dataclass(kind):
        names = tuple(f.name for f in fields(kind))
    _FIELDS[kind] = names
    return names


def run_body(decided: RunDecision) -> dict[str, Any]:
    """The run as the API answers it."""
    body: dict[str, Any] = plain(decided.run)
    body["kpis"] = kpis_body(body["kpis"])
    body["rules_versions"] = dict(decided.rules_versions)
    body["versions"] = dict(decided.versions)
    return body


def kpis_body(kpis: Any) -> dict[str, Any]:
    """The KPIs as the API shows them: the whole run's figures at the top, per tier and per segment beside."""
    plain_kpis = plain(kpis)
    return {**plain_kpis["total"], "by_tier": plain_kpis["by_tier"], "by_segment": plain_kpis["by_segment"]}


def run_json(decided: RunDecision) -> bytes:
    """`run_body` written as compact JSON."""
    return orjson.dumps(run_body(decided))


def changed_rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per line whose allocation differs from its confirmation or that is backordered, with why."""
    rows = []
    for order in body["orders"]:
        for line in order["lines"]:
            if line["change"] == 0 and line["backorder_qty"] == 0:
                continue
            reasons = (line.get("explanation") or {}).get("reasons") or []
            rows.append({
                "order": order["id"], "segment": order["segment"], "strategy": order["strategy"],
                "tier": order["tier"], "held": order["held"], **{k: line[k] for k in CHANGED_COLUMNS[5:12]},
                "rejection": line.get("rejection") or "", "why": "; ".join(r["detail"] for r in reasons),
            })  # fmt: skip
    return rows


def input_body(problem: Any) -> dict[str, Any]:
    """A `ReallocationProblem` as the spec's input JSON (for examples, generated books and tests)."""
    net: dict[str, Any] = plain(problem.network)
    net["lanes"] = [{"from": ln.pop("from_location"), "to": ln.pop("to_location"), **ln} for ln in net["lanes"]]
    orders = plain(problem.orders)
    for order in orders:
        order.pop("held", None)
        for line in order["lines"]:
            line.pop("rejection", None)
    segments = [{k: v for k, v in s.items() if v is not None} for s in plain(problem.segments)]
    return {"as_of": problem.as_of.isoformat(), "network": net, "orders": orders,
            "strategy": {"segments": segments}, "policy": plain(problem.policy)}  # fmt: skip
