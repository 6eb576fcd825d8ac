"""A run that hits its time limit answers its best feasible allocation, marked degraded, never an error."""

from __future__ import annotations

from scenarios.orderbook import order_book
from tests.reallocation.helpers import solved


def test_a_run_out_of_time_answers_the_baseline_marked_degraded() -> None:
    p = order_book(3, 150, 30, 5)
    got = solved(p, time_limit_ms=1)
    assert got.status == "FEASIBLE" and got.solver.degraded and not got.solver.proven
    assert got.solver.first_unproven == next(o.level for o in got.objective if not o.proven)
    assert got.kpis.total.allocated_units > 0  # the greedy baseline, not an empty answer


def test_a_run_with_time_enough_is_proven_at_every_level() -> None:
    p = order_book(3, 150, 30, 5)
    got = solved(p, time_limit_ms=60_000)
    assert got.status == "OPTIMAL" and got.solver.first_unproven is None
    assert all(o.proven for o in got.objective)


def test_generated_books_validate_with_every_strategy_present() -> None:
    p = order_book(5, 120, 25, 5)
    got = solved(p)
    assert {o.strategy for o in got.orders} >= {"win", "gain", "redistribute", "lose"}
    explained = [ln for o in got.orders for ln in o.lines if ln.backorder_qty]
    assert explained and all(ln.explanation is not None for ln in explained)
