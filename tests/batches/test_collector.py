"""A scenario's run pauses Python's cyclic garbage collector and collects once after (`execute.collected_after`),
failing or not, the cycles the run left included; a caller that had it off keeps it off."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import pytest

from decision_service.runs import service
from scenarios.batches import execute, load_batch
from scenarios.batches.base import base_input
from scenarios.batches.execute import default_ports, solve_scenario
from scenarios.batches.model import Scenario
from tests.batches.conftest import SMALL


@pytest.fixture(scope="module")
def small() -> tuple[dict[str, Any], Any]:
    batch = load_batch(SMALL)
    return base_input(batch.base), batch.settings


def _spied(monkeypatch: pytest.MonkeyPatch, fail: bool = False) -> list[bool]:
    """Whether the collector was on when the run was solved; `fail`: the run raises there."""
    seen: list[bool] = []
    real = service.solve_run

    def solve_run(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        if fail:
            raise RuntimeError("boom")
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "solve_run", solve_run)
    return seen


def test_the_collector_is_paused_for_the_run_and_collects_once_after(
    small: tuple[dict[str, Any], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, settings = small
    seen = _spied(monkeypatch)
    collections: list[int] = []

    def heard(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    ports = default_ports()
    assert gc.isenabled()
    gc.callbacks.append(heard)
    try:
        outcome = solve_scenario(base, Scenario("baseline"), settings, ports)
    finally:
        gc.callbacks.remove(heard)
    assert outcome["ok"], outcome["error"]
    assert seen == [False]
    assert gc.isenabled()
    assert collections == [0]  # none during the run, one of the youngest generation after it


def test_a_failing_run_leaves_the_collector_on(
    small: tuple[dict[str, Any], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, settings = small
    seen = _spied(monkeypatch, fail=True)
    outcome = solve_scenario(base, Scenario("baseline"), settings, default_ports())
    assert not outcome["ok"] and "boom" in outcome["error"]
    assert seen == [False] and gc.isenabled()


def test_a_caller_with_the_collector_off_keeps_it_off() -> None:
    gc.disable()
    try:
        with execute.collected_after():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_a_cycle_made_during_the_run_is_collected_after_it() -> None:
    with execute.collected_after():
        a, b = _Node(), _Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        del a, b
        assert gone() is not None  # the collector is paused: reference counts alone cannot free a cycle
    assert gone() is None
