"""A deterministic order-book generator for re-allocation runs, by seed and size.

`order_book(seed, lines, items, locations)` lays out warehouses in two legal entities, regions each served by
some of them, transfer lanes with capacity, items in substitute groups of three, stock and inbound (some due
already, some beyond the horizon) set to a fraction of the demand so the shortage bites, customers by tier
(some without one, some with a shipment limit), protections for the top tiers, and orders with created and
requested dates, confirmed quantities and ship-complete lines, plus segments using every strategy.
Same arguments, same book: all randomness comes from one `random.Random(seed)`.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

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

AS_OF = date(2026, 11, 23)
TIERS = ("strategic", "gold", "silver", "standard")


def _network(rnd: random.Random, items: int, locations: int, regions: list[str]) -> Network:
    locs = tuple(Location(f"WH-{k:02d}", "US01" if k % 3 else "US02") for k in range(locations))
    catalogue = []
    for k in range(items):
        group = k - k % 3
        subs = tuple(
            Substitute(f"SKU-{g:05d}", 1 + (g - group) % 3) for g in range(group, min(group + 3, items)) if g != k
        )
        catalogue.append(Item(f"SKU-{k:05d}", round(rnd.uniform(2, 40), 2), subs if rnd.random() < 0.6 else ()))
    shipping = []
    for loc in locs:
        for r in regions:
            if rnd.random() < 0.5 or r == regions[int(loc.id[3:]) % len(regions)]:
                shipping.append(ShippingRoute(loc.id, r, round(rnd.uniform(0.2, 1.5), 2), rnd.randint(1, 4)))
    lanes = []
    for k in range(locations):
        for j in rnd.sample(range(locations), min(2, locations)):
            if j != k:
                cap = rnd.choice([20, 60, 200]) if rnd.random() < 0.15 else None
                lanes.append(
                    TransferLane(locs[k].id, locs[j].id, round(rnd.uniform(0.1, 0.6), 2), rnd.randint(1, 3), cap)
                )
    return Network(locs, tuple(catalogue), shipping=tuple(shipping), lanes=tuple(lanes))


def _supply(rnd: random.Random, net: Network, demand: dict[str, int], shortage: float) -> Network:
    stock, inbound, protections = [], [], []
    for item in net.items:
        total = int(demand.get(item.id, 0) * shortage) + rnd.randint(0, 3)
        sites = rnd.sample(net.locations, min(3, len(net.locations)))
        for site in sites:
            q = total // len(sites)
            if rnd.random() < 0.7:
                stock.append(StockPosition(item.id, site.id, q))
                if rnd.random() < 0.1:
                    stock.append(StockPosition(item.id, site.id, rnd.randint(1, 9), "quality_hold"))
                if q and rnd.random() < 0.15:
                    protections.append(Protection(item.id, site.id, max(1, q // 3), rnd.choice(TIERS[:2])))
            else:
                eta = AS_OF + timedelta(days=rnd.choice([-2, 0, 3, 8, 20, 45]))
                inbound.append(InboundSupply(item.id, site.id, q, eta))
    return Network(
        net.locations, net.items, tuple(stock), tuple(inbound), net.shipping, net.lanes, (), tuple(protections)
    )


def order_book(
    seed: int,
    lines: int = 1000,
    items: int = 200,
    locations: int = 10,
    *,
    shortage: float = 0.7,
    ship_complete: float = 0.05,
    limited: float = 0.1,
) -> ReallocationProblem:
    """A run of about `lines` order lines over `items` items and `locations` warehouses; `ship_complete` is the
    share of ship-complete lines, `limited` the share of customers with a shipment limit."""
    rnd = random.Random(seed)
    regions = [f"R-{k}" for k in range(max(2, locations // 3))]
    net = _network(rnd, items, locations, regions)
    customers = [
        Customer(
            f"C-{k:04d}",
            rnd.choice([*TIERS, None]),
            rnd.random() < 0.85,
            rnd.choice([1, 2]) if rnd.random() < limited else None,
        )
        for k in range(max(2, lines // 15))
    ]
    orders: list[RunOrder] = []
    demand: dict[str, int] = {}
    n = 0
    while n < lines:
        k = len(orders)
        cust = rnd.choice(customers)
        body = []
        for ln in range(1, min(rnd.randint(1, 9), lines - n) + 1):
            item = net.items[
                min(int(rnd.paretovariate(1.2)) - 1, items - 1) if rnd.random() < 0.3 else rnd.randrange(items)
            ]
            qty = rnd.randint(1, 40)
            demand[item.id] = demand.get(item.id, 0) + qty
            confirmed = rnd.randint(0, qty) if rnd.random() < 0.5 else 0
            price = round(item.unit_cost * rnd.uniform(1.15, 1.7), 2)
            body.append(RunLine(ln, item.id, qty, price, rnd.random() < 0.9, rnd.random() < ship_complete, confirmed))
        n += len(body)
        orders.append(
            RunOrder(
                f"SO-{k:06d}",
                cust.id,
                rnd.choice(["US01", "US02"]),
                rnd.choice(regions),
                AS_OF + timedelta(days=rnd.randint(0, 10)),
                AS_OF - timedelta(days=rnd.randint(0, 120)),
                tuple(body),
            )
        )
    net = _supply(rnd, net, demand, shortage)
    net = Network(
        net.locations, net.items, net.stock, net.inbound, net.shipping, net.lanes, tuple(customers), net.protections
    )
    segments = (
        Segment("rush", Strategy.WIN, orders=tuple(o.id for o in orders if rnd.random() < 0.03)),
        Segment("clear-out", Strategy.LOSE, customers=(customers[0].id,)),
        Segment("key accounts", Strategy.GAIN, tiers=("strategic",)),
        Segment("tail", Strategy.FILL, tiers=("standard",)),
    )
    return ReallocationProblem(AS_OF, net, tuple(orders), segments, RunPolicy(tiers=TIERS))
