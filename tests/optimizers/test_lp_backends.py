"""Both ways of driving GLOP give the same decisions, and a restored solver keeps what the model fixed."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from optimizers.candidates.build import build_candidates
from optimizers.engine import decide
from optimizers.model import backends as lp_backends
from optimizers.model.matrix import build_model
from optimizers.problem import AllocationProblem, Item, OrderLine, ShippingRoute, StockPosition
from optimizers.solvers.budget import Budget
from optimizers.solvers.incumbent import score
from optimizers.solvers.levels import LevelSolver
from tests.strategies import REGION, hand_problem, problems


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_cold_model_builder_and_warm_pywraplp_solves_agree(p: AllocationProblem) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(lp_backends, "COLD_UP_TO_ARCS", 10**9)
        cold = decide(p)
        mp.setattr(lp_backends, "COLD_UP_TO_ARCS", -1)
        warm = decide(p)
    assert cold.objective == warm.objective
    assert cold.solver.status == warm.solver.status


@pytest.mark.parametrize("cold_up_to", [10**9, -1])
def test_restore_keeps_arcs_the_model_fixed(monkeypatch: pytest.MonkeyPatch, cold_up_to: int) -> None:
    monkeypatch.setattr(lp_backends, "COLD_UP_TO_ARCS", cold_up_to)
    stock = (StockPosition("A", "WH-1", 3),)
    lines = (OrderLine(1, "A", 5, 9.0, ship_complete=True), OrderLine(2, "A", 2, 9.0))  # line 1 can never be full
    cs = build_candidates(hand_problem(lines, (Item("A", 6.0),), stock=stock))
    m = build_model(cs, discrete=False)
    assert m.fixed.tolist() == [True, False]
    lp = LevelSolver(m)
    lp.set_ub_zero(np.arange(len(cs.arcs)))  # a branch that empties everything, then undone
    lp.restore()
    x = lp.solve(Budget(time.perf_counter() + 10)).x
    assert x is not None and x.tolist() == [0, 2]  # the hopeless line still gets nothing


@pytest.mark.parametrize("cold_up_to", [10**9, -1])
def test_a_level_glop_gives_up_on_is_solved_afresh(monkeypatch: pytest.MonkeyPatch, cold_up_to: int) -> None:
    monkeypatch.setattr(lp_backends, "COLD_UP_TO_ARCS", cold_up_to)
    stock = (StockPosition("A", "WH-1", 3), StockPosition("A", "WH-2", 4))
    lines = (OrderLine(1, "A", 5, 9.0), OrderLine(2, "A", 4, 9.5))
    shipping = (ShippingRoute("WH-1", REGION, 0.5, 1), ShippingRoute("WH-2", REGION, 0.7, 2))
    cs = build_candidates(hand_problem(lines, (Item("A", 6.0),), stock=stock, shipping=shipping))
    want = LevelSolver(build_model(cs, discrete=False)).solve(Budget(time.perf_counter() + 10))
    lp = LevelSolver(build_model(cs, discrete=False))
    real, calls = lp.backend.solve, []

    def abnormal_at_level_3(seconds: float) -> lp_backends.Answer:
        calls.append(seconds)
        if len(calls) == 2:  # the margin level: GLOP gives up, as it sometimes does on warm re-solves
            return lp_backends.Answer(lp_backends.FAILED, 4, None, None, None)
        return real(seconds)

    monkeypatch.setattr(lp.backend, "solve", abnormal_at_level_3)
    got = lp.solve(Budget(time.perf_counter() + 10))
    assert len(calls) == 2 and isinstance(lp.backend, lp_backends.BuilderSolver)  # the rest went afresh
    assert got.status == want.status and all(lv.optimal for lv in got.levels)
    assert got.x is not None and want.x is not None and score(cs, got.x) == score(cs, want.x)
