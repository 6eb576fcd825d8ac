"""Hypothesis strategies for valid `AllocationProblem`s, reusable by every optimizer and service test.

`problems()` draws one order and a small network that exercises every rule of the spec: non-available stock,
inbound inside and beyond the horizon, missing shipping rows, lanes with and without capacity, protections
against the customer's tier, substitutes (including a duplicate or self entry, which the reading ignores),
ship_complete lines, a shipment limit and prices giving positive and negative margins. Money has at most
4 decimals. Input the service would reject (two shipping rows per (location, region), two lanes per
(from, to)) is never drawn. The knobs bound the size, so brute-force tests can ask for tiny instances.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from decision_service.orders.request import CustomerCredit, ExplainDetail, LinePrices, OrderRequest, OrderTerms
from optimizers.problem import (
    DEFAULT_TIERS,
    AllocationProblem,
    Customer,
    InboundSupply,
    Item,
    Location,
    Order,
    OrderLine,
    Policy,
    Protection,
    ShippingRoute,
    StockPosition,
    Substitute,
    TransferLane,
)

REGION = "R-MAIN"
STATUSES = ("available", "available", "available", "quality_hold", "damaged")


def money(low: float, high: float) -> st.SearchStrategy[float]:
    """A money amount in [low, high] with at most 4 decimals."""
    return st.integers(round(low * 10_000), round(high * 10_000)).map(lambda v: v / 10_000)


def _items(draw: st.DrawFn, n: int) -> tuple[Item, ...]:
    ids = [f"SKU-{k}" for k in range(1, n + 1)]
    subs = st.builds(Substitute, st.sampled_from(ids), st.integers(1, 3))
    return tuple(Item(i, draw(money(1, 60)), tuple(draw(st.lists(subs, max_size=2 if n > 1 else 0)))) for i in ids)


def _lines(draw: st.DrawFn, ids: list[str], max_lines: int, max_qty: int) -> tuple[OrderLine, ...]:
    numbers = draw(st.lists(st.integers(1, 99), min_size=1, max_size=max_lines, unique=True))
    return tuple(
        OrderLine(
            n,
            draw(st.sampled_from(ids)),
            draw(st.integers(0, max_qty)),
            draw(money(0, 90)),
            draw(st.booleans()),
            draw(st.booleans()),
        )
        for n in numbers
    )


def _network(
    draw: st.DrawFn,
    locs: list[str],
    items: list[str],
    ordered: list[str],
    as_of: date,
    max_qty: int,
    rows: int,
    min_ship_from: int,
) -> dict[str, Any]:
    loc, qty = st.sampled_from(locs), st.integers(1, 2 * max_qty)
    item = st.sampled_from(ordered) | st.sampled_from(items)  # half the supply is of an ordered item
    eta = st.integers(-3, 40).map(lambda d: as_of + timedelta(days=d))
    shipped = draw(st.lists(st.sampled_from(locs), min_size=min(min_ship_from, len(locs)), unique=True))
    other = draw(st.lists(st.sampled_from(locs), unique=True))
    pairs = [(a, b) for a in locs for b in locs if a != b]
    useful = [(a, b) for a, b in pairs if b in shipped] or pairs  # most lanes end where shipping starts
    pair = st.sampled_from(useful) | st.sampled_from(pairs) if pairs else st.nothing()
    lane_pairs = draw(st.lists(pair, max_size=4, unique=True)) if pairs else []
    capacity = st.none() | st.integers(0, 2 * max_qty)
    return {
        "stock": tuple(
            draw(
                st.lists(st.builds(StockPosition, item, loc, qty, st.sampled_from(STATUSES)), min_size=1, max_size=rows)
            )
        ),
        "inbound": tuple(draw(st.lists(st.builds(InboundSupply, item, loc, qty, eta), max_size=rows // 2))),
        "shipping": tuple(
            [ShippingRoute(s, REGION, draw(money(0, 8)), draw(st.integers(0, 6))) for s in shipped]
            + [ShippingRoute(s, "R-OTHER", draw(money(0, 8)), draw(st.integers(0, 6))) for s in other]
        ),
        "lanes": tuple(
            TransferLane(a, b, draw(money(0, 4)), draw(st.integers(0, 5)), draw(capacity)) for a, b in lane_pairs
        ),
        "protections": tuple(
            draw(st.lists(st.builds(Protection, item, loc, qty, st.sampled_from(DEFAULT_TIERS)), max_size=3))
        ),
    }


@st.composite
def problems(
    draw: st.DrawFn,
    max_lines: int = 12,
    max_locations: int = 6,
    max_items: int = 6,
    max_qty: int = 20,
    max_rows: int = 12,
    min_ship_from: int = 1,
) -> AllocationProblem:
    """A valid problem within the given size bounds, shipping to the order's region from at least `min_ship_from`
    locations where there are that many."""
    as_of = date(2026, 11, 23) + timedelta(days=draw(st.integers(0, 60)))
    entities = [f"E{k}" for k in range(1, draw(st.integers(1, 3)) + 1)]
    locs = [f"WH-{k}" for k in range(1, draw(st.integers(min(min_ship_from, max_locations), max_locations)) + 1)]
    items = _items(draw, draw(st.integers(1, max_items)))
    ids = [i.id for i in items]
    lines = _lines(draw, ids, max_lines, max_qty)
    tier = st.none() | st.sampled_from(DEFAULT_TIERS)
    customer = Customer("C-1", draw(tier), draw(st.booleans()), draw(st.none() | st.integers(0, 3)))
    order = Order(
        "SO-1", "C-1", draw(st.sampled_from(entities)), REGION, as_of + timedelta(days=draw(st.integers(0, 10))), lines
    )
    return AllocationProblem(
        as_of=as_of,
        order=order,
        locations=tuple(Location(loc, draw(st.sampled_from(entities))) for loc in locs),
        items=items,
        customers=(customer,),  # the service refuses an order whose customer the network does not describe
        policy=Policy(horizon_days=draw(st.sampled_from([0, 7, 30]))),
        **_network(draw, locs, ids, [ln.item for ln in lines], as_of, max_qty, max_rows, min_ship_from),
    )


AS_OF = date(2026, 11, 23)
HAND_LOCATIONS = (Location("WH-1", "E1"), Location("WH-2", "E1"), Location("WH-3", "E2"))


def hand_problem(
    lines: tuple[OrderLine, ...],
    items: tuple[Item, ...],
    *,
    customer: Customer | None = None,
    shipping: tuple[ShippingRoute, ...] = (ShippingRoute("WH-1", REGION, 0.5, 1),),
    requested_days: int = 4,
    **network: Any,
) -> AllocationProblem:
    """A hand-written case: order SO-1 of entity E1 as of AS_OF, locations WH-1, WH-2 (E1) and WH-3 (E2)."""
    order = Order("SO-1", "C-1", "E1", REGION, AS_OF + timedelta(days=requested_days), lines)
    return AllocationProblem(
        as_of=AS_OF,
        order=order,
        locations=HAND_LOCATIONS,
        items=items,
        shipping=shipping,
        customers=(customer,) if customer else (),
        **network,
    )


def shuffled(p: AllocationProblem, rnd: Any) -> AllocationProblem:
    """The same problem with every list in another order (`rnd` is a random.Random): nothing may change."""
    from dataclasses import replace

    def mix(xs: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(rnd.sample(xs, len(xs)))

    return replace(
        p,
        order=replace(p.order, lines=mix(p.order.lines)),
        locations=mix(p.locations),
        items=mix(p.items),
        stock=mix(p.stock),
        inbound=mix(p.inbound),
        shipping=mix(p.shipping),
        lanes=mix(p.lanes),
        protections=mix(p.protections),
        customers=mix(p.customers),
    )


CHANNELS = ("direct", "distributor", "ecommerce", "edi")


@st.composite
def order_requests(draw: st.DrawFn, **sizes: int) -> OrderRequest:
    """A valid order request: a problem of `problems(**sizes)` with commercial terms, defaults or not."""
    problem = draw(problems(**sizes))
    credit = CustomerCredit(
        "C-1",
        draw(st.none() | money(0, 5000)),
        draw(money(0, 2000)),
        draw(st.integers(0, 120)),
        draw(st.none() | money(0, 100)),
        draw(st.booleans()),
    )
    prices = tuple(
        LinePrices(line.line, draw(st.none() | money(0.5, 40)), draw(st.none() | money(0.5, 40)))
        for line in problem.order.lines
        if draw(st.booleans())
    )
    terms = OrderTerms.of(draw(st.sampled_from(CHANNELS)), (credit,), prices)
    return OrderRequest(problem, terms, draw(st.sampled_from(ExplainDetail)))
