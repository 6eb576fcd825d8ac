"""The local executor's sharing of scenarios between the calling process and its pool (`execute._Shared`): every
scenario is answered exactly once, both sides work, a pool process never waits for the caller to finish a
scenario of its own before it gets its next one, and a pool that breaks leaves the rest to the caller. A thread
pool stands in for the process pool (the sharing is the same; `test_runs` runs a real batch on two workers, and
`test_worker_stops` kills real pool processes)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import pytest

from scenarios.batches import execute
from scenarios.batches.model import Scenario


def _jobs(n: int) -> dict[int, Scenario]:
    return {k: Scenario(f"s{k:02d}") for k in range(1, n + 1)}


def _answered(pool_seconds: float, here_seconds: float, jobs: int, helpers: int,
              monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, dict[str, Any]]]:  # fmt: skip
    def pooled(scenario: Scenario, bases_file: str | None) -> dict[str, Any]:
        time.sleep(pool_seconds)
        return {"name": scenario.name, "by": "pool", "thread": threading.get_ident()}

    def here(scenario: Scenario) -> dict[str, Any]:
        time.sleep(here_seconds)
        return {"name": scenario.name, "by": "here", "thread": threading.get_ident()}

    monkeypatch.setattr(execute, "_pooled", pooled)
    with ThreadPoolExecutor(helpers) as pool:
        return list(execute._Shared(pool, helpers, _jobs(jobs), None).run(here))  # type: ignore[arg-type]


def test_every_scenario_is_answered_once_by_the_caller_or_the_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _answered(0.02, 0.02, 12, 2, monkeypatch)
    assert sorted(index for index, _ in out) == list(range(1, 13))
    assert all(outcome["name"] == f"s{index:02d}" for index, outcome in out)
    assert {outcome["by"] for _, outcome in out} == {"pool", "here"}


def test_the_pool_takes_its_next_scenario_while_the_caller_is_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    # The caller takes 0.4 s a scenario, the pool 0.01 s: the pool finishes nearly all of them during the
    # caller's first one. Were the pool fed only when the caller came back, the two would alternate.
    out = _answered(0.01, 0.4, 20, 1, monkeypatch)
    here = [index for index, outcome in out if outcome["by"] == "here"]
    assert len(here) <= 2, here
    assert sorted(index for index, _ in out) == list(range(1, 21))


def test_a_caller_that_stops_listening_leaves_nothing_running(monkeypatch: pytest.MonkeyPatch) -> None:
    def pooled(scenario: Scenario, bases_file: str | None) -> dict[str, Any]:
        time.sleep(0.01)
        return {"name": scenario.name}

    monkeypatch.setattr(execute, "_pooled", pooled)
    with ThreadPoolExecutor(1) as pool:
        shared = execute._Shared(pool, 1, _jobs(30), None)  # type: ignore[arg-type]
        stream = shared.run(lambda scenario: {"name": scenario.name})
        next(stream)
        stream.close()
        assert shared.closed
    assert len(shared.todo) > 0  # what was not taken stays untaken: no callback submitted more after the close


class _Breaking(ThreadPoolExecutor):
    """A pool that breaks at its third scenario, as a process pool does when a process dies."""

    def __init__(self) -> None:
        super().__init__(1)
        self.calls = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls >= 3:
            raise RuntimeError("the pool broke")
        return super().submit(fn, *args, **kwargs)


def test_a_pool_that_breaks_leaves_the_rest_to_the_caller_instead_of_hanging(monkeypatch: pytest.MonkeyPatch) -> None:
    def pooled(scenario: Scenario, bases_file: str | None) -> dict[str, Any]:
        time.sleep(0.01)
        return {"name": scenario.name, "by": "pool"}

    monkeypatch.setattr(execute, "_pooled", pooled)
    answered: list[tuple[int, dict[str, Any]]] = []

    def here(scenario: Scenario) -> dict[str, Any]:
        time.sleep(0.05)
        return {"name": scenario.name, "by": "here"}

    def listen() -> None:
        with _Breaking() as pool:
            answered.extend(execute._Shared(pool, 1, _jobs(10), None).run(here))  # type: ignore[arg-type]

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    listener.join(10)
    assert not listener.is_alive(), "the caller is still waiting for a scenario the broken pool never took"
    assert sorted(index for index, _ in answered) == list(range(1, 11))  # the one the pool refused ran here
    assert all(outcome["name"] == f"s{index:02d}" for index, outcome in answered)
    assert [o["by"] for _, o in answered].count("pool") == 2  # the pool broke at its third


def test_a_scenario_whose_pool_process_stopped_is_reported_failed() -> None:
    stopped: Future[dict[str, Any]] = Future()
    stopped.set_exception(BrokenProcessPool("a process in the process pool was terminated abruptly"))
    outcome = execute._answer(stopped)
    assert outcome["ok"] is False and "worker process running this scenario stopped" in outcome["error"]
