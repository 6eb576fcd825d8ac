"""The fill ratio's exact arithmetic (`optimizers.reallocation.ratio`): the candidate fractions between the
incumbent's minimum and the LP's bound, the least one above the incumbent's, and ceil(t q), against their plain
definitions; and the least candidate tried before the LP bound gives the values the bound and bisection give."""

from __future__ import annotations

import math
import time
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from optimizers.reallocation import ratio
from optimizers.reallocation.levels import objective_levels
from optimizers.reallocation.ratio import _candidates, _ceil_times, _least_above
from optimizers.solvers.budget import Budget
from scenarios.orderbook import order_book
from tests.reallocation.helpers import batch_solver, plain, solved

quantities = st.lists(st.integers(1, 400), min_size=1, max_size=12)
ratios = st.fractions(min_value=0, max_value=1, max_denominator=400)


@given(quantities, st.fractions(min_value=-1, max_value=1, max_denominator=400), st.floats(0, 1.5))
def test_the_candidates_are_every_fraction_between(qty: list[int], low: Fraction, high: float) -> None:
    plain = sorted({Fraction(k, q) for q in set(qty) for k in range(q + 1) if low < Fraction(k, q) <= high})
    assert _candidates(qty, low, high) == plain


@given(quantities, ratios)
def test_a_candidate_at_the_bound_is_kept(qty: list[int], t: Fraction) -> None:
    """A bound that is itself k / q, as a float: the candidate equal to it is kept, whichever way it rounds."""
    q = qty[0]
    k = math.floor(t * q)
    assume(k >= 1)
    assert Fraction(k, q) in _candidates(qty, Fraction(k - 1, q), k / q + 1e-9)


@given(quantities, ratios)
def test_ceil_times_is_exact(qty: list[int], t: Fraction) -> None:
    assert _ceil_times(t, qty).tolist() == [math.ceil(t * q) for q in qty]


@given(quantities, st.fractions(min_value=0, max_value=1, max_denominator=400))
def test_the_least_candidate_above_is_the_first_of_them(qty: list[int], low: Fraction) -> None:
    above = _candidates(qty, low, 1.0)
    assert _least_above(qty, low) == (above[0] if above else None)


@pytest.mark.parametrize("seed", [1, 2, 5])
def test_trying_the_least_candidate_first_gives_the_values_of_the_bound_and_bisection(seed: int) -> None:
    """On plain books (every batch on the LP path) the check settles some classes and hands others on."""
    problem = order_book(seed, 400, 80, 5, ship_complete=0.0, limited=0.0)
    outcomes: list[bool] = []
    real = ratio._above_incumbent

    def counted(*args):  # type: ignore[no-untyped-def]
        found = real(*args)
        outcomes.append(found is None)
        return found

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ratio, "_above_incumbent", counted)
        first = solved(problem, verify_share=0.0)
        patch.setattr(ratio, "_above_incumbent", lambda *args: None)
        bisected = solved(problem, verify_share=0.0)
    assert [(o.level, o.value, o.proven) for o in first.objective] == [
        (o.level, o.value, o.proven) for o in bisected.objective
    ]
    assert outcomes and not all(outcomes)  # settled somewhere without the bound


def test_trying_the_largest_candidate_first_gives_the_values_of_the_bisection() -> None:
    """With the check above the incumbent off, every class with room goes to the bound and the candidates under
    it: the largest tried first (`TOP_FIRST`) proves the values plain bisection proves, and over these books that
    first try is both confirmed and refuted."""
    firsts: list[bool | None] = []  # per search, whether its first candidate tried was feasible
    candidates, feasible = ratio._candidates, ratio._feasible

    def searched(*args):  # type: ignore[no-untyped-def]
        firsts.append(None)
        return candidates(*args)

    def tried(*args):  # type: ignore[no-untyped-def]
        found = feasible(*args)
        if firsts and firsts[-1] is None:
            firsts[-1] = found
        return found

    for seed in (1, 2, 5, 7):
        problem = order_book(seed, 400, 80, 5, ship_complete=0.0, limited=0.0)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(ratio, "_above_incumbent", lambda *args: None)
            patch.setattr(ratio, "TOP_FIRST", False)
            bisected = solved(problem, verify_share=0.0)
            patch.setattr(ratio, "TOP_FIRST", True)
            patch.setattr(ratio, "_candidates", searched)
            patch.setattr(ratio, "_feasible", tried)
            top_first = solved(problem, verify_share=0.0)
        assert [(o.level, o.value, o.proven) for o in top_first.objective] == [
            (o.level, o.value, o.proven) for o in bisected.objective
        ]
    assert {True, False} <= set(firsts)


def test_a_refuted_candidate_gives_back_the_basis_before_its_check() -> None:
    """After the first level, the least candidate above the incumbent's minimum, on books where the simplex runs
    before it finds it infeasible: the check leaves HiGHS on the basis it had (the level's optimum), not on the
    infeasible LP's, which the next level's primal simplex would start from."""
    refuted = 0
    for seed in range(1, 9):
        problem = plain(seed, 200, 40, 3)
        s = batch_solver(problem)
        budget = Budget(time.perf_counter() + 60)
        s.level(objective_levels(problem, {ref.cls.rank for ref in s.rc.lines})[0], budget)
        lines = [p for p in range(len(s.m.lines)) if s.rc.lines[int(s.m.lines[p])].cap > 0]
        qty = [s.rc.lines[int(s.m.lines[p])].line.qty for p in lines]
        least = _least_above(qty, ratio._ratio(s, lines, qty))
        optimum, x, iterations = s.m.h.getBasis(), s.x.copy(), s.iterations
        assert least is not None
        if ratio._feasible(s, lines, qty, least, budget, s.line_bounds(lines)) or s.iterations == iterations:
            continue
        now = s.m.h.getBasis()
        assert list(now.col_status) == list(optimum.col_status) and list(now.row_status) == list(optimum.row_status)
        assert (s.x == x).all()  # the incumbent is the level's optimum still
        refuted += 1
    assert refuted
