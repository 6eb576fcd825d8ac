"""Re-allocation bench: `python -m scenarios.bench_realloc [--sizes small,medium,large] [--repeat N]`.

For each size of issue 12 (1,000 lines/200 items/10 locations; 10,000/1,000/20; 100,000/5,000/20) it runs the
engine on generated order books (`scenarios.orderbook`) and prints the median wall time, the time inside
HiGHS, the greedy baseline's time, the run's status (proven, or the first level not proven when the time limit
ran out) and the gain over the greedy baseline per tier class (units and on-time units). `--plain` generates
books without ship-complete lines and shipment limits: the LP-only path.
"""

from __future__ import annotations

import argparse
import statistics
import time

from optimizers.reallocation import run
from optimizers.reallocation.proof.greedy import greedy_run
from optimizers.reallocation.result import ReallocationRun
from scenarios.orderbook import order_book

SIZES: dict[str, tuple[int, int, int, float]] = {  # name -> (lines, items, locations, target seconds)
    "small": (1_000, 200, 10, 1.0),
    "medium": (10_000, 1_000, 20, 5.0),
    "large": (100_000, 5_000, 20, 30.0),
}


def _gain(exact: ReallocationRun, base: ReallocationRun) -> str:
    parts = []
    for tier, fig in exact.kpis.by_tier.items():
        other = base.kpis.by_tier.get(tier)
        if other is not None:
            units = fig.allocated_units - other.allocated_units
            on_time = round((fig.on_time_fill_rate - other.on_time_fill_rate) * fig.requested_units)
            parts.append(f"{tier} {units:+d}u/{on_time:+d}ot")
    return ", ".join(parts)


def bench(name: str, repeat: int, seed: int, limit_ms: int, plain: bool = False) -> None:
    """Time one size and print its line."""
    lines, items, locations, target = SIZES[name]
    walls, solver, greedy, last = [], [], [], None
    for k in range(repeat):
        share = {"ship_complete": 0.0, "limited": 0.0} if plain else {}
        problem = order_book(seed + k, lines, items, locations, **share)
        began = time.perf_counter()
        last = run(problem, time_limit_ms=limit_ms)
        walls.append(time.perf_counter() - began)
        solver.append(last.solver.solver_ms / 1000)
        began = time.perf_counter()
        base = greedy_run(problem)
        greedy.append(time.perf_counter() - began)
    assert last is not None
    status = "proven" if last.solver.proven else f"degraded at {last.solver.first_unproven}"
    print(
        f"{name:6} {lines:>7} lines  median {statistics.median(walls):7.2f} s (target {target:g} s)  "
        f"HiGHS {statistics.median(solver):7.2f} s  greedy {statistics.median(greedy):6.2f} s  {status}  "
        f"batches {last.solver.batches}  gain over greedy: {_gain(last, base)}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,medium,large")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit-ms", type=int, default=60_000)
    parser.add_argument("--plain", action="store_true", help="no ship-complete lines, no shipment limits")
    args = parser.parse_args()
    for name in args.sizes.split(","):
        bench(name, args.repeat, args.seed, args.time_limit_ms, args.plain)


if __name__ == "__main__":
    main()
