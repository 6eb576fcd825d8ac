"""A work limit stops the search after a fixed amount of work: the same input and limit give the same decision,
fill for fill, on a fast machine or a slow one, and a generous limit changes nothing."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from optimizers.candidates.build import build_candidates
from optimizers.decision import AllocationDecision, DegradedReason, Engine, SolveStatus
from optimizers.engine import decide
from optimizers.model.matrix import build_model
from optimizers.problem import AllocationProblem, Item, OrderLine, ShippingRoute, StockPosition
from optimizers.proof.validation import validate
from optimizers.solvers import levels
from optimizers.solvers.budget import Budget
from optimizers.solvers.outcome import SolveOutcome
from scenarios.generator import generate, preset
from tests.strategies import REGION, hand_problem


def limited(p: AllocationProblem, work_limit: int | None) -> AllocationProblem:
    """The problem with a work limit and wall time to spare: only the work limit can run out."""
    return replace(p, policy=replace(p.policy, time_limit_ms=60_000, work_limit=work_limit))


def fills(d: AllocationDecision) -> list[object]:
    return [(ln.line, ln.fills) for ln in d.lines]


def cut_short(p: AllocationProblem, d: AllocationDecision) -> None:
    """The decision a spent work limit gives: feasible, valid, not proven, and saying why."""
    assert validate(p, d).ok and d.solver.status == SolveStatus.FEASIBLE and d.solver.degraded
    assert d.solver.degraded_reason == DegradedReason.WORK_LIMIT and not d.solver.proven and d.solver.detail


def slower(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every LP or MIP solve takes 5 ms longer, as on a slower machine."""
    real = levels.LevelSolver.solve

    def slow(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.005)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(levels.LevelSolver, "solve", slow)


def test_a_ship_from_search_cut_short_by_work_is_reproduced_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    p = limited(preset("medium", 1), 10)  # a shipment limit of 2 of 12 locations: the search needs 35 units
    first = decide(p)
    slower(monkeypatch)
    again = decide(p)
    cut_short(p, first)
    assert fills(first) == fills(again) and first.objective == again.objective
    assert first.solver.work == again.solver.work and first.solver.path == again.solver.path
    assert Engine.SHIP_FROM_SEARCH in first.solver.path and Engine.GREEDY in first.solver.path  # never by the clock


def test_branch_and_bound_cut_short_by_work_is_reproduced_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    stock = (StockPosition("A", "WH-1", 10),)
    lines = tuple(OrderLine(k, "A", 4 + k, 9.0, ship_complete=True) for k in (1, 2, 3))
    p = limited(hand_problem(lines, (Item("A", 6.0),), stock=stock), 5)  # proving the optimum takes 34 units
    first = decide(p)
    slower(monkeypatch)
    again = decide(p)
    cut_short(p, first)
    assert fills(first) == fills(again) and first.solver.engine == Engine.BRANCH_AND_BOUND
    assert first.solver.parts_unproven == again.solver.parts_unproven == 1


def test_a_part_only_scip_can_finish_is_cut_short_deterministically() -> None:
    p = generate(18, 21, 3, lanes=6)  # the relaxation is fractional on a part that only SCIP can finish
    free = decide(limited(p, None))
    assert free.solver.proven and Engine.MIP in free.solver.path
    q = limited(p, free.solver.work - 1)
    first, again = decide(q), decide(q)
    cut_short(q, first)
    assert fills(first) == fills(again) and Engine.MIP in first.solver.path
    assert first.solver.work <= free.solver.work - 1


def test_scip_gets_the_work_left_as_its_node_limit() -> None:
    qty = (23, 87, 48, 76, 83, 90, 49, 64, 49, 48, 78, 57, 22, 73)  # ship complete from 604 units: a subset sum
    lines = tuple(OrderLine(k, "A", q, 9.0 + (k % 3) * 0.37, ship_complete=True) for k, q in enumerate(qty, 1))
    stock = (StockPosition("A", "WH-1", 333), StockPosition("A", "WH-2", 271))
    shipping = (ShippingRoute("WH-1", REGION, 0.5, 1), ShippingRoute("WH-2", REGION, 0.9, 3))
    cs = build_candidates(hand_problem(lines, (Item("A", 6.0),), stock=stock, shipping=shipping))

    def mip(work_limit: int | None) -> tuple[SolveOutcome, int]:
        budget = Budget(time.perf_counter() + 60, work_limit)
        return levels.LevelSolver(build_model(cs, discrete=True)).solve(budget), budget.work

    (free, free_work), (first, work), (again, _) = mip(None), mip(5), mip(5)
    assert free.status == SolveStatus.OPTIMAL and free_work > 10  # SCIP's nodes over the four levels
    assert work <= 5 and first.status != SolveStatus.OPTIMAL and first.degraded_reason == DegradedReason.WORK_LIMIT
    assert (first.x is None and again.x is None) or (first.x == again.x).all()  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["medium", "hand"])
def test_a_generous_work_limit_changes_nothing(name: str) -> None:
    stock = (StockPosition("A", "WH-1", 10),)
    lines = tuple(OrderLine(k, "A", 4 + k, 9.0, ship_complete=True) for k in (1, 2, 3))
    p = preset("medium", 1) if name == "medium" else hand_problem(lines, (Item("A", 6.0),), stock=stock)
    free, bounded = decide(limited(p, None)), decide(limited(p, 100_000))
    assert fills(free) == fills(bounded) and free.objective == bounded.objective
    assert bounded.solver.proven and bounded.solver.degraded_reason is None and not bounded.solver.degraded
    assert bounded.solver.work == free.solver.work > 0 and bounded.solver.path == free.solver.path


def test_wall_time_running_out_first_is_named_as_such() -> None:
    p = preset("medium", 1)
    d = decide(replace(p, policy=replace(p.policy, time_limit_ms=0, work_limit=10_000)))
    assert validate(p, d).ok and d.solver.degraded and d.solver.degraded_reason == DegradedReason.TIME_LIMIT
    assert not d.solver.proven
