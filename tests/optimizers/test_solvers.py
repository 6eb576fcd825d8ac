"""Every solve path answers through the one `Solver` interface and reports itself; a path that does not apply
to an order says so with None, and the paths that solve the same order exactly agree on its optimum."""

from __future__ import annotations

import time

from optimizers.candidates.build import build_candidates
from optimizers.candidates.candidate_set import CandidateSet
from optimizers.decision import Engine, SolveStatus
from optimizers.problem import Customer, Item, OrderLine, ShippingRoute, StockPosition, TransferLane
from optimizers.solvers.branch_and_bound import BranchAndBound
from optimizers.solvers.budget import Budget
from optimizers.solvers.incumbent import score
from optimizers.solvers.lexicographic import Lexicographic
from optimizers.solvers.lp_levels import LpLevels
from optimizers.solvers.min_cost_flow import MinCostFlow
from optimizers.solvers.mip import Mip
from optimizers.solvers.outcome import SolveOutcome
from optimizers.solvers.ship_from_search import ShipFromSearch
from optimizers.solvers.solver import Solver
from tests.strategies import REGION, hand_problem

A = Item("A", 6.0)
SHIPPING = (ShippingRoute("WH-1", REGION, 0.5, 1), ShippingRoute("WH-2", REGION, 0.5, 1))


def candidates(lines: tuple[OrderLine, ...], stock: tuple[StockPosition, ...], **kw: object) -> CandidateSet:
    kw.setdefault("shipping", SHIPPING)
    return build_candidates(hand_problem(lines, (A,), stock=stock, **kw))  # type: ignore[arg-type]


def solved(solver: Solver, cs: CandidateSet) -> SolveOutcome:
    out = solver.solve(cs, Budget(time.perf_counter() + 60))
    assert out is not None and out.x is not None and out.status == SolveStatus.OPTIMAL and out.proven
    assert out.work > 0 and out.path and out.degraded_reason is None and out.detail is None
    return out


def test_the_relaxation_by_flow_and_by_lp_agree() -> None:
    stock = (StockPosition("A", "WH-1", 3), StockPosition("A", "WH-2", 5))
    cs = candidates((OrderLine(1, "A", 6, 9.0), OrderLine(2, "A", 4, 9.5)), stock)
    flow, lp = solved(MinCostFlow(), cs), solved(LpLevels(), cs)
    assert (flow.engine, flow.path, flow.work) == (Engine.MIN_COST_FLOW, (Engine.MIN_COST_FLOW,), 1)
    assert lp.engine == Engine.LP_LEVELS and lp.path == (Engine.LP_LEVELS,)
    assert score(cs, flow.x) == score(cs, lp.x)  # type: ignore[arg-type]


def test_ship_complete_by_branch_and_bound_and_by_the_mip_agree() -> None:
    stock = (StockPosition("A", "WH-1", 10),)
    cs = candidates(tuple(OrderLine(k, "A", 4 + k, 9.0, ship_complete=True) for k in (1, 2, 3)), stock)
    tree, mip = solved(BranchAndBound(), cs), solved(Mip(), cs)
    assert tree.engine == Engine.BRANCH_AND_BOUND and tree.parts == 1 and tree.parts_unproven == 0
    assert mip.engine == Engine.MIP and mip.path == (Engine.MIP,)
    assert score(cs, tree.x)[:3] == score(cs, mip.x)[:3] == (7, 7, 17_5000)  # type: ignore[arg-type]


def test_the_ship_from_search_is_given_its_set_solver() -> None:
    stock = (StockPosition("A", "WH-1", 4), StockPosition("A", "WH-2", 6))
    cs = candidates((OrderLine(1, "A", 10, 9.0),), stock, customer=Customer("C-1", None, True, 1))
    search = solved(ShipFromSearch(Lexicographic(whole_order=False)), cs)
    whole = solved(Lexicographic(), cs)
    assert search.engine == whole.engine == Engine.SHIP_FROM_SEARCH and search.ship_from_sets >= 1
    assert score(cs, search.x) == score(cs, whole.x) and score(cs, search.x)[1] == 6  # type: ignore[arg-type]


def test_a_path_that_does_not_apply_says_so() -> None:
    budget = Budget(time.perf_counter() + 60)
    lane = (TransferLane("WH-2", "WH-1", 0.1, 1, capacity=4),)
    only_wh1 = SHIPPING[:1]  # WH-2 ships only through the lane, so the lane's capacity could bind
    capped = candidates((OrderLine(1, "A", 9, 9.0),), (StockPosition("A", "WH-2", 9),), lanes=lane, shipping=only_wh1)
    assert MinCostFlow().solve(capped, budget) is None  # a lane that could bind: the LP's job
    unlimited = candidates((OrderLine(1, "A", 9, 9.0),), (StockPosition("A", "WH-2", 9),))
    assert ShipFromSearch(Lexicographic(whole_order=False)).solve(unlimited, budget) is None  # no limit to search
    assert budget.work == 0 and budget.trail == []  # neither ran
