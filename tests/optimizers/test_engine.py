"""The OR-Tools engine on tiny cases, one per constraint family; every decision is validated solver-free."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta

import pytest

from optimizers.decision import (
    AllocationDecision,
    BindingConstraint,
    DecisionStatus,
    DegradedReason,
    Engine,
    ReasonCode,
    SolveStatus,
)
from optimizers.engine import decide
from optimizers.problem import (
    AllocationProblem,
    Customer,
    InboundSupply,
    Item,
    OrderLine,
    Protection,
    ShippingRoute,
    StockPosition,
    Substitute,
    TransferLane,
)
from optimizers.proof.validation import validate
from optimizers.solvers.budget import Budget
from tests.strategies import AS_OF, REGION, hand_problem

A, B = Item("A", 6.0, (Substitute("B", 1),)), Item("B", 7.0)
SHIP_1 = ShippingRoute("WH-1", REGION, 0.5, 1)
SHIP_2 = ShippingRoute("WH-2", REGION, 0.5, 1)


def solved(p: AllocationProblem) -> AllocationDecision:
    d = decide(p)
    report = validate(p, d)
    assert report.ok, report.errors
    return d


def reasons(d: AllocationDecision, line: int = 0) -> dict[tuple[str, str], ReasonCode]:
    expl = d.lines[line].explanation
    assert expl is not None
    return {(c.item, c.location + "/" + c.source): c.reason for c in expl.candidates}


def test_spec_semantics_status_horizon_and_counterfactual() -> None:
    stock = (StockPosition("A", "WH-1", 25), StockPosition("A", "WH-1", 5, "quality_hold"))
    inbound = (InboundSupply("A", "WH-1", 100, AS_OF + timedelta(days=60)),)
    p = hand_problem((OrderLine(1, "A", 40, 12.5, allow_substitution=False),), (A, B), stock=stock, inbound=inbound)
    d = solved(p)
    line = d.lines[0]
    assert (line.allocated_qty, line.backorder_qty, d.status) == (25, 15, DecisionStatus.PARTIAL)
    assert line.fills[0].unit_margin == pytest.approx(6.0)
    r = reasons(d)
    assert r[("A", "WH-1/stock")] in (ReasonCode.USED, ReasonCode.NOT_SELLABLE_STATUS)
    assert ReasonCode.BEYOND_HORIZON in r.values() and ReasonCode.SUBSTITUTION_NOT_ALLOWED in r.values()
    back = line.explanation.backorder  # type: ignore[union-attr]
    assert back is not None and back.binding == BindingConstraint.SUPPLY and back.qty == 15
    cf = back.counterfactual
    assert cf is not None and cf.verified and cf.on_time and (cf.item, cf.location, cf.qty) == ("A", "WH-1", 15)
    # The counterfactual really holds: with 15 more units there, the optimum fills the line on time.
    more = replace(p, stock=(*p.stock, StockPosition("A", "WH-1", 15)))
    assert solved(more).objective.on_time_units == d.objective.on_time_units + 15


def test_on_time_beats_units_beats_margin() -> None:
    shipping = (ShippingRoute("WH-1", REGION, 3.0, 1), ShippingRoute("WH-2", REGION, 0.0, 9))
    stock = (StockPosition("A", "WH-1", 5), StockPosition("A", "WH-2", 20))
    d = solved(hand_problem((OrderLine(1, "A", 10, 10.0),), (A, B), stock=stock, shipping=shipping))
    assert (d.objective.on_time_units, d.objective.units) == (5, 10)
    assert d.lines[0].explanation.candidates  # type: ignore[union-attr]


def test_substitute_used_only_when_allowed_and_by_rank() -> None:
    stock = (StockPosition("B", "WH-1", 10),)
    allowed = solved(hand_problem((OrderLine(1, "A", 4, 10.0),), (A, B), stock=stock))
    assert allowed.lines[0].fills[0].substitute and allowed.objective.units == 4
    barred = hand_problem((OrderLine(1, "A", 4, 10.0),), (A, B), stock=stock, customer=Customer("C-1", None, False))
    assert solved(barred).objective.units == 0


def test_protection_holds_stock_for_higher_tiers_only() -> None:
    stock, guard = (StockPosition("A", "WH-1", 10),), (Protection("A", "WH-1", 8, "gold"),)
    silver = hand_problem(
        (OrderLine(1, "A", 10, 9.0),), (A, B), stock=stock, protections=guard, customer=Customer("C-1", "silver")
    )
    gold = replace(silver, customers=(Customer("C-1", "gold"),))
    d = solved(silver)
    assert d.objective.units == 2 and solved(gold).objective.units == 10
    assert d.lines[0].explanation.backorder.binding == BindingConstraint.PROTECTION  # type: ignore[union-attr]


def test_lane_capacity_is_shared_and_reported() -> None:
    lane = (TransferLane("WH-2", "WH-1", 0.25, 1, 3),)
    stock = (StockPosition("A", "WH-2", 10),)
    d = solved(hand_problem((OrderLine(1, "A", 10, 9.0),), (A, B), stock=stock, lanes=lane))
    assert d.objective.units == 3 and d.lines[0].fills[0].via_lane is not None
    assert [b.kind for b in d.explanation.binding] == ["lane_capacity"]  # type: ignore[union-attr]
    assert d.lines[0].explanation.backorder.binding == BindingConstraint.LANE_CAPACITY  # type: ignore[union-attr]


def test_ship_complete_is_all_or_nothing() -> None:
    stock = (StockPosition("A", "WH-1", 7),)
    lines = (OrderLine(1, "A", 10, 9.0, ship_complete=True), OrderLine(2, "A", 5, 8.0))
    d = solved(hand_problem(lines, (A, B), stock=stock))
    assert [ln.allocated_qty for ln in d.lines] == [0, 5]
    assert d.lines[0].explanation.backorder.binding == BindingConstraint.SHIP_COMPLETE  # type: ignore[union-attr]
    # 7 units can never fill 10: the line is fixed empty before solving, so the relaxation is exact at once
    assert d.solver.engine == Engine.MIN_COST_FLOW  # no branch and bound, no LP: one exact flow
    assert d.solver.path == (Engine.MIN_COST_FLOW,) and d.solver.proven and d.solver.work == 1
    assert reasons(d)[("A", "WH-1/stock")] == ReasonCode.SHIP_COMPLETE


def one_line_two_warehouses_limit_one() -> AllocationProblem:
    """10 units wanted, 4 at WH-1 and 6 at WH-2, and the customer takes shipments from one location only."""
    stock = (StockPosition("A", "WH-1", 4), StockPosition("A", "WH-2", 6))
    customer = Customer("C-1", None, True, 1)
    return hand_problem(
        (OrderLine(1, "A", 10, 9.0),), (A, B), stock=stock, shipping=(SHIP_1, SHIP_2), customer=customer
    )


def test_shipment_limit_picks_the_better_location() -> None:
    p = one_line_two_warehouses_limit_one()
    d = solved(p)
    assert d.objective.units == 6 and {f.ship_from for f in d.lines[0].fills} == {"WH-2"}
    assert reasons(d)[("A", "WH-1/stock")] == ReasonCode.SHIPMENT_LIMIT


def test_a_ship_from_search_proven_in_time_never_computes_the_greedy_baseline(monkeypatch: pytest.MonkeyPatch) -> None:
    import optimizers.solvers.incumbent as inc

    def forbidden(cs):  # type: ignore[no-untyped-def]
        raise AssertionError("the greedy baseline was computed, though the search needed no fallback")

    monkeypatch.setattr(inc, "greedy_flow", forbidden)
    p = one_line_two_warehouses_limit_one()
    d = decide(p, time_limit_ms=60_000)
    assert d.solver.status == SolveStatus.OPTIMAL and d.solver.engine == Engine.SHIP_FROM_SEARCH and d.solver.proven
    assert Engine.GREEDY not in d.solver.path and d.objective.units == 6


def test_exhausted_supply_names_the_other_line() -> None:
    stock = (StockPosition("A", "WH-1", 5),)
    lines = (OrderLine(1, "A", 5, 20.0), OrderLine(2, "A", 5, 8.0))
    d = solved(hand_problem(lines, (A, B), stock=stock))
    assert [ln.allocated_qty for ln in d.lines] == [5, 0]
    cand = d.lines[1].explanation.candidates[0]  # type: ignore[union-attr]
    assert cand.reason == ReasonCode.EXHAUSTED_BY_OTHER_LINES and cand.lines == (1,)


def test_time_limit_gives_a_degraded_feasible_decision() -> None:
    stock = tuple(StockPosition("A", f"WH-{k}", 3) for k in (1, 2))
    p = hand_problem(
        (OrderLine(1, "A", 10, 9.0, ship_complete=True),),
        (A, B),
        stock=stock,
        shipping=(SHIP_1, SHIP_2),
        customer=Customer("C-1", None, True, 1),
    )
    d = decide(p, time_limit_ms=0)
    assert d.solver.degraded and d.solver.status != SolveStatus.OPTIMAL and not d.solver.proven
    assert d.solver.degraded_reason == DegradedReason.TIME_LIMIT and d.solver.detail
    assert validate(p, d).ok


def test_input_hash_ignores_list_order_and_decision_is_identical() -> None:
    stock = (StockPosition("A", "WH-1", 3), StockPosition("B", "WH-2", 9), StockPosition("A", "WH-2", 4))
    p = hand_problem(
        (OrderLine(1, "A", 6, 9.0), OrderLine(2, "B", 4, 9.5)), (A, B), stock=stock, shipping=(SHIP_1, SHIP_2)
    )
    q = replace(p, stock=stock[::-1], shipping=(SHIP_2, SHIP_1), order=replace(p.order, lines=p.order.lines[::-1]))
    d1, d2 = solved(p), solved(q)
    assert d1.input_hash == d2.input_hash and d1.input_hash.startswith("sha256:")
    assert {ln.line: ln.fills for ln in d1.lines} == {ln.line: ln.fills for ln in d2.lines}
    assert replace(p, as_of=AS_OF + timedelta(days=1)) != p
    assert decide(replace(p, as_of=AS_OF + timedelta(days=1))).input_hash != d1.input_hash


def test_ship_complete_lines_competing_for_supply_are_branched_exactly() -> None:
    stock = (StockPosition("A", "WH-1", 10),)
    lines = (OrderLine(1, "A", 6, 9.0, ship_complete=True), OrderLine(2, "A", 7, 9.0, ship_complete=True))
    d = solved(hand_problem(lines, (A, B), stock=stock))
    assert [ln.allocated_qty for ln in d.lines] == [0, 7]  # 7 units beat 6; the LP would have split 6 + 4
    assert d.solver.status == SolveStatus.OPTIMAL and d.solver.engine == Engine.BRANCH_AND_BOUND
    assert d.solver.path[0] in (Engine.MIN_COST_FLOW, Engine.LP_LEVELS) and d.solver.parts_unproven == 0


def test_time_limit_during_the_relaxation_never_returns_an_infeasible_flow(monkeypatch: pytest.MonkeyPatch) -> None:
    import optimizers.solvers.lexicographic as lex

    real = lex.relaxation

    def cut_short(*args, **kwargs):  # type: ignore[no-untyped-def]
        out = real(*args, **kwargs)  # the relaxation's flow, as if the clock ran out before its last level
        time.sleep(0.2)  # and it has: the deadline is past when the orchestrator looks again
        return replace(out, status=SolveStatus.FEASIBLE, degraded_reason=DegradedReason.TIME_LIMIT)

    monkeypatch.setattr(lex, "relaxation", cut_short)
    p = one_line_two_warehouses_limit_one()
    d = decide(p, time_limit_ms=100)  # the relaxation ships from both warehouses; the limit is one
    assert validate(p, d).ok and d.solver.degraded and len({f.ship_from for f in d.lines[0].fills}) <= 1
    assert d.solver.degraded_reason == DegradedReason.TIME_LIMIT


def test_branch_and_bound_out_of_time_still_offers_a_feasible_flow() -> None:
    from optimizers.candidates.build import build_candidates
    from optimizers.model.matrix import build_model
    from optimizers.solvers.incumbent import partial_lines, score
    from optimizers.solvers.levels import run_levels
    from optimizers.solvers.lexicographic import solve_lexicographic
    from optimizers.solvers.ship_complete_tree import ship_complete_branch_and_bound

    stock = (StockPosition("A", "WH-1", 10),)
    lines = tuple(OrderLine(k, "A", 4 + k, 9.0, ship_complete=True) for k in (1, 2, 3))
    cs = build_candidates(hand_problem(lines, (A, B), stock=stock))
    root = run_levels(build_model(cs, discrete=False), Budget(time.perf_counter() + 10)).x
    assert root is not None and partial_lines(cs, root)  # the LP splits the stock across lines
    done = ship_complete_branch_and_bound(cs, Budget(time.perf_counter() + 10), root)
    assert done is not None and done.proven and not partial_lines(cs, done.x)
    assert score(cs, done.x)[:2] == score(cs, solve_lexicographic(cs, 10_000).x)[:2] == (7, 7)  # type: ignore[arg-type]
    late = ship_complete_branch_and_bound(cs, Budget(time.perf_counter() - 1), root)
    assert late is not None and not late.proven and not partial_lines(cs, late.x)


def test_a_binding_shipment_limit_is_solved_exactly_by_ship_from_sets() -> None:
    from scenarios.generator import preset

    p = preset("medium", 1)  # 200 lines, 12 possible ship-from locations, at most 2 per order: 66 sets
    d = decide(replace(p, policy=replace(p.policy, time_limit_ms=30_000)))  # a loaded CI machine must not degrade
    assert validate(p, d).ok and d.solver.status == SolveStatus.OPTIMAL, d.solver
    assert d.solver.engine == Engine.SHIP_FROM_SEARCH and d.solver.proven and d.solver.degraded_reason is None
    assert 1 <= d.solver.ship_from_sets <= 10  # relaxations solved: the bounds spared the rest (3 of 66 when written)
    # The proven optimum: the Pyomo/HiGHS cross-check needed 220 s to prove the margin; SCIP did not in 10 s.
    assert (d.objective.on_time_units, d.objective.units, d.objective.margin) == (2646, 3297, 40762.82)


def test_parts_out_of_time_answer_with_their_search_not_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import optimizers.solvers.branch_and_bound as parts
    import optimizers.solvers.incumbent as inc

    real = parts.ship_complete_branch_and_bound

    def slow(cs, budget, root):  # type: ignore[no-untyped-def]
        out = real(cs, Budget(time.perf_counter() - 1), root)  # out of time at once: the root, partial lines emptied
        time.sleep(max(0.0, budget.seconds_left()) + 0.01)  # and the order's deadline is past too
        return out

    def forbidden(cs):  # type: ignore[no-untyped-def]
        raise AssertionError("the greedy baseline was computed after the time limit")

    monkeypatch.setattr(parts, "ship_complete_branch_and_bound", slow)
    monkeypatch.setattr(inc, "greedy_flow", forbidden)
    stock = (StockPosition("A", "WH-1", 10),)
    lines = tuple(OrderLine(k, "A", 4 + k, 9.0, ship_complete=True) for k in (1, 2, 3))
    p = hand_problem(lines, (A, B), stock=stock)
    d = decide(p, time_limit_ms=200)
    assert validate(p, d).ok and d.solver.status == SolveStatus.FEASIBLE and d.solver.degraded
    assert (
        d.solver.degraded_reason == DegradedReason.TIME_LIMIT and d.solver.parts_unproven == 1 and not d.solver.proven
    )
