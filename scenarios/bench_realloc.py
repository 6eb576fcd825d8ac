"""Re-allocation bench: `python -m scenarios.bench_realloc [--sizes small,medium,large] [--repeat N]`.

For each size of issue 12 (1,000 lines/200 items/10 locations; 10,000/1,000/20; 100,000/5,000/20) it runs the
engine on generated order books (`scenarios.orderbook`, seeds `seed`, `seed + 1`, ...), each run in a fresh
child process (spawned) so its peak resident memory is its own, and reports the median wall time end to end
(candidates, model, every level, explanations, KPIs), the time inside HiGHS, the greedy baseline's time on the
same book, the run's status (proven, or the first level not proven when the time limit ran out), the solver-free
validator's verdict, the peak memory, and the gain over the greedy baseline per tier class. Times are also
given scaled to the machine's usual speed by the bench's reference loop (`scenarios.bench.machine_reference_ms`).
`--plain` generates books without ship-complete lines and shipment limits: the LP-only path.
`make bench` runs the small and medium sizes (`python -m scenarios.bench --realloc-sizes ...` for others).
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

SIZES: dict[str, tuple[int, int, int, float]] = {  # name -> (lines, items, locations, target seconds)
    "small": (1_000, 200, 10, 1.0),
    "medium": (10_000, 1_000, 20, 5.0),
    "large": (100_000, 5_000, 20, 30.0),
}
# The reference loop's time at this machine's usual speed (README "Speed": 16-18 ms at normal speed; it reads
# 30-40 ms when the two cores are shared with other work). Scaled figures are measured * usual / now.
USUAL_REFERENCE_MS = 17.0


def _gain(exact: Any, base: Any) -> dict[str, tuple[int, int]]:
    """Per tier class: (units, on-time units) the exact run allocates beyond the greedy baseline."""
    out = {}
    for tier, fig in exact.kpis.by_tier.items():
        other = base.kpis.by_tier.get(tier)
        if other is not None:
            on_time = round((fig.on_time_fill_rate - other.on_time_fill_rate) * fig.requested_units)
            out[tier] = (fig.allocated_units - other.allocated_units, on_time)
    return out


def one_run(name: str, seed: int, limit_ms: int, plain: bool) -> dict[str, Any]:
    """One book solved in this (fresh) process: times, status, validation and peak memory."""
    from optimizers.reallocation import run
    from optimizers.reallocation.proof.greedy import greedy_run
    from optimizers.reallocation.proof.validation import validate
    from scenarios.orderbook import order_book

    lines, items, locations, _ = SIZES[name]
    share = {"ship_complete": 0.0, "limited": 0.0} if plain else {}
    problem = order_book(seed, lines, items, locations, **share)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began, cpu = time.perf_counter(), time.process_time()
    result = run(problem, time_limit_ms=limit_ms)
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    began = time.perf_counter()
    base = greedy_run(problem)
    greedy_s = time.perf_counter() - began
    return {
        "seed": seed,
        "wall_s": wall,
        "cpu_s": cpu,  # this process's CPU time: less moved than wall time by others' load on shared cores
        "solver_s": result.solver.solver_ms / 1000,
        "greedy_s": greedy_s,
        "proven": result.solver.proven,
        "first_unproven": result.solver.first_unproven,
        "engine": result.solver.engine,
        "solves": result.solver.solves,
        "components": result.solver.components,
        "batches": result.solver.batches,
        "violations": len(validate(problem, result)),
        "peak_rss_mb": round(peak_rss / 1024, 1),
        "book_rss_mb": round(base_rss / 1024, 1),
        "gain_over_greedy": _gain(result, base),
    }


def bench_size(name: str, repeat: int, seed: int, limit_ms: int, plain: bool = False) -> dict[str, Any]:
    """`repeat` books of one size, each in its own spawned process, one after another."""
    runs = []
    ctx = multiprocessing.get_context("spawn")
    for k in range(repeat):
        with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
            runs.append(pool.submit(one_run, name, seed + k, limit_ms, plain).result())
    lines, items, locations, target = SIZES[name]

    def median(key: str) -> float:
        return round(statistics.median(r[key] for r in runs), 3)

    return {
        "lines": lines,
        "items": items,
        "locations": locations,
        "plain": plain,
        "time_limit_ms": limit_ms,
        "target_s": target,
        "wall_s": median("wall_s"),
        "cpu_s": median("cpu_s"),
        "solver_s": median("solver_s"),
        "greedy_s": median("greedy_s"),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "proven": sum(r["proven"] for r in runs),
        "runs": runs,
    }


def run_realloc_bench(sizes: list[str], repeat: int = 3, seed: int = 1, limit_ms: int = 60_000) -> dict[str, Any]:
    """Every size asked for, on the generated books and on the plain ones (no binaries)."""
    out: dict[str, Any] = {}
    for name in sizes:
        for plain in (False, True):
            key = f"{name}-plain" if plain else name
            print(f"bench: re-allocation {key} ...", flush=True)
            out[key] = bench_size(name, repeat, seed, limit_ms, plain)
    return out


def format_realloc(results: dict[str, Any], reference_ms: float | None) -> list[str]:
    """The printed table: median wall and HiGHS time, greedy, status, memory, and wall at usual speed."""
    scale = USUAL_REFERENCE_MS / reference_ms if reference_ms else 1.0
    rows = [
        f"Re-allocation runs (issue 12), medians over seeds, each run in a fresh process; 'usual' = wall x "
        f"{USUAL_REFERENCE_MS:g} / {reference_ms} ms reference loop",
        f"{'size':<13}{'lines':>8}{'wall s':>9}{'cpu s':>8}{'usual s':>9}{'target':>8}{'HiGHS s':>9}{'greedy s':>10}"
        f"{'peak MB':>9}  {'status (per seed)':<40}{'invalid':>8}",
    ]
    for key, r in results.items():
        status = ", ".join("proven" if x["proven"] else f"degraded at {x['first_unproven']}" for x in r["runs"])
        rows.append(
            f"{key:<13}{r['lines']:>8}{r['wall_s']:>9.2f}{r['cpu_s']:>8.2f}{r['wall_s'] * scale:>9.2f}"
            f"{r['target_s']:>8g}"
            f"{r['solver_s']:>9.2f}{r['greedy_s']:>10.2f}{r['peak_rss_mb']:>9.0f}  {status:<40}"
            f"{sum(x['violations'] for x in r['runs']):>8}"
        )
    return rows


def _gain_text(gain: dict[str, tuple[int, int]]) -> str:
    return ", ".join(f"{tier} {u:+d}u/{ot:+d}ot" for tier, (u, ot) in gain.items())


def main() -> None:
    from scenarios.bench import machine_reference_ms

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="small,medium,large")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit-ms", type=int, default=60_000)
    parser.add_argument("--plain", action="store_true", help="no ship-complete lines, no shipment limits")
    args = parser.parse_args()
    reference = machine_reference_ms()
    results = {}
    for name in args.sizes.split(","):
        key = f"{name}-plain" if args.plain else name
        results[key] = r = bench_size(name, args.repeat, args.seed, args.time_limit_ms, args.plain)
        for x in r["runs"]:
            print(f"  {key} seed {x['seed']}: gain over greedy: {_gain_text(x['gain_over_greedy'])}", flush=True)
    print("\n".join(format_realloc(results, reference)))


if __name__ == "__main__":
    main()
