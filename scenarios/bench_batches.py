"""Scenario-batch bench: `python -m scenarios.bench_batches [--lines 20000] [--scenarios 50] [--workers 1,2]
[--executors local,ray] [--repeat 3]`.

Builds a batch over a generated book (`scenarios.orderbook`) whose scenarios cycle through the modifier kinds,
runs it on each executor with each worker count, and prints one line per (executor, workers):

    batches lines=L scenarios=S runs=R executor=E workers=W median_s=T per_run_s=T/R speedup=T1/T identical=yes

`speedup` is against the same executor's first worker count; `identical` says the results equal the first
measurement's (they must). The issue's target is 50 scenarios over 20,000 lines in <= 60 s on the local executor.
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
from scenarios.batches.runner import run_batch


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


def make_batch(lines: int, scenarios: int, seed: int, time_limit_ms: int) -> Batch:
    """A batch of `scenarios` over a generated book of about `lines` lines."""
    items, locations = max(12, lines // 20), min(20, max(4, lines // 500))
    gen = {"seed": seed, "lines": lines, "items": items, "locations": locations}
    base = base_input(parse_batch({"base": {"generator": gen}, "scenarios": [{"name": "x"}]}).base)
    doc = {"batch": f"bench {lines} lines", "base": {"generator": gen},
           "settings": {"time_limit_ms": time_limit_ms, "validate": False},
           "scenarios": [{"name": f"s{k:03d}", "modifiers": modifiers(base, k)} for k in range(scenarios)]}  # fmt: skip
    return parse_batch(doc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--scenarios", type=int, default=50)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--executors", default="local,ray")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit-ms", type=int, default=60_000, help="per scenario run")
    args = parser.parse_args()
    batch = make_batch(args.lines, args.scenarios, args.seed, args.time_limit_ms)
    reference = None
    for executor in args.executors.split(","):
        first = None
        for workers in (int(w) for w in args.workers.split(",")):
            walls, result = [], None
            for _ in range(args.repeat):
                began = time.perf_counter()
                result = run_batch(batch, workers=workers, executor=executor)
                walls.append(time.perf_counter() - began)
                if executor == "ray":
                    import ray

                    ray.shutdown()  # the next worker count starts its own local instance
            assert result is not None
            reference = reference or result.body
            median = statistics.median(walls)
            first = first or median
            runs = result.timings["runs"]
            print(f"batches lines={result.body['base']['lines']} scenarios={args.scenarios} runs={runs} "
                  f"executor={executor} workers={workers} median_s={median:.2f} per_run_s={median / runs:.2f} "
                  f"speedup={first / median:.2f} identical={'yes' if result.body == reference else 'NO'}",
                  flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
