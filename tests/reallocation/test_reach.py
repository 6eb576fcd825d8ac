"""Eligibility settled on the residual graph (`optimizers.reallocation.reach`) is exactly what the solve would
find: runs with the graph and without it give the same eligible lines and the same value at every level, on the
small hypothesis books and on generator books; and each line it settles is checked by an LP of its own (the most
units the line gets on the face: at least one for a line it shows served, none for one it shows unserved)."""

from __future__ import annotations

import highspy
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import optimizers.reallocation.reach as reach_module
from optimizers.reallocation import ReallocationProblem
from optimizers.reallocation.bounds import HighsRefused
from optimizers.reallocation.lexicographic import BatchSolver
from optimizers.reallocation.model import LANE
from optimizers.reallocation.problem import RunOrder, Strategy
from optimizers.reallocation.result import ReallocationRun
from optimizers.solvers.highs import quiet_highs
from scenarios.orderbook import order_book
from tests.reallocation.helpers import allocated, batch_solver, network, order, problem, segment, solved
from tests.reallocation.strategies import order_books

_settled = reach_module.settled


def _eligible(answer: ReallocationRun) -> set[tuple[str, int]]:
    return {(o.id, ln.line) for o in answer.orders for ln in o.lines if ln.eligible}


def _most(s: BatchSolver, p: int) -> float:
    """The most units line p gets on the batch's current face (every level held so far), by an LP on a copy of
    the batch's model."""
    h = quiet_highs()
    h.passModel(s.m.h.getLp())
    n = h.getNumCol()
    cost = np.zeros(n)
    cost[s.cols_of(p)] = 1.0
    h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return float(h.getInfo().objective_function_value)


def _same_both_ways(problem: ReallocationProblem, check: bool = False) -> tuple[int, int]:
    """Solve with and without the graph: the lines it showed served, and unserved. `check`: solve each of them
    for its most units on the face too."""
    counts = [0, 0]

    def counted(s: BatchSolver, lines: list[int]) -> tuple[list[int], list[int]]:
        served, unserved = _settled(s, lines)
        counts[0] += len(served)
        counts[1] += len(unserved)
        if check:
            assert all(_most(s, p) >= 1 - 1e-6 for p in served)
            assert all(_most(s, p) <= 1e-6 for p in unserved)
        return served, unserved

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reach_module, "settled", counted)
        fast = solved(problem, verify_share=0.0)
        patch.setattr(reach_module, "settled", lambda *args: ([], []))
        slow = solved(problem, verify_share=0.0)
    assert _eligible(fast) == _eligible(slow)
    assert [(o.level, o.value, o.proven) for o in fast.objective] == [
        (o.level, pytest.approx(o.value), o.proven) for o in slow.objective
    ]
    return counts[0], counts[1]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order_books())
def test_the_graph_settles_lines_as_the_solve_would(problem: ReallocationProblem) -> None:
    _same_both_ways(problem, check=True)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 10**6), st.integers(40, 160), st.booleans())
def test_the_graph_settles_lines_as_the_solve_would_on_generated_books(seed: int, lines: int, plain: bool) -> None:
    share = {"ship_complete": 0.0, "limited": 0.0} if plain else {}
    _same_both_ways(order_book(seed, lines, 10, 5, **share), check=True)


def test_the_graph_settles_lines_on_generated_books() -> None:
    """Not vacuous: on these books it settles lines both ways that LP rounds would otherwise have had to. Which
    lines are left for it depends on the vertex each level's LP ends at, so the books are counted together."""
    counts = [_same_both_ways(order_book(seed, 400, 60, 6, ship_complete=0.0, limited=0.0), check=True)
              for seed in (1, 5, 6, 7, 8)]  # fmt: skip
    assert sum(c[0] for c in counts) > 0 and sum(c[1] for c in counts) > 0


def test_a_gain_line_at_its_confirmed_units_serves_no_other_line() -> None:
    """SO-1 (gold, `gain`, 5 confirmed) keeps its 5 units in every answer that keeps `gain.kept_units`; SO-2 (gold)
    draws on the same 5 units, so no such answer serves it: a cycle that moves a unit from SO-1 to SO-2 would
    lower SO-1's units below its kept ones, and the graph must not take it."""
    p = problem(
        network(5),
        order("SO-1", "gold", 5, confirmed=5),
        order("SO-2", "gold", 5),
        segments=(segment(Strategy.GAIN, "SO-1"),),
    )
    _same_both_ways(p, check=True)
    got = solved(p, verify_share=0.0)
    assert allocated(got) == {"SO-1": 5, "SO-2": 0}
    assert _eligible(got) == {("SO-1", 1)}


def _state(*orders: RunOrder, stock: int, lane_cap: int | None = None, gain: tuple[str, ...] = ()) -> BatchSolver:
    """One batch of every line of the book with nothing held yet, for the graph on a state set by hand."""
    segments = (segment(Strategy.GAIN, *gain),) if gain else ()
    return batch_solver(problem(network(stock, lane_cap=lane_cap), *orders, segments=segments))


def _set(s: BatchSolver, flows: dict[int, float], fixed: tuple[int, ...] = ()) -> None:
    """The incumbent's columns set by hand; `fixed` columns held at their value, as a face fixes them."""
    for col, value in flows.items():
        s.x[col] = value
    cols = np.array(fixed, np.int64)
    s.set_cols(cols, s.x[cols], s.x[cols])


def test_the_graph_moves_a_unit_to_an_unserved_line_only_past_no_dropped_row() -> None:
    """SO-1 and SO-2 (both gold) draw on WH-A's 5 units; SO-1 holds them all. With nothing else held, SO-2 is
    served by moving a unit from SO-1; once SO-1 is a `gain` line whose 5 kept units are held, it is not."""
    book = (order("SO-1", "gold", 5, confirmed=5), order("SO-2", "gold", 5))
    s = _state(*book, stock=5)
    a1 = s.cols_of(0)[0]
    _set(s, {a1: 5.0})
    assert reach_module.settled(s, [1]) == ([1], [])
    s = _state(*book, stock=5, gain=("SO-1",))
    a1, kept = s.cols_of(0)[0], s.m.kept[0]
    _set(s, {a1: 5.0, kept: 5.0}, fixed=(kept,))
    assert reach_module.settled(s, [1]) == ([], [])
    _set(s, {}, fixed=(s.cols_of(1)[0],))  # SO-2's arc fixed at 0: no answer on this face serves it
    assert reach_module.settled(s, [1]) == ([], [1])


def test_the_aggregated_graph_lets_a_line_leave_a_full_lane() -> None:
    """SO-1 holds WH-A's 5 units through the full 5-unit lane to WH-B, whose row a face has bounded below by 3;
    SO-2 may only draw on WH-A directly. SO-2 gets up to 2 units once SO-1 gives them back, which lowers the lane's
    row: a cycle through that row backward, which neither relaxation may miss and which the traced cycle finds.
    Held at 5, the row keeps them: the traced cycle breaks it, and the aggregated graph shows SO-2 unserved."""
    s = _state(order("SO-1", "gold", 5), order("SO-2", "gold", 5), stock=5, lane_cap=5)
    lane = s.rc.arc_lane[s.m.arcs] >= 0
    (direct1, via1), (direct2, via2) = (sorted(s.cols_of(p), key=lambda c: lane[c]) for p in (0, 1))
    assert not lane[direct1] and lane[via1]
    _set(s, {via1: 5.0}, fixed=(direct1, via2))
    lane_row = np.flatnonzero(s.m.row_tags[0] == LANE)
    s.set_rows(lane_row, np.array([3.0]), np.array([5.0]))
    assert reach_module.settled(s, [1]) == ([1], [])  # the traced cycle, its rows checked
    assert _most(s, 1) == pytest.approx(2.0)
    s.set_rows(lane_row, np.array([5.0]), np.array([5.0]))
    assert reach_module.settled(s, [1]) == ([], [1])
    assert _most(s, 1) == pytest.approx(0.0)


def test_a_traced_cycle_is_kept_only_when_every_row_keeps_its_bounds() -> None:
    """The check behind a traced cycle: SO-1 moving a unit off the lane to SO-2 keeps every row while the lane's
    row may fall to 3, and breaks it once the row is held at 5; a column past its bound breaks it too."""
    s = _state(order("SO-1", "gold", 5), order("SO-2", "gold", 5), stock=5, lane_cap=5)
    lane = s.rc.arc_lane[s.m.arcs] >= 0
    (direct1, via1), (direct2, via2) = (sorted(s.cols_of(p), key=lambda c: lane[c]) for p in (0, 1))
    _set(s, {via1: 5.0}, fixed=(direct1, via2))
    lane_row = np.flatnonzero(s.m.row_tags[0] == LANE)
    moved = {int(direct2): 1.0, int(via1): -1.0}
    s.set_rows(lane_row, np.array([3.0]), np.array([5.0]))
    assert reach_module._keeps_rows(s, moved)
    assert not reach_module._keeps_rows(s, {int(via2): 1.0, int(via1): -1.0})  # via2 is fixed at 0
    s.set_rows(lane_row, np.array([5.0]), np.array([5.0]))
    assert not reach_module._keeps_rows(s, moved)


def test_row_bounds_are_read_in_the_order_asked() -> None:
    """HiGHS reads an index set in increasing order only (another order gives an error and zeros): the graphs ask
    for the lane and protection rows, which the model holds the other way round; columns too, in any order."""
    s = _state(order("SO-1", "gold", 5), stock=5, lane_cap=4)
    lane_row = int(np.flatnonzero(s.m.row_tags[0] == LANE)[0])
    line_row = s.m.line_row[0]
    assert line_row < lane_row
    lo, hi = s.row_bounds(np.array([lane_row, line_row]))
    assert hi.tolist() == [4.0, 5.0]
    cols = np.arange(s.m.h.getNumCol())
    assert s.col_bounds(cols[::-1])[1].tolist() == s.col_bounds(cols)[1][::-1].tolist()


def test_nothing_is_settled_from_bounds_highs_did_not_give(monkeypatch: pytest.MonkeyPatch) -> None:
    s = _state(order("SO-1", "gold", 5), order("SO-2", "gold", 5), stock=5)
    _set(s, {s.cols_of(0)[0]: 5.0})

    def refused(*args: object) -> None:
        raise HighsRefused("refused")

    monkeypatch.setattr(BatchSolver, "row_bounds", refused)
    assert reach_module.settled(s, [1]) == ([], [])
