"""Arcs by a dominated route are left out of a run's candidates (`build.dominated_routes`) without changing any
objective level: hand-made routes, and generated order books solved both ways (the answers may differ where
several are optimal; the level values may not)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import optimizers.reallocation.solve as solve_module
from optimizers.problem import Customer, Item, Location, ShippingRoute, StockPosition, TransferLane
from optimizers.reallocation import ReallocationProblem
from optimizers.reallocation.build import build
from optimizers.reallocation.problem import Network, RunLine, RunOrder
from scenarios.orderbook import order_book
from tests.reallocation.helpers import AS_OF, problem, solved
from tests.reallocation.strategies import order_books


def _net(lane_cap: int | None, lane_days: int, max_shipments: int | None = None) -> Network:
    """SKU-1 at WH-A only; WH-A ships to R1 directly (1 day, 1.00) or through WH-B (lane, then 0.50)."""
    return Network(
        locations=(Location("WH-A", "US01"), Location("WH-B", "US01")),
        items=(Item("SKU-1", 5.0),),
        stock=(StockPosition("SKU-1", "WH-A", 10),),
        shipping=(ShippingRoute("WH-A", "R1", 1.0, 1), ShippingRoute("WH-B", "R1", 0.5, 1)),
        lanes=(TransferLane("WH-A", "WH-B", 0.6, lane_days, lane_cap),),
        customers=(Customer("C-1", "gold", True, max_shipments),),
    )


def _routes(net: Network, *, prune: bool = True) -> list[int]:
    line = RunLine(1, "SKU-1", 4, 10.0)
    p = problem(net, RunOrder("SO-1", "C-1", "US01", "R1", AS_OF + timedelta(days=5), AS_OF, (line,)))
    return build(p, prune=prune).arc_lane.tolist()


def test_a_later_dearer_lane_route_is_left_out_but_not_for_a_customer_with_a_shipment_limit() -> None:
    assert _routes(_net(None, 1)) == [-1]  # 2 days and 1.10 against 1 day and 1.00
    assert _routes(_net(None, 1), prune=False) == [-1, 0]
    assert _routes(_net(None, 1, max_shipments=1)) == [-1, 0]  # ships from WH-B: another ship-from location


def _shipping(net: Network, direct: tuple[float, int]) -> Network:
    """`net` with WH-A's direct route to R1 at (cost, days); WH-B's stays at 0.50 and 1 day."""
    shipping = (ShippingRoute("WH-A", "R1", *direct), ShippingRoute("WH-B", "R1", 0.5, 1))
    return Network(net.locations, net.items, net.stock, shipping=shipping, lanes=net.lanes, customers=net.customers)


def test_a_route_better_on_one_count_is_kept() -> None:
    assert _routes(_net(None, 0)) == [-1]  # the same day, dearer (1.10) and a lane on the tie cost: left out
    assert _routes(_shipping(_net(None, 0), (1.0, 3))) == [-1, 0]  # sooner (1 day against 3) but dearer


def test_a_lane_with_a_capacity_never_dominates_and_its_route_can_be_dominated() -> None:
    assert _routes(_net(3, 1)) == [-1]  # later and dearer than direct, capacity or not
    # direct: 3 days, 1.20; through the lane: 1 day, 0.60 + 0.50 = 1.10, tie 2 against 3
    assert _routes(_shipping(_net(None, 0), (1.2, 3))) == [0]  # uncapped, the lane's route dominates direct
    assert _routes(_shipping(_net(3, 0), (1.2, 3))) == [-1, 0]  # capped, it holds what direct does not


def _same_levels_both_ways(problem: ReallocationProblem) -> None:
    pruned = solved(problem, verify_share=0.0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(solve_module, "build", lambda p: build(p, prune=False))
        full = solved(problem, verify_share=0.0)
    assert [(o.level, o.value) for o in pruned.objective] == [(o.level, pytest.approx(o.value)) for o in full.objective]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order_books())
def test_leaving_dominated_routes_out_changes_no_objective_level(problem: ReallocationProblem) -> None:
    _same_levels_both_ways(problem)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 10**6), st.integers(30, 80))
def test_leaving_dominated_routes_out_changes_no_level_on_generated_books(seed: int, lines: int) -> None:
    """The bench's generator: more locations, lanes and routes per (location, region) than the small books; this
    is the test that catches a dominance rule that ignores cost."""
    _same_levels_both_ways(order_book(seed, lines, 10, 5))
