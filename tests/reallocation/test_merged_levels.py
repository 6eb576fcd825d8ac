"""A class's on-time units and units, and stability and the tie-break, solved as one weighted level
(`BatchSolver._merged_objective`: one integer program, or on plain books one LP and its optimal face) give the
values the two levels give one after the other, on generated books with shipment limits and ship-complete lines
and on plain ones; the merges do happen on them, and a weight of 1 is told from the right one."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizers.reallocation import ReallocationProblem, ReallocationRun
from optimizers.reallocation.lexicographic import BatchSolver
from scenarios.orderbook import order_book
from tests.reallocation.helpers import solved

PLAIN = {"ship_complete": 0.0, "limited": 0.0}


def _book(seed: int, lines: int, plain: bool = False) -> ReallocationProblem:
    return order_book(seed, lines, max(10, lines // 5), max(5, lines // 100), **(PLAIN if plain else {}))


def _unmerged(problem: ReallocationProblem, patch: pytest.MonkeyPatch) -> ReallocationRun:
    patch.setattr(BatchSolver, "_merged_objective", lambda s, cols, vals: None)
    return solved(problem, verify_share=0.0)


def _values(run: ReallocationRun) -> list[tuple[str, Any, bool]]:
    return [(o.level, pytest.approx(o.value), o.proven) for o in run.objective]


def _same_merged_or_not(problem: ReallocationProblem) -> list[str]:
    """Solve both ways; the levels merged into the level before them."""
    merged: list[str] = []
    real = BatchSolver._merged_objective

    def counted(s: BatchSolver, cols, vals):  # type: ignore[no-untyped-def]
        found = real(s, cols, vals)
        if found is not None and s._merged is not None:
            merged.append(s._merged[0])
        return found

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BatchSolver, "_merged_objective", counted)
        one = solved(problem, verify_share=0.0)
        two = _unmerged(problem, patch)
    assert [(o.level, o.value, o.proven) for o in one.objective] == _values(two)
    return merged


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 10**6), st.integers(40, 150), st.booleans())
def test_one_weighted_level_for_two_gives_their_values(seed: int, lines: int, plain: bool) -> None:
    _same_merged_or_not(_book(seed, lines, plain))


@pytest.mark.parametrize(("seed", "lines"), [(3, 500), (7, 400)])
def test_the_levels_are_merged_on_a_generated_book(seed: int, lines: int) -> None:
    """Not vacuous: both merges happen, and these books tell a weight of 1 (on-time units + units) from the right
    one."""
    merged = _same_merged_or_not(_book(seed, lines))
    assert "tie_break" in merged
    assert any(name.endswith(".units") for name in merged)


def test_a_plain_book_merges_each_class_on_its_lp_and_a_weight_of_1_is_caught() -> None:
    """On the LP path each class's units are held by the face of its merged LP. With a weight of 1 (on-time units
    plus units), this plain book gives up silver on-time units for more units: 1,056 on time against 1,060."""
    problem = _book(5, 200, plain=True)
    merged = _same_merged_or_not(problem)
    assert sum(name.endswith(".units") for name in merged) >= 3
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BatchSolver, "_span", lambda s, cols, vals: 0.0)  # weight 1
        light = solved(problem, verify_share=0.0)
        right = _unmerged(problem, patch)
    assert [(o.level, o.value, o.proven) for o in light.objective] != _values(right)
