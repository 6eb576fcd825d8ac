"""A fill-ratio level searched from the best minimum a recorded run proved (`ratio._recorded_first`,
`warm.Bases.ratios`): on the recorded input it settles every class without the bound's LP or a bisection; from
any recorded value, right or wrong, and on changed books, every level proves what a run without the record
proves: the record orders the feasibility checks, it never decides one."""

from __future__ import annotations

import pickle
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizers.reallocation import ReallocationProblem, ratio
from optimizers.reallocation.warm import Bases
from tests.reallocation.helpers import less_stock, more_demand, plain, solved, values


def _searches(patch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts of the bound's LPs and of the feasibility checks the runs in `patch`'s context make."""
    counts = {"bound": 0, "checks": 0}
    bound, feasible = ratio._lp_bound, ratio._feasible

    def counted_bound(*args: Any) -> Any:
        counts["bound"] += 1
        return bound(*args)

    def counted_check(*args: Any) -> Any:
        counts["checks"] += 1
        return feasible(*args)

    patch.setattr(ratio, "_lp_bound", counted_bound)
    patch.setattr(ratio, "_feasible", counted_check)
    return counts


def _recorded(problem: ReallocationProblem) -> Bases:
    keep = Bases()
    solved(problem, keep=keep, verify_share=0.0)
    return keep


def test_the_recorded_input_settles_every_fill_ratio_from_its_recorded_best_without_the_bound() -> None:
    problem = plain(5, 400, 60, 5)
    keep = _recorded(problem)
    assert keep.ratios, "the book should have fill-ratio levels searched on the LP"
    without_record = pickle.loads(pickle.dumps(keep))
    without_record.ratios.clear()
    with pytest.MonkeyPatch.context() as patch:
        searched = _searches(patch)
        cold = solved(problem, warm=without_record, verify_share=0.0)
    with pytest.MonkeyPatch.context() as patch:
        settled = _searches(patch)
        warm = solved(problem, warm=keep, verify_share=0.0)
    assert values(warm) == values(cold) and all(proven for _, _, proven in values(warm))
    assert searched["bound"] > 0 and settled["bound"] == 0, (searched, settled)
    assert settled["checks"] < searched["checks"], (searched, settled)


@pytest.mark.parametrize(("seed", "change"), [(6, less_stock), (7, less_stock), (6, more_demand)])
def test_a_changed_book_searched_from_the_record_proves_what_a_run_without_it_proves(seed: int, change: Any) -> None:
    base = plain(seed, 400, 60, 5)
    keep = _recorded(base)
    scenario = change(base)
    assert values(solved(scenario, warm=keep, verify_share=0.0)) == values(solved(scenario, verify_share=0.0))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 10**6), st.integers(40, 160), st.lists(st.fractions(0, 1, max_denominator=12), min_size=1))
def test_any_recorded_best_minimum_proves_the_same_values(seed: int, lines: int, told: list[Fraction]) -> None:
    """Each recorded best minimum replaced by an arbitrary ratio (above, below or at the optimum)."""
    problem = plain(seed, lines, max(8, lines // 6), 4)
    keep = _recorded(problem)
    keep.ratios = {key: told[k % len(told)] for k, key in enumerate(sorted(keep.ratios, key=repr))}
    assert values(solved(problem, warm=keep, verify_share=0.0)) == values(solved(problem, verify_share=0.0))


def test_a_record_above_the_least_candidate_is_tried_before_it_and_proves_the_same_values() -> None:
    """Recorded best minima kept, or raised above anything feasible: where the record is above the least
    candidate over the incumbent's minimum, it is checked first (`ratio._checked_first`). Over these books the
    record is both confirmed and refuted there, and every level proves what a run without the record proves."""
    firsts: list[list[Any]] = []  # per class searched: [the record when above the least candidate, its check]
    checked_first, feasible = ratio._checked_first, ratio._feasible

    def watched(s: Any, level: Any, lines: list[int], qty: list[int], budget: Any) -> Any:
        hint = s.warm.ratio(s, level.name)
        least = ratio._least_above(qty, ratio._ratio(s, lines, qty))
        firsts.append([hint if hint is not None and least is not None and hint > least else None, None])
        return checked_first(s, level, lines, qty, budget)

    def tried(s: Any, lines: list[int], qty: list[int], t: Fraction, *args: Any) -> Any:
        found = feasible(s, lines, qty, t, *args)
        if firsts and firsts[-1][0] is not None and firsts[-1][1] is None:
            assert t == firsts[-1][0]  # the record is the first candidate checked
            firsts[-1][1] = found
        return found

    for seed, raised in ((6, False), (7, False), (6, True), (8, True)):
        base = plain(seed, 400, 60, 5)
        keep = _recorded(base)
        scenario = less_stock(base)
        if raised:
            keep.ratios = dict.fromkeys(keep.ratios, Fraction(99, 100))
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(ratio, "_checked_first", watched)
            patch.setattr(ratio, "_feasible", tried)
            warm = values(solved(scenario, warm=keep, verify_share=0.0))
        assert warm == values(solved(scenario, verify_share=0.0))
    outcomes = {found for hint, found in firsts if hint is not None}
    assert {True, False} <= outcomes
