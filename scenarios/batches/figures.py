"""The report's charts as plotly figures, built from the results JSON alone (so the report shows what the JSON
says): KPIs by scenario, fill and on-time fill by tier, backorder aging, the margin waterfall, a sweep's curve.
Values are plain lists (not numpy arrays) so the figures' data is readable JSON in the page."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

AGING = ("0-7", "8-30", "31-90", "90+")
WATERFALLS = 4  # scenarios shown in the margin waterfall: the largest margin changes
HEIGHT = 440


def done(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The baseline and the scenarios that ran, in the batch's order."""
    return [e for e in (body["baseline"], *body["scenarios"]) if e["state"] == "done"]


def _layout(fig: go.Figure, title: str, **extra: Any) -> go.Figure:
    fig.update_layout(title=title, height=HEIGHT, margin={"t": 60, "b": 120}, template="plotly_white",
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"}, **extra)  # fmt: skip
    return fig


def kpis_figure(body: dict[str, Any]) -> go.Figure:
    """Fill rate, on-time fill rate and OTIF lines per scenario."""
    rows = done(body)
    names = [e["name"] for e in rows]
    fig = go.Figure([go.Bar(name=label, x=names, y=[e["kpis"][key] for e in rows])
                     for key, label in (("fill_rate", "fill rate"), ("on_time_fill_rate", "on-time fill rate"),
                                        ("otif_lines", "OTIF lines"))])  # fmt: skip
    return _layout(fig, "KPIs by scenario", barmode="group", yaxis={"tickformat": ".0%"})


def tiers(body: dict[str, Any]) -> list[str]:
    """Every tier any scenario reports, in the policy's order (customers without a tier last)."""
    seen: set[str] = set()
    for e in done(body):
        seen.update(e["kpis"]["by_tier"])
    order = body["base"].get("tiers") or []
    return sorted(seen, key=lambda t: (order.index(t) if t in order else len(order), t))


def by_tier_figure(body: dict[str, Any], key: str, title: str) -> go.Figure:
    """One bar per tier and scenario of `key` (`fill_rate` or `on_time_fill_rate`)."""
    rows = done(body)
    names = [e["name"] for e in rows]
    fig = go.Figure([go.Bar(name=tier, x=names, y=[(e["kpis"]["by_tier"].get(tier) or {}).get(key) for e in rows])
                     for tier in tiers(body)])  # fmt: skip
    return _layout(fig, title, barmode="group", yaxis={"tickformat": ".0%"})


def aging_figure(body: dict[str, Any]) -> go.Figure:
    """Backordered units by age of the order, stacked per scenario."""
    rows = done(body)
    names = [e["name"] for e in rows]
    fig = go.Figure([go.Bar(name=f"{bucket} days", x=names, y=[e["kpis"]["backorder_aging"].get(bucket, 0)
                                                               for e in rows]) for bucket in AGING])  # fmt: skip
    return _layout(fig, "Backorder aging (units, by days since the order was created)", barmode="stack")


def waterfall_scenarios(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The scenarios the waterfall shows: the largest margin changes against the baseline, in batch order."""
    rows = [e for e in done(body)[1:] if "deltas" in e]
    picked = sorted(rows, key=lambda e: -abs(e["deltas"]["total"]["margin"]))[:WATERFALLS]
    return [e for e in rows if e in picked]


def waterfall_figure(body: dict[str, Any]) -> go.Figure:
    """Baseline margin, each tier's change, the scenario's margin: one group per scenario shown."""
    base = body["baseline"]["kpis"]
    traces, levels = [], [base["margin"]]
    for e in waterfall_scenarios(body):
        names = [t for t in tiers(body) if t in e["deltas"]["by_tier"]]
        steps = [e["deltas"]["by_tier"][t]["margin"] for t in names]
        traces.append(go.Waterfall(
            name=e["name"], x=["baseline", *[f"Δ {t}" for t in names], "scenario"],
            measure=["absolute", *["relative"] * len(names), "total"], y=[base["margin"], *steps, 0],
        ))  # fmt: skip
        levels += [base["margin"] + sum(steps[: k + 1]) for k in range(len(steps))]
    pad = max(1.0, (max(levels) - min(levels)) * 0.25)  # the changes, not the baseline's height, fill the chart
    title = "Margin against the baseline, by tier (the scenarios that move it most)"
    return _layout(
        go.Figure(traces), title, waterfallgroupgap=0.3, yaxis={"range": [min(levels) - pad, max(levels) + pad]}
    )


def sweep_figure(body: dict[str, Any]) -> go.Figure:
    """The whole-run rates along the swept parameter's values."""
    rows = [e for e in done(body) if "sweep_value" in e]
    xs = [e["sweep_value"] for e in rows]
    fig = go.Figure(
        [
            go.Scatter(name=label, x=xs, y=[e["kpis"][key] for e in rows], mode="lines+markers")
            for key, label in (("fill_rate", "fill rate"), ("on_time_fill_rate", "on-time fill rate"))
        ]
    )
    sweep = body["sweep"]
    return _layout(fig, f"{sweep['name']}: rates by {sweep['parameter']}", xaxis={"title": sweep["parameter"]},
                   yaxis={"tickformat": ".0%"})  # fmt: skip


def figures(body: dict[str, Any]) -> dict[str, go.Figure]:
    """Every chart of the report by its element id."""
    out = {"fig-kpis": kpis_figure(body),
           "fig-fill-by-tier": by_tier_figure(body, "fill_rate", "Fill rate by tier"),
           "fig-on-time-by-tier": by_tier_figure(body, "on_time_fill_rate", "On-time fill rate by tier"),
           "fig-backorder-aging": aging_figure(body)}  # fmt: skip
    if waterfall_scenarios(body):
        out["fig-margin-waterfall"] = waterfall_figure(body)
    if body.get("sweep") and len(done(body)) > 1:
        out["fig-sweep"] = sweep_figure(body)
    return out
