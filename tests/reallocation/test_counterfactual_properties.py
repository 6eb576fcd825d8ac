"""On every generated order book: each counterfactual marked verified is confirmed by an independent run of the
whole engine with the extra supply added to the input; verifying changes nothing but the counterfactuals, and
the same input gives the same explanations."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings

from optimizers.reallocation import ReallocationProblem
from optimizers.reallocation.verify import verify
from tests.reallocation.helpers import solved
from tests.reallocation.strategies import order_books
from tests.reallocation.test_counterfactuals import confirm


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order_books())
def test_every_verified_counterfactual_is_confirmed_by_a_full_rerun(problem: ReallocationProblem) -> None:
    answer = solved(problem)
    checked = verify(problem, answer, began=time.perf_counter())
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
    assert verify(problem, answer, began=time.perf_counter()).orders == checked.orders  # the same explanations
