"""A class's on-time units and units, and stability and the tie-break, proven by one integer program
(`BatchSolver._merge`) give the values two integer programs give, level by level, on generated books with
shipment limits and ship-complete lines; and both merges do happen on them."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizers.reallocation.lexicographic import BatchSolver
from scenarios.orderbook import order_book
from tests.reallocation.helpers import solved


def _same_merged_or_not(seed: int, lines: int) -> list[str]:
    """Solve both ways; the levels merged into the integer program of the level before them."""
    problem = order_book(seed, lines, max(10, lines // 5), max(5, lines // 100))
    merged: list[str] = []
    real = BatchSolver._merge

    def counted(s: BatchSolver, cols, vals, maximise) -> None:  # type: ignore[no-untyped-def]
        real(s, cols, vals, maximise)
        if s._merged is not None:
            merged.append(s._merged[0])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BatchSolver, "_merge", counted)
        one = solved(problem, verify_share=0.0)
        patch.setattr(BatchSolver, "_merge", lambda s, cols, vals, maximise: None)
        two = solved(problem, verify_share=0.0)
    assert [(o.level, o.value, o.proven) for o in one.objective] == [
        (o.level, pytest.approx(o.value), o.proven) for o in two.objective
    ]
    return merged


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 10**6), st.integers(40, 150))
def test_one_integer_program_for_two_levels_gives_their_values(seed: int, lines: int) -> None:
    _same_merged_or_not(seed, lines)


@pytest.mark.parametrize(("seed", "lines"), [(3, 500), (7, 400)])
def test_the_levels_are_merged_on_a_generated_book(seed: int, lines: int) -> None:
    """Not vacuous: both merges happen, and these books tell a weight of 1 (on-time units + units) from the right
    one."""
    merged = _same_merged_or_not(seed, lines)
    assert "tie_break" in merged
    assert any(name.endswith(".units") for name in merged)
