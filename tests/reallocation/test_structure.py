"""Decomposition, shipment limits, lanes and KPIs on hand-made runs."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from optimizers.problem import Customer, Item, Location, ShippingRoute, StockPosition, TransferLane
from optimizers.reallocation.build import build
from optimizers.reallocation.decompose import binding_limits, components
from optimizers.reallocation.problem import Network, RunLine, RunOrder
from tests.reallocation.helpers import AS_OF, allocated, network, order, problem, solved


def _two_items(lane_cap: int | None) -> Network:
    return Network(
        locations=(Location("WH-A", "US01"), Location("WH-B", "US01")),
        items=(Item("SKU-1", 5.0), Item("SKU-2", 5.0)),
        stock=(StockPosition("SKU-1", "WH-A", 5), StockPosition("SKU-2", "WH-A", 5)),
        shipping=(ShippingRoute("WH-B", "R1", 0.5, 1),),
        lanes=(TransferLane("WH-A", "WH-B", 0.1, 1, lane_cap),),
        customers=(Customer("C-gold", "gold"),),
    )


def _orders_for_both_items() -> tuple[RunOrder, ...]:
    lines = [RunLine(1, "SKU-1", 4, 10.0), RunLine(1, "SKU-2", 4, 10.0)]
    return tuple(
        RunOrder(f"SO-{k}", "C-gold", "US01", "R1", AS_OF + timedelta(days=5), AS_OF, (ln,))
        for k, ln in enumerate(lines)
    )


def test_items_apart_are_separate_components_unless_a_capacitated_lane_joins_them() -> None:
    for cap, expected in ((None, 2), (6, 1)):
        rc = build(problem(_two_items(cap), *_orders_for_both_items()))
        assert len(components(rc, binding_limits(rc))) == expected


def test_a_lane_capacity_is_shared_by_every_item_it_carries() -> None:
    got = solved(problem(_two_items(6), *_orders_for_both_items()))
    assert sum(allocated(got).values()) == 6


def test_a_shipment_limit_keeps_an_order_to_its_locations() -> None:
    net = network(4)
    net = dataclasses.replace(
        net,
        stock=(*net.stock, StockPosition("SKU-1", "WH-B", 3)),
        customers=tuple(c._replace(max_shipments=1) if c.id == "C-gold" else c for c in net.customers),
    )
    got = solved(problem(net, order("SO-1", "gold", 7)))
    assert allocated(got) == {"SO-1": 4}
    reasons = got.orders[0].lines[0].explanation
    assert reasons is not None and "SHIPMENT_LIMIT" in {r.code for r in reasons.reasons}


def test_kpis_count_gains_losses_and_backorder_age() -> None:
    old = dataclasses.replace(order("SO-1", "silver", 10, confirmed=8), created=AS_OF - timedelta(days=40))
    p = problem(network(10), order("SO-2", "gold", 6), old)
    got = solved(p)
    k = got.kpis.total
    assert (k.requested_units, k.allocated_units, k.backorder_units) == (16, 10, 6)
    assert (k.lines_gained, k.lines_lost, k.units_gained, k.units_lost) == (1, 1, 6, 4)
    assert k.backorder_aging == {"0-7": 0, "8-30": 0, "31-90": 6, "90+": 0}
    assert got.kpis.by_tier["gold"].otif_lines == 1.0 and got.kpis.by_segment["implicit"].backorder_lines == 1
