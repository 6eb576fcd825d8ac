"""The greedy baseline: one tiny case per constraint family, then the properties it must keep on any input."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizers.decision import Fill, Lane
from optimizers.problem import (
    AllocationProblem,
    Customer,
    InboundSupply,
    Item,
    OrderLine,
    Protection,
    ShippingRoute,
    StockPosition,
    Substitute,
    TransferLane,
)
from optimizers.proof.greedy import Node, greedy_fills, supply
from optimizers.proof.validation import validate_fills
from tests.strategies import AS_OF, REGION, hand_problem, problems, shuffled

A, B = Item("A", 6.0, (Substitute("B", 1),)), Item("B", 7.0)


def qty(fills: dict[int, tuple[Fill, ...]], line: int = 1) -> int:
    return sum(f.qty for f in fills[line])


def test_only_available_stock_and_inbound_within_horizon_are_used() -> None:
    p = hand_problem(
        (OrderLine(1, "A", 20, 10.0),),
        (A, B),
        stock=(StockPosition("A", "WH-1", 5), StockPosition("A", "WH-1", 3, "quality_hold")),
        inbound=(
            InboundSupply("A", "WH-1", 4, AS_OF + timedelta(30)),
            InboundSupply("A", "WH-1", 9, AS_OF + timedelta(31)),
        ),
    )
    fills = greedy_fills(p)[1]
    assert [(f.source, f.qty, f.on_time) for f in fills] == [("stock", 5, True), ("inbound", 4, False)]


def test_fill_fields_follow_the_spec() -> None:
    lanes = (TransferLane("WH-3", "WH-1", 0.25, 2, None),)
    p = hand_problem((OrderLine(1, "A", 2, 10.0),), (A, B), stock=(StockPosition("B", "WH-3", 2),), lanes=lanes)
    (fill,) = greedy_fills(p)[1]
    assert fill == Fill(
        "B",
        "WH-3",
        "WH-1",
        Lane("WH-3", "WH-1"),
        2,
        "stock",
        AS_OF,
        AS_OF + timedelta(3),
        True,
        10.0 - 7.0 - 0.5 - 0.25,
        True,
        True,
    )


def test_protection_reduces_stock_for_lower_tiers_only() -> None:
    network: dict[str, Any] = {
        "stock": (StockPosition("A", "WH-1", 5),),
        "protections": (Protection("A", "WH-1", 3, "gold"),),
    }
    lines = (OrderLine(1, "A", 10, 10.0),)
    assert qty(greedy_fills(hand_problem(lines, (A, B), customer=Customer("C-1", "silver"), **network))) == 2
    assert qty(greedy_fills(hand_problem(lines, (A, B), customer=Customer("C-1", "gold"), **network))) == 5
    assert qty(greedy_fills(hand_problem(lines, (A, B), **network))) == 2  # no tier ranks below every tier


def test_lane_capacity_bounds_transfers_across_lines() -> None:
    lanes = (TransferLane("WH-2", "WH-1", 0.1, 1, 3),)
    lines = (OrderLine(1, "A", 2, 10.0), OrderLine(2, "A", 2, 10.0))
    fills = greedy_fills(hand_problem(lines, (A, B), stock=(StockPosition("A", "WH-2", 9),), lanes=lanes))
    assert (qty(fills, 1), qty(fills, 2)) == (2, 1)


def test_ship_complete_line_that_cannot_be_filled_gets_nothing_and_leaves_supply() -> None:
    lines = (OrderLine(1, "A", 4, 10.0, ship_complete=True), OrderLine(2, "A", 3, 10.0))
    fills = greedy_fills(hand_problem(lines, (A, B), stock=(StockPosition("A", "WH-1", 3),)))
    assert (fills[1], qty(fills, 2)) == ((), 3)


def test_max_shipments_stops_opening_new_ship_from_locations() -> None:
    shipping = (ShippingRoute("WH-1", REGION, 0.5, 1), ShippingRoute("WH-2", REGION, 0.9, 1))
    stock = (StockPosition("A", "WH-1", 2), StockPosition("A", "WH-2", 2))
    p = hand_problem(
        (OrderLine(1, "A", 4, 10.0),), (A, B), customer=Customer("C-1", max_shipments=1), shipping=shipping, stock=stock
    )
    assert [(f.ship_from, f.qty) for f in greedy_fills(p)[1]] == [("WH-1", 2)]


def test_ordered_item_first_then_substitutes_only_when_both_allow() -> None:
    stock = (StockPosition("A", "WH-1", 1), StockPosition("B", "WH-1", 5))
    lines = (OrderLine(1, "A", 3, 10.0), OrderLine(2, "A", 3, 10.0, allow_substitution=False))
    fills = greedy_fills(hand_problem(lines, (A, B), stock=stock))
    assert [(f.item, f.qty) for f in fills[1]] == [("A", 1), ("B", 2)] and fills[2] == ()
    no_subs = hand_problem(lines, (A, B), stock=stock, customer=Customer("C-1", allow_substitution=False))
    assert [(f.item, f.qty) for f in greedy_fills(no_subs)[1]] == [("A", 1)]


def test_earliest_delivery_then_cheapest_route_then_direct() -> None:
    shipping = (ShippingRoute("WH-1", REGION, 0.5, 1), ShippingRoute("WH-2", REGION, 0.1, 2))
    lanes = (TransferLane("WH-3", "WH-1", 0.0, 0, None),)
    stock = (StockPosition("A", "WH-3", 1), StockPosition("A", "WH-2", 1), StockPosition("A", "WH-1", 1))
    p = hand_problem((OrderLine(1, "A", 2, 10.0),), (A, B), shipping=shipping, lanes=lanes, stock=stock)
    # WH-2 is cheapest but a day later; WH-1 direct and WH-3 via the lane tie on date and cost.
    assert [(f.location, f.via_lane) for f in greedy_fills(p)[1]] == [("WH-1", None), ("WH-3", Lane("WH-3", "WH-1"))]


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(problems(), st.randoms(use_true_random=False))
def test_greedy_is_feasible_and_deterministic(p: AllocationProblem, rnd: random.Random) -> None:
    fills = greedy_fills(p)
    assert fills == greedy_fills(shuffled(p, rnd))
    flat = [f for fs in fills.values() for f in fs]
    assert all(f.qty > 0 for f in flat)
    nodes, lanes = Counter[Node](), Counter[Lane | None]()
    for f in flat:
        nodes[(f.item, f.location, f.available_date, f.source)] += f.qty
        lanes[f.via_lane] += f.qty
    cap = supply(p)
    assert all(q <= cap[node] for node, q in nodes.items())
    for k in p.lanes:
        assert k.capacity is None or lanes[Lane(k.from_location, k.to_location)] <= k.capacity
    for line in p.order.lines:
        assert qty(fills, line.line) in ((0, line.qty) if line.ship_complete else range(line.qty + 1))
    limit = p.customer().max_shipments
    assert limit is None or len({f.ship_from for f in flat}) <= limit
    report = validate_fills(p, fills)  # the solver-free validator, which shares no code with the greedy
    assert report.ok, report.errors
