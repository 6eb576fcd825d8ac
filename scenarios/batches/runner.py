"""A batch from its file to its results: the base read once, every modifier checked against it, each distinct
scenario run once on the chosen executor, then every scenario compared with the baseline."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from optimizers.problem import DEFAULT_TIERS
from scenarios.batches.base import base_input
from scenarios.batches.errors import BatchError
from scenarios.batches.execute import EXECUTORS, PortsFactory, default_ports, run_local, run_ray, with_limit
from scenarios.batches.model import Batch
from scenarios.batches.modifiers import apply, check
from scenarios.batches.results import scenario_entry

Progress = Callable[[int, int, str], None]  # (done, total, name of the scenario just finished)


@dataclass(frozen=True, slots=True)
class BatchResult:
    """`body`: the batch's results, identical run to run; `timings`: seconds, which are not."""

    body: dict[str, Any]
    timings: dict[str, Any] = field(default_factory=dict)


def _located(batch: Batch, err: BatchError) -> BatchError:
    path = err.field
    while path and path not in batch.lines:
        path = path.rsplit(".", 1)[0] if "." in path else ""  # always shorter: ends
    return BatchError(err.field, err.detail, batch.lines.get(path))


def prepare(batch: Batch, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """The batch's base book, read (or `base`, as a store resolved it), with every modifier checked against it
    (`BatchError` naming line and field)."""
    base = base_input(batch.base, batch.source_dir) if base is None else base
    for scenario in batch.all_scenarios():
        try:
            check(base, scenario.modifiers)
        except BatchError as err:
            raise _located(batch, err) from None
    return base


def _describe(batch: Batch, base: dict[str, Any]) -> dict[str, Any]:
    where = {batch.base.kind: batch.base.value} if batch.base.kind in ("generator", "file") else {}
    if batch.base.kind == "network_ref":
        where = {"network_ref": batch.base.value["id"]}
    orders = base.get("orders", [])
    return {"kind": batch.base.kind, **where, "as_of": base.get("as_of"),
            "tiers": [*(base.get("policy") or {}).get("tiers", DEFAULT_TIERS), "none"],
            "orders": len(orders), "lines": sum(len(o.get("lines", [])) for o in orders)}  # fmt: skip


def run_of(batch: Batch, base: dict[str, Any]) -> list[int]:
    """For each scenario, the first scenario whose run input is the same (the base with its modifiers and the
    batch's time limit): a sweep's 0% step, or a delay of items with no inbound, is the baseline's run again and
    is not run twice. Costs one pass over the modified book per scenario, not a solve."""
    firsts: dict[bytes, int] = {}
    out = []
    for k, scenario in enumerate(batch.all_scenarios()):
        data = apply(with_limit(base, batch.settings), scenario.modifiers)
        digest = hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).digest()
        out.append(firsts.setdefault(digest, k))
    return out


def run_batch(
    batch: Batch,
    *,
    workers: int = 1,
    executor: str = "local",
    address: str | None = None,
    ports_factory: PortsFactory = default_ports,
    progress: Progress | None = None,
    base: dict[str, Any] | None = None,
) -> BatchResult:
    """Run every scenario of `batch` and compare each with its baseline; `BatchError` for a batch that cannot
    run as written (before anything runs). Scenarios with the same modifiers are run once. `base`: the book
    `prepare` already read and checked."""
    if executor not in EXECUTORS:
        raise BatchError("executor", f"must be one of {', '.join(EXECUTORS)}")
    began = time.perf_counter()
    base = prepare(batch) if base is None else base
    scenarios = batch.all_scenarios()
    first = run_of(batch, base)
    jobs = {k: scenarios[k] for k in sorted(set(first))}
    read = time.perf_counter()
    outcomes: dict[int, dict[str, Any]] = {}
    if executor == "ray":
        stream = run_ray(base, jobs, batch.settings, workers, ports_factory, address)
    else:
        stream = run_local(base, jobs, batch.settings, workers, ports_factory)
    for index, outcome in stream:
        outcomes[index] = outcome
        if progress is not None:
            progress(len(outcomes), len(jobs), scenarios[index].name)
    solved = time.perf_counter()
    by_scenario = [outcomes[first[k]] for k in range(len(scenarios))]
    baseline = by_scenario[0]
    top = batch.settings.top_changes
    pairs = list(zip(scenarios, by_scenario, strict=True))
    entries = [scenario_entry(s, o, baseline if k else None, top) for k, (s, o) in enumerate(pairs)]
    body = {
        "batch": batch.name,
        "base": _describe(batch, base),
        "settings": {"time_limit_ms": batch.settings.time_limit_ms, "top_changes": top,
                     "validate": batch.settings.validate, "warm_start": batch.settings.warm_start},
        "sweep": None if batch.sweep is None else {"name": batch.sweep.name, "parameter": batch.sweep.parameter,
                                                   "values": list(batch.sweep.values)},
        "baseline": entries[0],
        "scenarios": entries[1:],
        "failed": [e["name"] for e in entries if e["state"] == "failed"],
    }  # fmt: skip
    timings = {"executor": executor, "workers": workers, "runs": len(jobs), "read_s": read - began,
               "solve_s": solved - read, "total_s": time.perf_counter() - began,
               "scenario_wall_ms": {s.name: o["wall_ms"] for s, o in pairs}}  # fmt: skip
    return BatchResult(body, timings)
