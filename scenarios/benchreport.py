"""The printed face of `make bench`: timing, gain and target tables from the results dict."""

from __future__ import annotations

from typing import Any

# (label, path into the results, limit in ms), from issue 2's "Speed"
TARGETS: list[tuple[str, tuple[str, ...], float]] = [
    ("small in-process decide p50", ("presets", "small", "decide_ms", "p50"), 3.0),
    ("small over HTTP p50", ("http_small", "p50"), 10.0),
    ("small over HTTP p99", ("http_small", "p99"), 30.0),
    ("medium in-process decide p50", ("presets", "medium", "decide_ms", "p50"), 60.0),
    ("large in-process decide p50", ("presets", "large", "decide_ms", "p50"), 1500.0),
]


def _get(results: dict[str, Any], path: tuple[str, ...]) -> float | None:
    node: Any = results
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return float(node) if isinstance(node, int | float) else None


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with the measured figure and whether it passed (None when not measured)."""
    out = []
    for label, path, limit in TARGETS:
        value = _get(results, path)
        out.append(
            {"target": label, "limit_ms": limit, "value_ms": value, "pass": None if value is None else value <= limit}
        )
    return out


def _timing_rows(results: dict[str, Any]) -> list[str]:
    rows = [
        f"{'preset':<8}{'runs':>6}  {'decide p50/p90/p99 ms':>26}  {'raw solve p50/p90/p99 ms':>26}"
        f"{'overhead':>10}{'greedy p50':>12}"
    ]
    for name, r in results["presets"].items():
        d, s = r["decide_ms"], r["solve_ms"]
        rows.append(
            f"{name:<8}{d['n']:>6}  {d['p50']:>8.2f} {d['p90']:>8.2f} {d['p99']:>8.2f}  "
            f"{s['p50']:>8.2f} {s['p90']:>8.2f} {s['p99']:>8.2f}{r['overhead_ratio'].get('p50', 0):>9.2f}x"
            f"{r['greedy_ms']['p50']:>12.2f}"
        )
    return rows


def _instance_rows(results: dict[str, Any]) -> list[str]:
    rows = [
        f"{'preset':<8}{'seed':>5}{'lines':>7}{'ship-compl':>11}{'max-ship':>9}  {'status':<18}"
        f"{'decide p50':>11}{'solve p50':>11}{'on-time opt/greedy':>21}{'invalid/validated':>18}"
    ]
    for name, r in results["presets"].items():
        for seed, i in r["instances"].items():
            f = i["features"]
            rows.append(
                f"{name:<8}{seed:>5}{f['lines']:>7}{f['ship_complete_lines']:>11}{f['max_shipments'] or '-':>9}  "
                f"{'/'.join(i['solver_status']):<18}{i['decide_ms']['p50']:>11.2f}{i['solve_ms']['p50']:>11.2f}"
                f"{i['optimizer']['on_time_units']:>13}/{i['greedy']['on_time_units']:<7}"
                f"{i['decision_violations']:>10}/{i['decisions_validated']:<7}"
            )
    return rows


def _pct(gain: float, base: float) -> str:
    return f"({100.0 * gain / base:+.1f}%)" if base else ""


def _gain_rows(results: dict[str, Any]) -> list[str]:
    rows = [f"{'preset':<8}{'on-time units':>24}{'units':>24}{'margin':>30}"]
    for name, r in results["presets"].items():
        g, b = r["gain_over_greedy"], r["greedy_totals"]
        rows.append(
            f"{name:<8}{g['on_time_units']:>+14} {_pct(g['on_time_units'], b['on_time_units']):>9}"
            f"{g['units']:>+14} {_pct(g['units'], b['units']):>9}"
            f"{g['margin']:>+20.2f} {_pct(g['margin'], b['margin']):>9}"
        )
    return rows


def _target_rows(checked: list[dict[str, Any]]) -> list[str]:
    rows = [f"{'target':<32}{'limit ms':>10}{'measured ms':>13}  result"]
    for t in checked:
        value = "-" if t["value_ms"] is None else f"{t['value_ms']:.2f}"
        verdict = {True: "PASS", False: "FAIL", None: "not run"}[t["pass"]]
        rows.append(f"{t['target']:<32}{t['limit_ms']:>10.0f}{value:>13}  {verdict}")
    return rows


def _recording_rows(recording: dict[str, Any]) -> list[str]:
    rows = [
        f"Recording each decision (issue 10: with the store at most {1 + recording['budget']:.2f}x the small "
        f"request's HTTP p50 with the log in memory; servers side by side, posts alternating between them, "
        f"{recording['rounds']} rounds of {recording['posts_per_round']} posts each; ratio: the rounds' median):"
    ]
    memory = recording["p50"]["memory"]
    for name, ratio in recording["ratio"].items():
        verdict = "PASS" if recording["within_budget"][name] else "FAIL"
        rounds = "/".join(f"{v:.2f}" for v in recording["p50_by_round"][name])
        rows.append(f"  {name}: p50 {recording['p50'][name]:.2f} ms against {memory:.2f} ms, "
                    f"ratio {ratio:.3f} ({100 * (ratio - 1):+.1f}%) {verdict}; rounds {rounds}")  # fmt: skip
    rows.append(f"  memory rounds {'/'.join(f'{v:.2f}' for v in recording['p50_by_round']['memory'])}")
    return rows


def format_report(results: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The printed report, and the target verdicts to store beside the figures."""
    checked = targets(results)
    reference = results.get("machine", {}).get("reference_ms")
    parts = [
        f"Machine reference: sum(range(10**6)) takes {reference} ms (best of 5) on this machine now",
        "",
        "In-process decide (with explanation), pooled over seeds",
        *_timing_rows(results),
        "",
        "Per instance",
        *_instance_rows(results),
        "",
        "Optimizer gain over the greedy baseline (sum over seeds; % of greedy)",
        *_gain_rows(results),
    ]
    http = results.get("http_small")
    if http and "error" in http:
        parts += ["", f"HTTP {http['request']}: not measured: {http['error']}"]
    elif http:
        parts += [
            "",
            f"HTTP {http['request']}, {http['n']} POSTs, {http['workers']} workers: p50 {http['p50']:.2f} ms, "
            f"p90 {http['p90']:.2f} ms, p99 {http['p99']:.2f} ms, failures {http['failures']}, "
            f"reconnects {http['reconnects']}",
        ]
    recording = results.get("recording")
    if recording:
        parts += _recording_rows(recording)
    if results.get("rules") is not None:
        parts += ["", f"Rules bench: {results['rules']}"]
    parts += ["", "Targets (issue 2)", *_target_rows(checked)]
    return "\n".join(parts), checked
