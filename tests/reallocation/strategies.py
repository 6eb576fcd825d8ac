"""Hypothesis order books: every strategy, ship-complete lines, shipment limits, protections, capacitated
lanes, substitutes, inbound, confirmed quantities, customers with and without a tier; small enough for the
independent Pyomo model to solve in a fraction of a second."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import strategies as st

from optimizers.problem import (
    Customer,
    InboundSupply,
    Item,
    Location,
    Protection,
    ShippingRoute,
    StockPosition,
    Substitute,
    TransferLane,
)
from optimizers.reallocation.problem import (
    Network,
    ReallocationProblem,
    RunLine,
    RunOrder,
    RunPolicy,
    Segment,
    Strategy,
)
from tests.reallocation.helpers import AS_OF, TIERS

ITEMS = ("SKU-A", "SKU-B", "SKU-C")
LOCS = ("WH-1", "WH-2", "WH-3")


@st.composite
def _network(draw: st.DrawFn) -> Network:
    items = (
        Item("SKU-A", 4.0, (Substitute("SKU-B", 1),) if draw(st.booleans()) else ()),
        Item("SKU-B", 5.0, (Substitute("SKU-A", 1), Substitute("SKU-C", 2))),
        Item("SKU-C", 3.5),
    )
    stock = tuple(StockPosition(i, loc, draw(st.integers(0, 12))) for i in ITEMS for loc in LOCS if draw(st.booleans()))
    inbound = tuple(
        InboundSupply(draw(st.sampled_from(ITEMS)), draw(st.sampled_from(LOCS)), draw(st.integers(1, 10)),
                      AS_OF + timedelta(days=draw(st.integers(-2, 40))))
        for _ in range(draw(st.integers(0, 2)))
    )  # fmt: skip
    shipping = tuple(
        ShippingRoute(loc, r, draw(st.sampled_from([0.5, 1.0, 1.25])), draw(st.integers(0, 4)))
        for loc in LOCS for r in ("R1", "R2") if draw(st.integers(0, 3)) > 0
    )  # fmt: skip
    lanes = tuple(
        TransferLane(a, b, 0.25, draw(st.integers(0, 3)), draw(st.sampled_from([None, 2, 5])))
        for a in LOCS for b in LOCS if a != b and draw(st.integers(0, 3)) == 0
    )  # fmt: skip
    customers = tuple(
        Customer(f"C-{k}", draw(st.sampled_from([*TIERS, None])), draw(st.booleans()),
                 draw(st.sampled_from([None, None, 1, 2])))
        for k in range(3)
    )  # fmt: skip
    protections = tuple(
        Protection(draw(st.sampled_from(ITEMS)), draw(st.sampled_from(LOCS)), draw(st.integers(1, 8)),
                   draw(st.sampled_from(TIERS[:3])))
        for _ in range(draw(st.integers(0, 2)))
    )  # fmt: skip
    locations = (Location("WH-1", "US01"), Location("WH-2", "US01"), Location("WH-3", "US02"))
    return Network(locations, items, stock, inbound, shipping, lanes, customers, protections)


@st.composite
def _line(draw: st.DrawFn, number: int) -> RunLine:
    qty = draw(st.integers(1, 12))
    return RunLine(
        number, draw(st.sampled_from(ITEMS)), qty, draw(st.sampled_from([6.0, 8.5, 10.0])), draw(st.booleans()),
        draw(st.integers(0, 4)) == 0, draw(st.integers(0, qty)) if draw(st.booleans()) else 0,
    )  # fmt: skip


@st.composite
def order_books(draw: st.DrawFn) -> ReallocationProblem:
    """A small run exercising every constraint family and every strategy."""
    net = draw(_network())
    orders = tuple(
        RunOrder(f"SO-{k}", f"C-{draw(st.integers(0, 2))}", draw(st.sampled_from(["US01", "US02"])),
                 draw(st.sampled_from(["R1", "R2"])), AS_OF + timedelta(days=draw(st.integers(0, 5))),
                 AS_OF - timedelta(days=draw(st.integers(0, 100))),
                 tuple(draw(_line(n)) for n in range(1, draw(st.integers(1, 3)) + 1)))
        for k in range(draw(st.integers(1, 4)))
    )  # fmt: skip
    segments = tuple(
        Segment(s.value, s, orders=tuple(o.id for o in orders if draw(st.integers(0, 4)) == 0)) for s in Strategy
    )
    policy = RunPolicy(tiers=TIERS, fair_share=draw(st.integers(0, 3)) > 0)
    return ReallocationProblem(AS_OF, net, orders, draw(st.permutations(segments)), policy)
