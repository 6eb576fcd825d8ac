"""The min-cost flow relaxation equals the LP relaxation at every level, and steps aside when it must."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings

from optimizers.candidates.build import build_candidates
from optimizers.decision import Engine
from optimizers.engine import canonical_order, decide
from optimizers.model.matrix import build_model
from optimizers.problem import AllocationProblem, Item, OrderLine, ShippingRoute, StockPosition, TransferLane
from optimizers.proof.validation import validate
from optimizers.solvers.budget import Budget
from optimizers.solvers.incumbent import score
from optimizers.solvers.levels import run_levels
from optimizers.solvers.min_cost_flow import flow_relaxation
from tests.strategies import REGION, hand_problem, problems

SHIP_BOTH = (ShippingRoute("WH-1", REGION, 0.5, 1), ShippingRoute("WH-2", REGION, 0.5, 1))


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_min_cost_flow_reaches_the_lp_optimum_at_every_level(p: AllocationProblem) -> None:
    cs = build_candidates(canonical_order(p))
    flow = flow_relaxation(cs, Budget(time.perf_counter() + 60))
    assume(flow is not None)  # otherwise a lane could bind, or nothing to allocate: the LP's case
    lp = run_levels(build_model(cs, discrete=False), Budget(time.perf_counter() + 60))
    assert flow.x is not None and lp.x is not None
    assert score(cs, flow.x) == score(cs, lp.x)
    a = cs.arcs
    assert (np.bincount(a.node, flow.x, len(cs.nodes)) <= cs.node_qty).all()
    assert (np.bincount(a.line, flow.x, len(cs.line_qty)) <= cs.line_qty).all()


def test_a_lane_that_could_bind_leaves_the_relaxation_to_the_lp() -> None:
    stock = (StockPosition("A", "WH-2", 9),)
    lanes = (TransferLane("WH-2", "WH-1", 0.1, 1, capacity=4),)
    p = hand_problem((OrderLine(1, "A", 9, 9.0),), (Item("A", 6.0),), stock=stock, lanes=lanes)
    cs = build_candidates(p)
    assert flow_relaxation(cs, Budget(time.perf_counter() + 60)) is None
    assert decide(p).solver.engine == Engine.LP_LEVELS


def test_weights_too_large_for_64_bits_leave_the_relaxation_to_the_lp_and_the_margin_stays_exact() -> None:
    stock = tuple(StockPosition("A", loc, 10**8) for loc in ("WH-1", "WH-2"))
    lines = tuple(OrderLine(k, "A", 10**8, 99_999_999.0) for k in (1, 2))
    p = hand_problem(lines, (Item("A", 0.5),), stock=stock, shipping=SHIP_BOTH)
    cs = build_candidates(p)
    assert flow_relaxation(cs, Budget(time.perf_counter() + 60)) is None
    d = decide(p)
    assert d.solver.engine == Engine.LP_LEVELS and validate(p, d).ok and d.objective.units == 2 * 10**8


def test_a_small_order_without_binding_lanes_is_solved_by_min_cost_flow() -> None:
    stock = (StockPosition("A", "WH-1", 3), StockPosition("A", "WH-2", 5))
    lines = (OrderLine(1, "A", 6, 9.0), OrderLine(2, "A", 4, 9.5))
    p = hand_problem(lines, (Item("A", 6.0),), stock=stock, shipping=SHIP_BOTH)
    d = decide(p)
    assert d.solver.engine == Engine.MIN_COST_FLOW and validate(p, d).ok
    assert (d.objective.units, [ln.allocated_qty for ln in d.lines]) == (8, [4, 4])  # line 2 pays more
