"""The HTML report: self-contained (no network), its charts' figures are the JSON's, and in a real headless
browser (Debian's chromium, which `make install` and `make test` install where missing) every chart renders."""

from __future__ import annotations

import csv
import json
import re
import subprocess
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHARTS = ("fig-kpis", "fig-fill-by-tier", "fig-on-time-by-tier", "fig-backorder-aging", "fig-margin-waterfall",
          "fig-sweep")  # fmt: skip


def plots(html: str) -> dict[str, list[dict[str, Any]]]:
    """Each chart's traces as the page hands them to Plotly.newPlot, by element id."""
    decoder, out = json.JSONDecoder(), {}
    for match in re.finditer(r'Plotly\.newPlot\(\s*"([^"]+)",\s*', html):
        traces, _ = decoder.raw_decode(html, match.end())
        out[match.group(1)] = traces
    return out


def results(out: Path) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((out / "results.json").read_text())
    return body


def test_the_report_is_one_file_that_needs_no_network(small_out: Path) -> None:
    html = (small_out / "report.html").read_text()
    assert html.count("<script") == 1 + len(plots(html))  # plotly.js inlined once, then one call per chart
    assert not re.search(r'<script[^>]+src=|<link[^>]+href=["\']?https?:|<img[^>]+src=["\']?https?:', html)


def test_the_charts_show_the_json_figures(small_out: Path) -> None:
    body, figs = results(small_out), plots((small_out / "report.html").read_text())
    assert set(figs) == set(CHARTS)
    done = [e for e in (body["baseline"], *body["scenarios"]) if e["state"] == "done"]
    names = [e["name"] for e in done]
    kpis = {t["name"]: t for t in figs["fig-kpis"]}
    assert kpis["fill rate"]["x"] == names and kpis["fill rate"]["y"] == [e["kpis"]["fill_rate"] for e in done]
    assert kpis["OTIF lines"]["y"] == [e["kpis"]["otif_lines"] for e in done]
    for trace in figs["fig-fill-by-tier"]:
        assert trace["y"] == [e["kpis"]["by_tier"][trace["name"]]["fill_rate"] for e in done]
    for trace in figs["fig-on-time-by-tier"]:
        assert trace["y"] == [e["kpis"]["by_tier"][trace["name"]]["on_time_fill_rate"] for e in done]
    for trace in figs["fig-backorder-aging"]:
        bucket = trace["name"].removesuffix(" days")
        assert trace["y"] == [e["kpis"]["backorder_aging"][bucket] for e in done]
    scenarios = {e["name"]: e for e in done}
    for trace in figs["fig-margin-waterfall"]:
        e = scenarios[trace["name"]]
        assert trace["y"][0] == body["baseline"]["kpis"]["margin"]
        assert trace["x"][1:-1] == [f"Δ {t}" for t in body["base"]["tiers"] if t in e["deltas"]["by_tier"]]
        assert trace["y"][1:-1] == [e["deltas"]["by_tier"][x.removeprefix("Δ ")]["margin"] for x in trace["x"][1:-1]]
        assert abs(sum(trace["y"][:-1]) - e["kpis"]["margin"]) < 1e-6  # the bars land on the scenario's margin


def test_the_tables_print_the_json_figures(small_out: Path) -> None:
    body, html = results(small_out), (small_out / "report.html").read_text()
    for e in (body["baseline"], *body["scenarios"]):
        if e["state"] == "done":
            row = re.search(rf'<tr data-scenario="{re.escape(e["name"])}">(.*?)</tr>', html)
            assert row is not None
            assert f'<td data-key="margin">{e["kpis"]["margin"]:,.2f}</td>' in row.group(1)
            assert f'<td data-key="fill_rate">{e["kpis"]["fill_rate"] * 100:.2f}%</td>' in row.group(1)
        else:
            assert e["error"].split(":")[0] in html
    with (small_out / "scenarios.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["scenario"] for r in rows] == [e["name"] for e in (body["baseline"], *body["scenarios"])]
    assert float(rows[1]["margin"]) == body["scenarios"][0]["kpis"]["margin"]


def test_every_chart_renders_in_headless_chromium(small_out: Path) -> None:
    page = (small_out / "report.html").resolve().as_uri()
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--virtual-time-budget=10000", "--dump-dom", page],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    starts = sorted((dom.index(f'id="{chart}"'), chart) for chart in CHARTS)
    for k, (at, chart) in enumerate(starts):
        part = dom[at : starts[k + 1][0] if k + 1 < len(starts) else len(dom)]
        assert 'class="main-svg"' in part, f"{chart} did not render"
        assert part.count('class="point"') + part.count('class="js-line"') >= 2, f"{chart} drew no data"


def test_a_change_is_coloured_by_whether_it_is_good_for_the_planner() -> None:
    from scenarios.batches.report import _delta

    assert 'class="neg"' in _delta(226, "int", "backorder_units")  # more backorders: worse
    assert 'class="pos"' in _delta(-12, "int", "backorder_units")
    assert 'class="pos"' in _delta(0.02, "pct", "fill_rate") and 'class="neg"' in _delta(-30, "int", "allocated_units")
