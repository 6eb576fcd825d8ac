"""Rules evaluation benchmark: us per evaluation (explanation on) for a 20-row and a 3,000-row table.

Tables and inputs are generated from a fixed seed, so runs compare like with like. Each evaluation is timed
on its own (median and p99); rows/s is table rows decided per second at the median rate. The cost of
expanding an explanation to JSON (done only when someone reads it) is reported separately.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from rules.compiled import CompiledTable, compile_table
from rules.evaluate import evaluate_compiled
from rules.explain import explanation_to_dict
from rules.model import DecisionTable, HitPolicy, InputColumn, OutputColumn, Rule

TIERS = ("strategic", "gold", "silver", "standard", "none")
REGIONS = tuple(f"r{i:02d}" for i in range(40))


def _cells(rng: random.Random, wide: bool) -> tuple[str, ...]:
    """One row: an interval on a ratio, a day range, a tier list and a region list (some left as '-')."""
    lo = round(rng.uniform(0, 2), 2)
    ratio = f"[{lo}..{round(lo + rng.uniform(0.05, 0.6 if wide else 0.2), 2)})"
    day = rng.randrange(0, 360)
    days = f"[{day}..{day + rng.randrange(5, 120 if wide else 30)}]"
    tiers = ", ".join(f'"{t}"' for t in rng.sample(TIERS, rng.randrange(1, 4)))
    regions = ", ".join(f'"{r}"' for r in rng.sample(REGIONS, rng.randrange(1, 6)))
    cells = [ratio, days, tiers, regions]
    for c in rng.sample(range(4), rng.randrange(0, 2)):
        cells[c] = "-"
    return tuple(cells)


def synthetic_table(rows: int, seed: int = 7) -> DecisionTable:
    """A FIRST-policy table of the given size with four typed inputs and a catch-all last row."""
    rng = random.Random(seed)
    rules = [
        Rule(f"R{i + 1}", _cells(rng, rows <= 50), (rng.choice(("release", "review", "hold")), f"reason {i + 1}"))
        for i in range(rows - 1)
    ]
    rules.append(Rule(f"R{rows}", ("-", "-", "-", "-"), ("release", "default")))
    return DecisionTable(
        key=f"synthetic-{rows}",
        hit_policy=HitPolicy.FIRST,
        inputs=(
            InputColumn("exposure_ratio", "number", ">= 0"),
            InputColumn("days_overdue", "integer", "[0..3650]"),
            InputColumn("tier", "string", ", ".join(f'"{t}"' for t in TIERS)),
            InputColumn("region", "string", ", ".join(f'"{r}"' for r in REGIONS)),
        ),
        outputs=(OutputColumn("action", "string", ("hold", "review", "release")), OutputColumn("reason", "string")),
        rules=tuple(rules),
    )


def synthetic_inputs(count: int, seed: int = 11) -> list[dict[str, Any]]:
    """Inputs spread over the synthetic tables' domains."""
    rng = random.Random(seed)
    return [
        {
            "exposure_ratio": round(rng.uniform(0, 2.5), 3),
            "days_overdue": rng.randrange(0, 400),
            "tier": rng.choice(TIERS),
            "region": rng.choice(REGIONS),
        }
        for _ in range(count)
    ]


def _time(compiled: CompiledTable, inputs: list[dict[str, Any]], repeat: int) -> list[float]:
    samples = []
    clock = time.perf_counter_ns
    for _ in range(repeat):
        for item in inputs:
            start = clock()
            evaluate_compiled(compiled, item)
            samples.append((clock() - start) / 1000)
    return samples


ROUNDS = 5  # each table is timed in this many slices, alternating with the other's


def bench_tables(sizes: tuple[int, ...], evaluations: int = 20_000) -> list[dict[str, float]]:
    """Median and p99 us/eval, evaluations/s and rows/s for each synthetic table size.

    The tables are timed in alternating slices, so a burst of load on a shared machine falls on every size
    alike and on a fraction of each one's samples, instead of on whichever table was running.
    """
    compiled = [compile_table(synthetic_table(rows)) for rows in sizes]
    inputs = synthetic_inputs(1000)
    for table in compiled:
        _time(table, inputs, 1)  # warm-up
    samples: list[list[float]] = [[] for _ in sizes]
    for _ in range(ROUNDS):
        for table, pooled in zip(compiled, samples, strict=True):
            pooled.extend(_time(table, inputs, max(1, evaluations // len(inputs) // ROUNDS)))
    measured = zip(sizes, compiled, samples, strict=True)
    return [_summary(rows, table, sorted(pooled), inputs) for rows, table, pooled in measured]


def _summary(
    rows: int, compiled: CompiledTable, samples: list[float], inputs: list[dict[str, Any]]
) -> dict[str, float]:
    median = statistics.median(samples)
    explain = sorted(_timed_explain(compiled, item) for item in inputs[:200])
    return {
        "rows": rows,
        "inputs": 4,
        "us_per_eval_median": round(median, 2),
        "us_per_eval_p99": round(samples[int(len(samples) * 0.99) - 1], 2),
        "evals_per_s": round(1e6 / median),
        "rows_per_s": round(rows * 1e6 / median),
        "us_explanation_to_json_median": round(statistics.median(explain), 2),
    }


def _timed_explain(compiled: CompiledTable, item: dict[str, Any]) -> float:
    explanation = evaluate_compiled(compiled, item).explanation
    start = time.perf_counter_ns()
    explanation_to_dict(explanation)
    return (time.perf_counter_ns() - start) / 1000


def run_rules_bench() -> dict[str, Any]:
    """Benchmark both sizes with explanation on; targets are <= 10 us (20 rows) and <= 100 us (3,000 rows)."""
    small, large = bench_tables((20, 3000))
    return {
        "rules_20_rows": small,
        "rules_3000_rows": large,
        "targets_met": small["us_per_eval_median"] <= 10 and large["us_per_eval_median"] <= 100,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run_rules_bench(), indent=2))
