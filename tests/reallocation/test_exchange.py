"""Lines shown eligible for the fill ratio by a one-unit exchange (`optimizers.reallocation.exchange`) are
exactly lines the solve would show: runs with the exchange and without it give the same eligible lines and the
same value at every level, on the small hypothesis books and on generator books (with binaries and without)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import optimizers.reallocation.ratio as ratio_module
from optimizers.problem import Customer, Item, Location, ShippingRoute, StockPosition, TransferLane
from optimizers.reallocation import ReallocationProblem
from optimizers.reallocation.exchange import _relayed, exchangeable
from optimizers.reallocation.lexicographic import BatchSolver
from optimizers.reallocation.problem import Network, RunLine, RunOrder, Strategy
from optimizers.reallocation.result import ReallocationRun
from scenarios.orderbook import order_book
from tests.reallocation.helpers import AS_OF, allocated, level, network, order, problem, segment, solved
from tests.reallocation.strategies import order_books


def _eligible(answer: ReallocationRun) -> set[tuple[str, int]]:
    return {(o.id, ln.line) for o in answer.orders for ln in o.lines if ln.eligible}


def _same_both_ways(problem: ReallocationProblem) -> int:
    """Solve with and without the exchange; the number of lines the exchange showed."""
    shown: list[int] = []

    def counted(*args: object) -> list[int]:
        out = exchangeable(*args)  # type: ignore[arg-type]
        shown.append(len(out))
        return out

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ratio_module, "exchangeable", counted)
        fast = solved(problem, verify_share=0.0)
        patch.setattr(ratio_module, "exchangeable", lambda *args: [])
        slow = solved(problem, verify_share=0.0)
    assert _eligible(fast) == _eligible(slow)
    assert [(o.level, o.value, o.proven) for o in fast.objective] == [
        (o.level, pytest.approx(o.value), o.proven) for o in slow.objective
    ]
    return sum(shown)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order_books())
def test_the_exchange_shows_no_line_the_solve_would_not(problem: ReallocationProblem) -> None:
    _same_both_ways(problem)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 10**6), st.integers(40, 120), st.booleans())
def test_the_exchange_shows_no_line_the_solve_would_not_on_generated_books(seed: int, lines: int, plain: bool) -> None:
    share = {"ship_complete": 0.0, "limited": 0.0} if plain else {}
    _same_both_ways(order_book(seed, lines, 10, 5, **share))


@pytest.mark.parametrize(("seed", "plain"), [(1, True), (2, False)])
def test_the_exchange_shows_lines_on_a_generated_book(seed: int, plain: bool) -> None:
    """Not vacuous: on these books it shows lines that the solve would otherwise have had to find."""
    share = {"ship_complete": 0.0, "limited": 0.0} if plain else {}
    assert _same_both_ways(order_book(seed, 400, 60, 6, **share)) > 0


@pytest.mark.parametrize("by_rows", [False, True])
def test_a_gain_line_at_its_confirmed_units_gives_nothing_away(by_rows: bool) -> None:
    """SO-1 keeps its 5 confirmed units in every answer that keeps `gain.kept_units`: SO-2 of the same tier is
    not eligible, and the tier's fill ratio is SO-1's alone (a unit moved from SO-1 would lose a kept unit).
    With the levels held by their rows, as on the integer path, no face has fixed SO-2's arc at 0 first."""
    p = problem(
        network(5),
        order("SO-1", "gold", 5, confirmed=5),
        order("SO-2", "gold", 5),
        segments=(segment(Strategy.GAIN, "SO-1"),),
    )
    with pytest.MonkeyPatch.context() as patch:
        if by_rows:
            patch.setattr(BatchSolver, "_confine", lambda s, face: s._hold_row(s.held[-1]))
        got = solved(p, verify_share=0.0)
    assert allocated(got) == {"SO-1": 5, "SO-2": 0}
    assert _eligible(got) == {("SO-1", 1)}
    assert level(got, "tier.gold.min_fill_ratio") == 1.0


def test_a_unit_is_not_moved_onto_a_lane_that_is_full() -> None:
    """SO-3 (strategic) fills the 2-unit lane to R2 in every optimal answer; SO-2 (gold, R2) could only be served
    through it, so it is not eligible, although SO-1 (gold, R1) draws on the same stock, on time like it."""
    net = Network(
        locations=(Location("WH-A", "US01"), Location("WH-B", "US01")),
        items=(Item("SKU-1", 5.0),),
        stock=(StockPosition("SKU-1", "WH-A", 10),),
        shipping=(ShippingRoute("WH-A", "R1", 1.0, 1), ShippingRoute("WH-B", "R2", 0.5, 1)),
        lanes=(TransferLane("WH-A", "WH-B", 0.1, 1, 2),),
        customers=(Customer("C-gold", "gold"), Customer("C-strategic", "strategic")),
    )

    def one(oid: str, customer: str, region: str, qty: int) -> RunOrder:
        line = RunLine(1, "SKU-1", qty, 10.0)
        return RunOrder(oid, customer, "US01", region, AS_OF + timedelta(days=5), AS_OF, (line,))

    p = problem(
        net, one("SO-1", "C-gold", "R1", 10), one("SO-2", "C-gold", "R2", 2), one("SO-3", "C-strategic", "R2", 2)
    )
    got = solved(p, verify_share=0.0)
    assert allocated(got) == {"SO-1": 8, "SO-2": 0, "SO-3": 2}
    assert ("SO-2", 1) not in _eligible(got)
    assert level(got, "tier.gold.min_fill_ratio") == pytest.approx(0.8)


def test_a_relay_frees_the_key_it_releases_only_when_it_can_take_where_a_unit_is_given() -> None:
    """Arcs: 0 gives at key 7; line 1 releases at key 5 and can take at key 7 (relayed: 5 freed); line 2
    releases at key 9 but can take only at key 8, where nothing is given (9 not freed)."""
    key = np.array([7, 5, 7, 9, 8])
    line = np.array([0, 1, 1, 2, 2])
    gives = np.array([True, False, False, False, False])
    releases = np.array([False, True, False, True, False])
    takes = np.array([False, False, True, False, True])
    assert _relayed(key, line, gives, releases, takes).tolist() == [5, 7]
    assert _relayed(key, line, gives, releases, np.zeros(5, bool)).tolist() == [7]


def test_a_gain_line_relays_a_unit_it_cannot_give() -> None:
    """SO-1 (gold, gain, 5 confirmed) keeps its 5 units, from WH-A or WH-B; SO-2 (gold) reaches only WH-B, SO-3
    (gold) only WH-A. SO-3 is eligible: SO-1 may take a unit at WH-B from SO-2 and leave one at WH-A, though it
    gives none away. SO-2 and SO-3 share the 5 units SO-1 does not keep: the best minimum is 2/5."""
    net = Network(
        locations=(Location("WH-A", "US01"), Location("WH-B", "US01")),
        items=(Item("SKU-1", 5.0),),
        stock=(StockPosition("SKU-1", "WH-A", 5), StockPosition("SKU-1", "WH-B", 5)),
        shipping=(
            ShippingRoute("WH-A", "R1", 1.0, 1),
            ShippingRoute("WH-B", "R1", 1.0, 1),
            ShippingRoute("WH-B", "R2", 1.0, 1),
            ShippingRoute("WH-A", "R3", 1.0, 1),
        ),
        customers=(Customer("C-gold", "gold"),),
    )

    def one(oid: str, region: str, confirmed: int = 0) -> RunOrder:
        line = RunLine(1, "SKU-1", 5, 10.0, True, False, confirmed)
        return RunOrder(oid, "C-gold", "US01", region, AS_OF + timedelta(days=5), AS_OF, (line,))

    p = problem(
        net, one("SO-1", "R1", 5), one("SO-2", "R2"), one("SO-3", "R3"), segments=(segment(Strategy.GAIN, "SO-1"),)
    )
    got = solved(p, verify_share=0.0)
    assert allocated(got)["SO-1"] == 5
    assert _eligible(got) == {("SO-1", 1), ("SO-2", 1), ("SO-3", 1)}
    assert level(got, "tier.gold.min_fill_ratio") == pytest.approx(0.4)
