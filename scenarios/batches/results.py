"""A scenario's outcome compared with the baseline's: KPI deltas overall, by tier and by segment, and the orders
and lines that changed most, each with why (what the scenario changed in its input, and the run's reasons)."""

from __future__ import annotations

from typing import Any

from scenarios.batches.model import Scenario

SCOPES = ("by_tier", "by_segment")
# indices into an outcome's line facts (`execute._line_facts`)
REQ, ALLOC, BACK, ON_TIME, MARGIN, REJECTION, HELD, WHY, PRICE = range(9)


def _delta(now: Any, was: Any) -> Any:
    if isinstance(now, dict):
        return {k: _delta(now[k], (was or {}).get(k, 0)) for k in now}
    return round(now - (was or 0), 9)


def kpi_deltas(kpis: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """Every figure minus the baseline's, overall and in every tier and segment the scenario has."""
    total = {k: _delta(v, base.get(k)) for k, v in kpis.items() if k not in SCOPES}
    scoped = {s: {name: _delta(fig, base[s].get(name, {})) for name, fig in kpis[s].items()} for s in SCOPES}
    return {"total": total, **scoped}


def _why(now: list[Any] | None, was: list[Any] | None) -> list[str]:
    if was is None:
        return ["a new line (new orders)"]
    if now is None:
        return ["no longer in the book (demand change)"]
    out = []
    if now[REQ] != was[REQ]:
        out.append(f"requested {was[REQ]} -> {now[REQ]}")
    if now[PRICE] != was[PRICE]:
        out.append(f"unit price {was[PRICE]} -> {now[PRICE]}")
    if now[REJECTION] and not was[REJECTION]:
        out.append(f"rejected: {now[REJECTION]}")
    if was[REJECTION] and not now[REJECTION]:
        out.append("no longer rejected by pricing")
    if now[HELD] != was[HELD]:
        out.append("order put on credit hold" if now[HELD] else "credit hold released")
    if now[ALLOC] < was[ALLOC] and now[WHY]:
        out.append(now[WHY])
    elif now[ALLOC] > was[ALLOC]:
        out.append("supply freed for it" + (f" (in the baseline: {was[WHY]})" if was[WHY] else ""))
    elif now[ON_TIME] != was[ON_TIME]:
        out.append(f"on-time units {was[ON_TIME]} -> {now[ON_TIME]}" + (f": {now[WHY]}" if now[WHY] else ""))
    return out


# A line's facts where it is not in a run (new orders, or gone by a demand change)
_ABSENT: list[Any] = [0, 0, 0, 0, 0.0, None, False, "", 0.0]


def _line_change(key: str, now: list[Any] | None, was: list[Any] | None) -> dict[str, Any]:
    a, b = was or _ABSENT, now or _ABSENT
    return {"line": int(key.rsplit("#", 1)[1]), "requested": [a[REQ], b[REQ]], "allocated": [a[ALLOC], b[ALLOC]],
            "backorder": [a[BACK], b[BACK]], "on_time_units": [a[ON_TIME], b[ON_TIME]],
            "margin": [a[MARGIN], b[MARGIN]], "why": _why(now, was)}  # fmt: skip


def changes(now: dict[str, list[Any]], was: dict[str, list[Any]], top: int) -> dict[str, Any]:
    """The lines whose allocation, on-time units, request or price moved, grouped by order; the `top` orders by
    units moved (then by id, so ties are stable). Only the top orders' lines are written out: a price or cost
    change moves every line of the bench's 20,000, whose descriptions took 0.25 s a scenario to build and throw
    away."""
    orders: dict[str, list[str]] = {}
    for key in sorted(now.keys() | was.keys()):
        a, b = was.get(key), now.get(key)
        if a is not None and b is not None and (a[ALLOC], a[ON_TIME], a[REQ], a[PRICE], a[REJECTION], a[HELD]) == (
                b[ALLOC], b[ON_TIME], b[REQ], b[PRICE], b[REJECTION], b[HELD]):  # fmt: skip
            continue
        orders.setdefault(key.rsplit("#", 1)[0], []).append(key)
    ranked: list[dict[str, Any]] = []
    for order, keys in orders.items():
        pairs = [(was.get(key) or _ABSENT, now.get(key) or _ABSENT) for key in keys]
        ranked.append({"order": order, "units_moved": sum(abs(b[ALLOC] - a[ALLOC]) for a, b in pairs),
                       "allocated_delta": sum(b[ALLOC] - a[ALLOC] for a, b in pairs),
                       "margin_delta": round(sum(b[MARGIN] - a[MARGIN] for a, b in pairs), 6),
                       "lines": keys})  # fmt: skip
    ranked.sort(key=lambda o: (-o["units_moved"], -abs(o["margin_delta"]), o["order"]))
    best = [{**o, "lines": [_line_change(key, now.get(key), was.get(key)) for key in o["lines"]]} for o in ranked[:top]]
    return {"orders_changed": len(ranked), "lines_changed": sum(len(o["lines"]) for o in ranked),
            "units_moved": sum(o["units_moved"] for o in ranked), "top_orders": best}  # fmt: skip


def scenario_entry(scenario: Scenario, outcome: dict[str, Any], baseline: dict[str, Any] | None,
                   top: int) -> dict[str, Any]:  # fmt: skip
    """What the batch reports for one scenario (no timings: those vary run to run and live apart)."""
    entry: dict[str, Any] = {
        "name": scenario.name,
        "modifiers": [{"type": m.type, **m.params} for m in scenario.modifiers],
    }
    if scenario.sweep_value is not None:
        entry["sweep_value"] = scenario.sweep_value
    if not outcome["ok"]:
        return {**entry, "state": "failed", "error": outcome["error"]}
    errors = outcome["validation"]
    entry.update(state="done", status=outcome["status"], solver=outcome["solver"], input_hash=outcome["input_hash"],
                 rules_versions=outcome["rules_versions"], objective=outcome["objective"], kpis=outcome["kpis"],
                 validation={"checked": errors is not None, "errors": errors or []})  # fmt: skip
    if baseline is not None and baseline["ok"]:
        found = outcome.get("compared") or comparison(outcome, baseline, top)
        entry.update(deltas=found["deltas"], changes=found["changes"])
    return entry


def comparison(outcome: dict[str, Any], baseline: dict[str, Any], top: int) -> dict[str, Any]:
    """A scenario's KPI deltas and changed lines against the baseline's."""
    return {
        "deltas": kpi_deltas(outcome["kpis"], baseline["kpis"]),
        "changes": changes(outcome["lines"], baseline["lines"], top),
    }


def compared(outcome: dict[str, Any], baseline: dict[str, Any], top: int) -> dict[str, Any]:
    """The outcome with its comparison with the baseline (`comparison`) in place of its lines' facts: what a
    worker hands back (`execute.FromBaseline`); `scenario_entry` takes it as made."""
    rest = {key: value for key, value in outcome.items() if key != "lines"}
    return {**rest, "compared": comparison(outcome, baseline, top)}
