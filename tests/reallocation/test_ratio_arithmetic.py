"""The fill ratio's exact arithmetic (`optimizers.reallocation.ratio`): the candidate fractions between the
incumbent's minimum and the LP's bound, and ceil(t q), against their plain definitions."""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import assume, given
from hypothesis import strategies as st

from optimizers.reallocation.ratio import _candidates, _ceil_times

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
