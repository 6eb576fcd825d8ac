"""A local batch whose pool process stops (killed, out of memory), even before it read its start-up, never hangs
and completes: the scenarios that process had taken run again in a process of their own, and one that stops that
process too is reported failed with why. The pool's real processes are stopped here: by a ports factory each of
them calls as it starts (`execute._init`), or by spawning /bin/true for the first of them."""

from __future__ import annotations

import multiprocessing
import multiprocessing.util
import os
import pickle
from typing import Any

import pytest

from scenarios.batches import execute
from scenarios.batches.base import base_input
from scenarios.batches.execute import default_ports, run_local
from scenarios.batches.loader import parse_batch
from scenarios.batches.model import Batch


def _in_pool() -> bool:
    return multiprocessing.parent_process() is not None


MARK = "DS_TEST_FIRST_POOL_PROCESS"  # a file the first pool process makes as it stops


def first_stops_starting() -> Any:
    """Ports; the first pool process to start stops before it takes anything (killed as it started)."""
    if _in_pool():
        try:
            os.close(os.open(os.environ[MARK], os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return default_ports()
        os._exit(3)
    return default_ports()


def _stop(*args: Any, **kwargs: Any) -> Any:
    os._exit(3)


def stops_in_every_scenario() -> Any:
    """Ports; a pool process stops as soon as it runs a scenario (one that runs out of memory wherever it goes)."""
    if _in_pool():
        execute._solved = _stop  # type: ignore[assignment]
    return default_ports()


def _batch() -> Batch:
    gen = {"seed": 3, "lines": 900, "items": 80, "locations": 5, "ship_complete": 0.0, "limited": 0.0}
    return parse_batch({"batch": "stops", "base": {"generator": gen}, "settings": {"time_limit_ms": 20000},
                        "scenarios": [{"name": f"more {k}", "modifiers": [{"type": "demand", "percent": 5 * k}]}
                                      for k in range(1, 7)]})  # fmt: skip


def _answered(factory: Any) -> dict[int, dict[str, Any]]:
    batch = _batch()
    base = base_input(batch.base)
    assert len(pickle.dumps(base)) > 1 << 16  # more than a pipe's buffer: the start-up write that hung
    jobs = dict(enumerate(batch.all_scenarios()))
    return dict(run_local(base, jobs, batch.settings, 2, factory))


def _first_never_reads_its_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first pool process this process spawns is /bin/true: it exits at once, before reading the start-up
    data the pool writes into its pipe (a process killed as it started, or out of memory)."""
    real = multiprocessing.util.spawnv_passfds
    spawned = [0]

    def spawnv_passfds(path: Any, args: Any, passfds: Any) -> Any:
        if any("spawn_main" in str(a) for a in args):
            spawned[0] += 1
            if spawned[0] == 1:
                return real(b"/bin/true", ["/bin/true"], passfds)
        return real(path, args, passfds)

    monkeypatch.setattr(multiprocessing.util, "spawnv_passfds", spawnv_passfds)


def _objectives(out: dict[int, dict[str, Any]]) -> dict[int, Any]:
    return {k: o.get("objective") for k, o in out.items()}


@pytest.mark.timeout(120, method="thread")  # a hang fails the run, not waits forever
def test_a_pool_process_that_stops_starting_leaves_no_scenario_unanswered(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MARK, str(tmp_path / "stopped"))
    out = _answered(first_stops_starting)
    assert (tmp_path / "stopped").exists()  # it did stop
    assert sorted(out) == list(range(7))
    assert all(o["ok"] and o["status"] == "OPTIMAL" for o in out.values()), [o.get("error") for o in out.values()]
    assert _objectives(out) == _objectives(_answered(default_ports))  # as when nothing stops


@pytest.mark.timeout(120, method="thread")  # a hang fails the run, not waits forever
def test_a_scenario_that_stops_its_pool_process_is_reported_failed_and_the_rest_complete() -> None:
    out = _answered(stops_in_every_scenario)
    assert sorted(out) == list(range(7))
    failed = {k: o for k, o in out.items() if not o["ok"]}
    assert len(failed) == 1 and 0 not in failed, failed  # the baseline ran here; the pool's first one stopped it
    assert "worker process running this scenario stopped" in next(iter(failed.values()))["error"]
    assert all(o["status"] == "OPTIMAL" for k, o in out.items() if k not in failed)


@pytest.mark.timeout(120, method="thread")  # a hang fails the run, not waits forever
def test_a_pool_process_that_stops_before_reading_its_start_leaves_no_scenario_unanswered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The base written into the process's start-up pipe (more than its 64 KB) waited forever for a reader here.
    expected = _objectives(_answered(default_ports))
    _first_never_reads_its_start(monkeypatch)
    out = _answered(default_ports)
    assert all(o["ok"] and o["status"] == "OPTIMAL" for o in out.values()), [o.get("error") for o in out.values()]
    assert _objectives(out) == expected
