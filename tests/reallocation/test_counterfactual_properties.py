"""On every generated order book: each counterfactual marked verified is confirmed by an independent run of the
whole engine with the extra supply added to the input; verifying changes nothing but the counterfactuals, and
the same input gives the same explanations."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizers.reallocation import ReallocationProblem
from optimizers.reallocation.verify import VERIFY_SHARE, verify
from scenarios.orderbook import order_book
from tests.reallocation.helpers import solved
from tests.reallocation.strategies import order_books
from tests.reallocation.test_counterfactuals import confirm


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order_books())
def test_every_verified_counterfactual_is_confirmed_by_a_full_rerun(problem: ReallocationProblem) -> None:
    answer = solved(problem, verify_share=0.0)  # verified below, and compared with this
    checked = verify(problem, answer, began=time.perf_counter(), share=VERIFY_SHARE)
    count = checked.counterfactuals
    assert count.skipped is None and count.checked == count.claimed  # small books: every claim is re-solved
    verified = 0
    for before, after in zip(answer.orders, checked.orders, strict=True):
        for old, new in zip(before.lines, after.lines, strict=True):
            assert old._replace(explanation=None) == new._replace(explanation=None)
            if new.explanation is None or old.explanation is None:
                assert new.explanation is old.explanation
                continue
            assert new.explanation.reasons == old.explanation.reasons
            if new.explanation.counterfactual_verified:
                verified += 1
                what = new.explanation.what_if
                assert what is not None and what.allocated_qty > new.allocated_qty
                confirm(problem, after.id, new.line, what)
    assert verified == count.verified
    again = verify(problem, answer, began=time.perf_counter(), share=VERIFY_SHARE)
    assert again.orders == checked.orders  # the same explanations


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 10**6), st.integers(30, 60))
def test_verified_counterfactuals_on_generated_order_books_hold_on_a_full_rerun(seed: int, lines: int) -> None:
    """The bench's generator (`scenarios.orderbook`): segments, tiers, protections, lanes, limits at scale."""
    problem = order_book(seed, lines, 8, 3)
    answer = solved(problem, verify_share=0.0)  # verified below, and compared with this
    checked = verify(problem, answer, began=time.perf_counter(), share=VERIFY_SHARE)
    for order in checked.orders:
        for res in order.lines:
            if res.explanation is not None and res.explanation.counterfactual_verified:
                assert res.explanation.what_if is not None
                confirm(problem, order.id, res.line, res.explanation.what_if)
