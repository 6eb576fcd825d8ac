"""`make bench`: how fast the decision is, what the raw solve costs, and what it gains over greedy.

For each preset (small, medium, large) and several seeds: in-process `decide(problem)` timed run by run after
a warm-up, round-robin over the seeds, beside the raw solver time the decision reports (`solver.solve_ms`) and
the greedy baseline on the same instance; then the small request over HTTP against a real server on
127.0.0.1, and the same order decided against a stored network of 5,000 items with 100,000 open reservations
(`scenarios.bench_stored`); then the bulk orders end to end against their time limit (`scenarios.bench_bulk`);
then the rules benchmark when `rules.bench` exists; then re-allocation runs (`scenarios.bench_realloc`); then a
scenario batch on the local and Ray executors (`scenarios.bench_batches`).
Prints a table with the issue's targets and writes every figure as JSON.
Not a test: timings belong to the machine, so nothing here asserts.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from decision_service.codec.encode_request import problem_body
from optimizers.decision import AllocationDecision
from optimizers.engine import decide
from optimizers.problem import AllocationProblem
from optimizers.proof.greedy import greedy_fills
from scenarios.bench_batches import format_batches, run_batches_bench
from scenarios.bench_bulk import format_bulk, run_bulk_bench
from scenarios.bench_http import recording_cost, run_http_bench
from scenarios.bench_realloc import format_realloc, run_realloc_bench
from scenarios.bench_stored import format_stored, run_stored_bench
from scenarios.benchreport import format_report
from scenarios.benchstats import decision_violations, score_fills, summary
from scenarios.generator import PRESETS, preset

# preset -> (total timed runs at least, warm-up runs per instance), the "many runs"
RUNS: dict[str, tuple[int, int]] = {"small": (300, 5), "medium": (30, 2), "large": (5, 1)}


@dataclass
class Timed:
    """One instance's timed decides, its last decision, and what the validator found in every decision."""

    walls: list[float] = field(default_factory=list)  # decide, ms
    solves: list[float] = field(default_factory=list)  # the solver's own time, ms
    statuses: set[str] = field(default_factory=set)
    last: AllocationDecision | None = None
    violations: int = 0  # validator errors, summed over every timed decision
    validated: int = 0


def time_decides(problems: list[AllocationProblem], runs: int, warmup: int) -> list[Timed]:
    """Each instance decided `runs` times, round-robin over the instances after a warm-up: a burst of load on
    this shared machine then falls on every instance alike instead of on whichever was running."""
    for problem in problems:
        for _ in range(warmup):
            decide(problem)
    timed = [Timed() for _ in problems]
    for _ in range(runs):
        for problem, t in zip(problems, timed, strict=True):
            start = time.perf_counter()
            d = decide(problem)
            t.walls.append((time.perf_counter() - start) * 1000.0)
            t.solves.append(d.solver.solve_ms)
            t.statuses.add(str(d.solver.status))
            t.last = d
            t.violations += decision_violations(problem, d)  # every decision, outside the timed span
            t.validated += 1
    return timed


def time_instance(problem: AllocationProblem, timed: Timed) -> dict[str, Any]:
    """One instance's timed decides, and the greedy baseline's time and objective beside the optimizer's."""
    d, walls, solves, statuses = timed.last, timed.walls, timed.solves, timed.statuses
    assert d is not None
    runs = len(walls)
    greedy_ms = []
    for _ in range(max(runs, 3)):
        start = time.perf_counter()
        fills = greedy_fills(problem)
        greedy_ms.append((time.perf_counter() - start) * 1000.0)
    greedy, violations = score_fills(problem, fills)
    return {
        "order": problem.order.id,
        "features": features(problem),
        "decide_ms": walls,
        "solve_ms": solves,
        "greedy_ms": greedy_ms,
        "solver_status": sorted(statuses),
        "optimizer": {
            "on_time_units": d.objective.on_time_units,
            "units": d.objective.units,
            "margin": d.objective.margin,
        },
        "greedy": {"on_time_units": greedy.on_time_units, "units": greedy.units, "margin": greedy.margin},
        "greedy_violations": violations,
        "decision_violations": timed.violations,
        "decisions_validated": timed.validated,
    }


def features(problem: AllocationProblem) -> dict[str, Any]:
    """What makes an instance hard: its size and its discrete parts."""
    return {
        "lines": len(problem.order.lines),
        "locations": len(problem.locations),
        "demand_units": sum(x.qty for x in problem.order.lines),
        "ship_complete_lines": sum(x.ship_complete for x in problem.order.lines),
        "max_shipments": problem.customer().max_shipments,
    }


def bench_preset(name: str, seeds: list[int], scale: float = 1.0) -> dict[str, Any]:
    """Every seed of one preset; the run count is split over the seeds so the total reaches the issue's floor."""
    total, warmup = RUNS[name]
    per_seed = max(1, math.ceil(total * scale / len(seeds)))
    problems = [preset(name, seed) for seed in seeds]
    timed = time_decides(problems, per_seed, warmup)
    instances = {seed: time_instance(p, t) for seed, p, t in zip(seeds, problems, timed, strict=True)}
    pooled = {key: [v for i in instances.values() for v in i[key]] for key in ("decide_ms", "solve_ms", "greedy_ms")}
    ratios = [w / s for i in instances.values() for w, s in zip(i["decide_ms"], i["solve_ms"], strict=True) if s > 0]
    gain = {
        key: round(sum(i["optimizer"][key] - i["greedy"][key] for i in instances.values()), 4)
        for key in ("on_time_units", "units", "margin")
    }
    greedy_totals = {key: sum(i["greedy"][key] for i in instances.values()) for key in gain}
    return {
        "size": asdict(PRESETS[name]),
        "seeds": seeds,
        **{key: summary(values) for key, values in pooled.items()},
        "overhead_ratio": summary(ratios),
        "gain_over_greedy": gain,
        "greedy_totals": greedy_totals,
        "instances": {str(seed): _compact(i) for seed, i in instances.items()},
    }


def _compact(instance: dict[str, Any]) -> dict[str, Any]:
    timed = ("decide_ms", "solve_ms", "greedy_ms")
    return {k: summary(v) if k in timed else v for k, v in instance.items()}


def rules_bench() -> dict[str, Any] | None:
    """`rules.bench.run_rules_bench()` when someone has written it."""
    if importlib.util.find_spec("rules.bench") is None:
        return None
    from rules.bench import run_rules_bench

    result: dict[str, Any] = run_rules_bench()
    return result


def machine_reference_ms() -> float:
    """Best of 5 of `sum(range(10**6))`: how fast this machine runs plain Python at this moment.

    The machines this runs on differ up to threefold (34 ms here on 2026-11-23, about 12 ms on a fast desktop),
    so figures from different runs compare only beside this one.
    """
    best = math.inf
    for _ in range(5):
        start = time.perf_counter()
        sum(range(10**6))
        best = min(best, (time.perf_counter() - start) * 1000.0)
    return round(best, 2)


# make bench's scenario batch: (lines, scenarios), a plain book so that the batch machinery and the executors are
# what is measured; the 50 x 20,000 lines: `python -m scenarios.bench_batches`
BATCH_BENCH = (2_000, 10)


def run(
    seeds: list[int],
    scale: float,
    http_count: int,
    realloc_sizes: list[str] | None = None,
    batch_executors: tuple[str, ...] = ("local", "ray"),
) -> dict[str, Any]:
    """Every measurement of the benchmark, as one JSON-ready dict."""
    results: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "reference_ms": machine_reference_ms(),
        },
        "presets": {},
    }
    for name in RUNS:
        print(f"bench: {name} ...", flush=True)
        results["presets"][name] = bench_preset(name, seeds, scale)
    if http_count:
        print("bench: http ...", flush=True)
        body = problem_body(preset("small", seeds[0]))
        try:
            results["http_small"] = {"request": f"small seed {seeds[0]}", **run_http_bench(body, http_count)}
            print("bench: the cost of recording each decision ...", flush=True)
            results["recording"] = recording_cost(body, max(100, http_count * 3 // 5))
        except (OSError, RuntimeError) as exc:  # the in-process figures still stand; say why HTTP has none
            results["http_small"] = {"request": f"small seed {seeds[0]}", "error": str(exc)}
        print("bench: a stored network against the inline request ...", flush=True)
        try:
            results["stored_network"] = run_stored_bench(max(50, http_count * 2 // 5), seed=seeds[0])
        except (OSError, RuntimeError) as exc:
            results["stored_network"] = {"error": str(exc)}
    print("bench: bulk orders against the time limit ...", flush=True)
    results["bulk"] = run_bulk_bench(http=http_count > 0)
    print("bench: rules ...", flush=True)
    results["rules"] = rules_bench()
    if realloc_sizes:
        results["reallocation"] = run_realloc_bench(realloc_sizes, repeat=len(seeds), seed=seeds[0])
    if batch_executors:
        print("bench: a scenario batch on each executor ...", flush=True)
        lines, count = BATCH_BENCH
        results["batches"] = run_batches_bench(lines, count, executors=batch_executors, seed=seeds[0], plain=True)
    return results


def main(argv: list[str] | None = None) -> None:
    """CLI entry point (`make bench`)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("bench-results.json"))
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the issue's run counts (smoke runs)")
    parser.add_argument("--http-requests", type=int, default=500, help="0 skips the HTTP benchmark")
    parser.add_argument(
        "--realloc-sizes",
        default="small,medium",
        help="re-allocation sizes (small, medium, large; '' skips them); each size runs once per seed",
    )
    parser.add_argument("--batch-executors", default="local,ray", help="'' skips the scenario batch")
    args = parser.parse_args(argv)
    results = run(args.seeds, args.scale, args.http_requests, [s for s in args.realloc_sizes.split(",") if s],
                  tuple(e for e in args.batch_executors.split(",") if e))  # fmt: skip
    report, results["targets"] = format_report(results)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(report)
    print("\n" + "\n".join(format_bulk(results["bulk"])))
    if "stored_network" in results:
        print("\n".join(format_stored(results["stored_network"])))
    if "reallocation" in results:
        print("\n" + "\n".join(format_realloc(results["reallocation"], results["machine"]["reference_ms"])))
    if "batches" in results:
        print("\n" + "\n".join(format_batches(results["batches"])))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
