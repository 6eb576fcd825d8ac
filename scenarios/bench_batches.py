"""Scenario-batch bench: `python -m scenarios.bench_batches [--lines 20000] [--scenarios 50] [--workers 1,2]
[--executors local,ray] [--repeat 3]`.

Builds a batch over a generated book (`scenarios.orderbook`) whose scenarios cycle through the modifier kinds,
runs it on each executor with each worker count, and prints one line per (executor, workers):

    batches lines=L scenarios=S runs=R executor=E workers=W warm=yes median_s=T per_run_s=T/R speedup=T1/T
    warm_gain=C/T degraded=D identical=yes

`speedup` is against the same executor's first worker count; `identical` says the results equal the first
measurement's (they must, unless a run was `degraded`: cut by its time limit, it depends on the machine's speed).
`make bench` runs a small batch (`scenarios.bench.BATCH_BENCH`). The issue's target is 50 scenarios over 20,000
lines in <= 60 s on the local executor.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, timedelta
from typing import Any

from scenarios.batches.base import base_input
from scenarios.batches.loader import parse_batch
from scenarios.batches.model import Batch
from scenarios.batches.runner import BatchResult, run_batch


def modifiers(base: dict[str, Any], k: int) -> list[dict[str, Any]]:
    """The k-th scenario's modifiers: every kind in turn, each sized by k so that no two scenarios are the same
    run (the batch would run them once), over what the base has."""
    net = base["network"]
    loc = net["locations"][k % len(net["locations"])]["id"]
    stocked = net["stock"][(7 * k) % len(net["stock"])]
    regions = sorted({o["ship_to_region"] for o in base["orders"]})
    lane = net["lanes"][k % len(net["lanes"])]
    reopen = (date.fromisoformat(base["as_of"]) + timedelta(days=1 + k)).isoformat()
    kinds = [
        {"type": "delay", "days": 1 + k},
        {"type": "demand", "percent": 1 + k, "regions": [regions[k % len(regions)]]},
        {"type": "location_out", "location": loc, "from": base["as_of"], "to": reopen},
        {"type": "stock", "item": stocked["item"], "location": stocked["location"], "change": -1 - k},
        {"type": "lane", "from": lane["from"], "to": lane["to"], "cost_percent": 50 + k},
        {"type": "price", "percent": -1 - k / 10},
        {"type": "cost", "percent": 1 + k},
        {"type": "policy", "fair_share": k % 2 == 0, "horizon_days": 10 + k},
    ]
    return [kinds[k % len(kinds)]]


def make_batch(
    lines: int, scenarios: int, seed: int, time_limit_ms: int, plain: bool = False, warm_start: bool = True
) -> Batch:
    """A batch of `scenarios` over a generated book of about `lines` lines (`plain`: no ship-complete lines or
    shipment limits, so every run stays on the LP path and the batch machinery is what is measured; `warm_start`:
    the batch setting)."""
    items, locations = max(12, lines // 20), min(20, max(4, lines // 500))
    gen: dict[str, Any] = {"seed": seed, "lines": lines, "items": items, "locations": locations}
    if plain:
        gen |= {"ship_complete": 0.0, "limited": 0.0}
    base = base_input(parse_batch({"base": {"generator": gen}, "scenarios": [{"name": "x"}]}).base)
    doc = {"batch": f"bench {lines} lines", "base": {"generator": gen},
           "settings": {"time_limit_ms": time_limit_ms, "validate": False, "warm_start": warm_start},
           "scenarios": [{"name": f"s{k:03d}", "modifiers": modifiers(base, k)} for k in range(scenarios)]}  # fmt: skip
    return parse_batch(doc)


def run_batches_bench(
    lines: int,
    scenarios: int,
    *,
    workers: tuple[int, ...] = (1, 2),
    executors: tuple[str, ...] = ("local", "ray"),
    repeat: int = 1,
    seed: int = 1,
    time_limit_ms: int = 60_000,
    plain: bool = False,
    cold: bool = True,
) -> list[dict[str, Any]]:
    """One row per (executor, workers): median wall, per run, speed-up over the executor's first worker count,
    whether the results equal the first measurement's, and how many runs were degraded (a run cut by its time
    limit depends on the machine's speed, so only proven runs must be identical). With `cold`, a first row runs
    the batch without warm starts on the local executor's first worker count: the warm rows' `warm_gain` is its
    time over theirs, and its `identical` says whether every scenario proved the same objective values (a cold
    run may break exact ties otherwise, so its results need not be equal)."""
    batch = make_batch(lines, scenarios, seed, time_limit_ms, plain)
    reference: dict[str, Any] | None = None
    rows: list[dict[str, Any]] = []
    cold_row = cold_result = None
    if cold:
        cold_batch = make_batch(lines, scenarios, seed, time_limit_ms, plain, warm_start=False)
        wall, cold_result = _measured(cold_batch, "local", workers[0], 1)
        cold_row = _row(cold_result, scenarios, plain, "local", workers[0], False, wall)
    for executor in executors:
        first = None
        for count in workers:
            median, result = _measured(batch, executor, count, repeat)
            reference = reference or result.body
            first = first or median
            rows.append(_row(result, scenarios, plain, executor, count, True, median)
                        | {"speedup": first / median, "identical": result.body == reference})  # fmt: skip
            if cold_row is not None:
                rows[-1]["warm_gain"] = cold_row["median_s"] / median
    if cold_row is not None and cold_result is not None:
        assert reference is not None
        cold_row |= {"speedup": 1.0, "identical": _objectives(cold_result.body) == _objectives(reference)}
        rows.insert(0, cold_row)
    return rows


def _measured(batch: Batch, executor: str, workers: int, repeat: int) -> tuple[float, BatchResult]:
    """The median wall of `repeat` runs of the batch, and the last run's result."""
    walls, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = run_batch(batch, workers=workers, executor=executor)
        walls.append(time.perf_counter() - began)
        if executor == "ray":
            import ray

            ray.shutdown()  # the next worker count starts its own local instance
    assert result is not None
    return statistics.median(walls), result


def _row(result: BatchResult, scenarios: int, plain: bool, executor: str, workers: int, warm: bool,
         median: float) -> dict[str, Any]:  # fmt: skip
    runs = result.timings["runs"]
    return {"lines": result.body["base"]["lines"], "scenarios": scenarios, "runs": runs, "plain": plain,
            "executor": executor, "workers": workers, "warm": warm, "median_s": median, "per_run_s": median / runs,
            "degraded": _degraded(result.body)}  # fmt: skip


def _runs(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The batch's entries: the baseline, then the scenarios."""
    return [body.get("baseline") or {}, *body.get("scenarios", [])]


def _objectives(body: dict[str, Any]) -> list[Any]:
    return [(r.get("name"), r.get("objective")) for r in _runs(body)]


def _degraded(body: dict[str, Any]) -> int:
    """Runs of the batch (baseline and scenarios) whose solver was cut by the time limit."""
    return sum(bool((r.get("solver") or {}).get("degraded")) for r in _runs(body))


def format_batches(rows: list[dict[str, Any]]) -> list[str]:
    """One printed line per (executor, workers), and the cold run's first."""
    return [_line(r) for r in rows]


def _line(r: dict[str, Any]) -> str:
    warm = r.get("warm", True)
    gain = f"warm_gain={r['warm_gain']:.2f} " if "warm_gain" in r else ""
    same = f"{'identical' if warm else 'same_values'}={'yes' if r['identical'] else 'NO'}"
    return (
        f"batches lines={r['lines']} scenarios={r['scenarios']} runs={r['runs']}{' plain' if r['plain'] else ''} "
        f"executor={r['executor']} workers={r['workers']} warm={'yes' if warm else 'no'} "
        f"median_s={r['median_s']:.2f} per_run_s={r['per_run_s']:.2f} speedup={r['speedup']:.2f} {gain}"
        f"degraded={r['degraded']} {same}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--scenarios", type=int, default=50)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--executors", default="local,ray")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit-ms", type=int, default=60_000, help="per scenario run")
    parser.add_argument("--plain", action="store_true", help="no ship-complete lines or shipment limits")
    parser.add_argument("--no-cold", action="store_true", help="skip the run without warm starts")
    args = parser.parse_args()
    rows = run_batches_bench(args.lines, args.scenarios, workers=tuple(int(w) for w in args.workers.split(",")),
                             executors=tuple(args.executors.split(",")), repeat=args.repeat, seed=args.seed,
                             time_limit_ms=args.time_limit_ms, plain=args.plain, cold=not args.no_cold)  # fmt: skip
    print("\n".join(format_batches(rows)))


if __name__ == "__main__":
    main()
