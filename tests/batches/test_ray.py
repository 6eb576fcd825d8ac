"""The same batch on a local Ray instance (started and shut down here) gives the local executor's results, and a
scenario that stops its Ray worker every time it runs is reported failed while the rest complete."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from scenarios.batches import BatchResult, execute, load_batch, run_batch
from scenarios.batches.base import base_input
from scenarios.batches.execute import default_ports, run_ray
from scenarios.batches.loader import parse_batch
from scenarios.batches.model import Scenario


@pytest.fixture
def local_ray() -> Iterator[None]:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


@pytest.mark.slow
def test_a_batch_on_ray_gives_the_local_executors_results(local_ray: None, small_text: str,
                                                         small_result: BatchResult) -> None:  # fmt: skip
    on_ray = run_batch(load_batch(small_text), executor="ray", workers=2)
    assert on_ray.body == small_result.body
    assert on_ray.timings["executor"] == "ray" and on_ray.timings["runs"] == small_result.timings["runs"]


def _in_ray_worker() -> bool:
    import ray

    return bool(ray._private.worker.global_worker.mode == ray._private.worker.WORKER_MODE)


def _stop_at_boom(base: Any, scenario: Scenario, *args: Any, **kwargs: Any) -> Any:
    if scenario.name == "boom":
        os._exit(3)  # as a worker killed, or out of memory, in this scenario
    return _REAL_SOLVED(base, scenario, *args, **kwargs)


_REAL_SOLVED = execute._solved


def boom_stops_its_worker() -> Any:
    """Ports; in a Ray worker, the scenario named `boom` stops the worker each time it runs."""
    if _in_ray_worker():
        execute._solved = _stop_at_boom  # type: ignore[assignment]
    return default_ports()


@pytest.mark.slow
def test_a_scenario_that_stops_its_ray_worker_is_reported_failed_and_the_rest_complete(local_ray: None) -> None:
    import ray

    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers need not import the tests
    gen = {"seed": 3, "lines": 200, "items": 30, "locations": 4, "ship_complete": 0.0, "limited": 0.0}
    batch = parse_batch({"batch": "stops", "base": {"generator": gen}, "settings": {"time_limit_ms": 20000},
                         "scenarios": [{"name": name, "modifiers": [{"type": "demand", "percent": k}]}
                                       for k, name in enumerate(["more", "boom", "most"], start=5)]})  # fmt: skip
    base = base_input(batch.base)
    out = dict(run_ray(base, dict(enumerate(batch.all_scenarios())), batch.settings, 2, boom_stops_its_worker))
    assert sorted(out) == [0, 1, 2, 3]
    assert not out[2]["ok"] and "WorkerCrashedError" in out[2]["error"], out[2]
    assert all(out[k]["ok"] and out[k]["status"] == "OPTIMAL" for k in (0, 1, 3)), {k: out[k].get("error") for k in out}
