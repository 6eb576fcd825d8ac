"""A batch's results as files: `results.json` (everything, identical run to run), `timings.json`, CSV tables a
spreadsheet opens (`scenarios.csv`, `by_scope.csv`, `changes.csv`) and `report.html`."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from scenarios.batches.report import report_html
from scenarios.batches.runner import BatchResult

FIGURES = (
    "requested_units",
    "allocated_units",
    "fill_rate",
    "on_time_fill_rate",
    "otif_lines",
    "backorder_units",
    "backorder_lines",
    "margin",
    "margin_leakage",
    "lines_gained",
    "lines_lost",
    "units_gained",
    "units_lost",
)
DELTAS = ("allocated_units", "fill_rate", "on_time_fill_rate", "backorder_units", "margin")
AGING = ("0-7", "8-30", "31-90", "90+")  # fmt: skip


def entries(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The baseline, then every scenario."""
    return [body["baseline"], *body["scenarios"]]


def scenario_rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per scenario: its state, whole-run figures and their changes against the baseline."""
    rows = []
    for e in entries(body):
        row: dict[str, Any] = {"scenario": e["name"], "state": e["state"], "status": e.get("status", ""),
                               "error": e.get("error") or ""}  # fmt: skip
        kpis = e.get("kpis") or {}
        row.update({k: kpis.get(k, "") for k in FIGURES})
        row.update({f"aging_{k}": (kpis.get("backorder_aging") or {}).get(k, "") for k in AGING})
        deltas = (e.get("deltas") or {}).get("total", {})
        row.update({f"delta_{k}": deltas.get(k, "") for k in DELTAS})
        row["validation_errors"] = len((e.get("validation") or {}).get("errors", []))
        rows.append(row)
    return rows


def scope_rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per scenario and tier or segment."""
    rows = []
    for e in entries(body):
        for scope in ("by_tier", "by_segment"):
            for name, fig in ((e.get("kpis") or {}).get(scope) or {}).items():
                deltas = ((e.get("deltas") or {}).get(scope) or {}).get(name, {})
                rows.append(
                    {
                        "scenario": e["name"],
                        "scope": scope.removeprefix("by_"),
                        "name": name,
                        **{k: fig[k] for k in FIGURES},
                        **{f"delta_{k}": deltas.get(k, "") for k in DELTAS},
                    }
                )
    return rows


def change_rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per changed line of the most changed orders of each scenario, with why."""
    rows = []
    for e in body["scenarios"]:
        for order in (e.get("changes") or {}).get("top_orders", []):
            for ln in order["lines"]:
                rows.append({"scenario": e["name"], "order": order["order"], "line": ln["line"],
                             **{f"{k}_{side}": ln[k][i] for k in ("requested", "allocated", "backorder",
                                                                    "on_time_units", "margin")
                                for i, side in enumerate(("baseline", "scenario"))},
                             "why": " | ".join(ln["why"])})  # fmt: skip
    return rows


def _csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        if rows:
            writer = csv.DictWriter(handle, list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


def write_results(result: BatchResult, out: str | Path) -> list[Path]:
    """Every file of the batch's results in `out` (created); the paths written."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    files = {"results.json": json.dumps(result.body, indent=1), "timings.json": json.dumps(result.timings, indent=1),
             "report.html": report_html(result.body)}  # fmt: skip
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    _csv(folder / "scenarios.csv", scenario_rows(result.body))
    _csv(folder / "by_scope.csv", scope_rows(result.body))
    _csv(folder / "changes.csv", change_rows(result.body))
    return [folder / n for n in (*files, "scenarios.csv", "by_scope.csv", "changes.csv")]
