"""The batch's report: one HTML file that opens in a browser with no server and no network. plotly.js is inlined
once; each chart is a `full_html=False` part; the tables (KPIs, failures, most changed orders) are plain HTML."""

from __future__ import annotations

from html import escape
from typing import Any

from plotly.offline import get_plotlyjs

from scenarios.batches.figures import done, figures

COLUMNS = (("fill_rate", "fill", "pct"), ("on_time_fill_rate", "on-time fill", "pct"), ("otif_lines", "OTIF", "pct"),
           ("allocated_units", "allocated", "int"), ("backorder_units", "backorder", "int"),
           ("margin", "margin", "money"), ("margin_leakage", "leakage", "money"))  # fmt: skip
STYLE = """body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}
td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}td:first-child,th:first-child{text-align:left}
.neg{color:#b00}.pos{color:#070}.failed{background:#fee}details{margin:.5rem 0}td.why{text-align:left;max-width:48rem}
.chart{margin:1.5rem 0}"""


def fmt(value: Any, kind: str) -> str:
    """A figure as the report prints it."""
    if value is None or value == "":
        return ""
    if kind == "pct":
        return f"{value * 100:.2f}%"
    if kind == "money":
        return f"{value:,.2f}"
    return f"{value:,}"


LOWER_IS_BETTER = {"backorder_units"}  # a change coloured green when it is good for the planner, red when bad


def _delta(value: Any, kind: str, key: str = "") -> str:
    if not value:
        return "<span>±0</span>"
    text = fmt(value, kind) if kind != "pct" else f"{value * 100:+.2f} pt"
    sign = "+" if value > 0 and not text.startswith("+") else ""
    better = value < 0 if key in LOWER_IS_BETTER else value > 0
    return f'<span class="{"pos" if better else "neg"}">{sign}{text}</span>'


def kpi_table(body: dict[str, Any]) -> str:
    """Every scenario's whole-run KPIs and their changes against the baseline."""
    head = "".join(f"<th>{label}</th><th>Δ</th>" for _, label, _ in COLUMNS)
    rows = [f"<tr><th>scenario</th><th>status</th>{head}<th>validator</th></tr>"]
    for e in (body["baseline"], *body["scenarios"]):
        if e["state"] == "failed":
            rows.append(f'<tr class="failed"><td>{escape(e["name"])}</td><td>failed</td>'
                        f'<td colspan="{2 * len(COLUMNS) + 1}" class="why">{escape(e["error"])}</td></tr>')  # fmt: skip
            continue
        deltas = (e.get("deltas") or {}).get("total", {})
        cells = "".join(f'<td data-key="{k}">{fmt(e["kpis"][k], kind)}</td><td>{_delta(deltas.get(k), kind, k)}</td>'
                        for k, _, kind in COLUMNS)  # fmt: skip
        errors = e["validation"]["errors"]
        check = "not run" if not e["validation"]["checked"] else ("ok" if not errors else f"{len(errors)} errors")
        rows.append(f'<tr data-scenario="{escape(e["name"])}"><td>{escape(e["name"])}</td><td>{e["status"]}</td>'
                    f"{cells}<td>{check}</td></tr>")  # fmt: skip
    return f'<table id="kpi-table">{"".join(rows)}</table>'


def changes_section(body: dict[str, Any]) -> str:
    """Per scenario, its most changed orders and lines with why."""
    parts = []
    for e in body["scenarios"]:
        ch = e.get("changes")
        if not ch:
            continue
        rows = ["<tr><th>order</th><th>line</th><th>requested</th><th>allocated</th><th>on time</th><th>margin</th>"
                "<th>why</th></tr>"]  # fmt: skip
        for order in ch["top_orders"]:
            for ln in order["lines"]:
                pair = {k: f"{ln[k][0]} → {ln[k][1]}" for k in ("requested", "allocated", "on_time_units")}
                rows.append(f'<tr><td>{escape(order["order"])}</td><td>{ln["line"]}</td><td>{pair["requested"]}</td>'
                            f'<td>{pair["allocated"]}</td><td>{pair["on_time_units"]}</td>'
                            f'<td>{ln["margin"][0]:,.2f} → {ln["margin"][1]:,.2f}</td>'
                            f'<td class="why">{escape("; ".join(ln["why"]))}</td></tr>')  # fmt: skip
        summary = (
            f"{escape(e['name'])}: {ch['orders_changed']} orders, {ch['lines_changed']} lines changed, "
            f"{ch['units_moved']} units moved (the {len(ch['top_orders'])} most changed orders below)"
        )
        parts.append(f"<details><summary>{summary}</summary><table>{''.join(rows)}</table></details>")
    return "".join(parts) or "<p>No scenario changed any order.</p>"


def report_html(body: dict[str, Any]) -> str:
    """The whole report as one self-contained HTML document."""
    charts = "".join(
        f'<div class="chart">{fig.to_html(full_html=False, include_plotlyjs=False, div_id=key, default_height="440px")}'
        "</div>" for key, fig in figures(body).items()
    )  # fmt: skip
    base = body["base"]
    failed = body["failed"]
    intro = (
        f"Base: {escape(base['kind'])}, {base['orders']:,} orders, {base['lines']:,} lines, as of "
        f"{escape(str(base['as_of']))}. {len(body['scenarios'])} scenarios against the baseline, "
        f"{len(done(body))} run" + (f"; failed: {escape(', '.join(failed))}" if failed else "") + "."
    )
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(body["batch"])}</title>'
            f'<style>{STYLE}</style><script type="text/javascript">{get_plotlyjs()}</script></head><body>'
            f'<h1>{escape(body["batch"])}</h1><p>{intro}</p><h2>KPIs by scenario</h2>{kpi_table(body)}{charts}'
            f"<h2>Most changed orders</h2>{changes_section(body)}</body></html>")  # fmt: skip
