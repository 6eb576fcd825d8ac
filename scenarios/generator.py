"""A deterministic generator of realistic distributor networks, by seed and size.

`generate(seed, lines, locations)` lays out warehouses over regions and legal entities, an item catalogue in
substitute groups, scarce stock (some on hold) and inbound purchase orders, shipping rates and transfer lanes
that grow with distance, tiered customers with protections for the top tiers, and one order for one customer.
Same arguments, same problem: all randomness comes from one `random.Random(seed)`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from optimizers.problem import AllocationProblem, Customer, Order, OrderLine, Policy
from scenarios.catalogue import Article, catalogue, inbound_supply, protections, stock_positions
from scenarios.geography import REGIONS, place_sites, shipping_routes, transfer_lanes

AS_OF = date(2026, 11, 23)
TIER_WEIGHTS: dict[str | None, float] = {"strategic": 1, "gold": 2, "silver": 3, "standard": 3, None: 1}


@dataclass(frozen=True, slots=True)
class Preset:
    """A named size, matching a benchmark row of issue 2."""

    lines: int
    locations: int
    substitutes_per_item: int = 2
    lanes: int | None = None


PRESETS: dict[str, Preset] = {
    "small": Preset(lines=10, locations=8, substitutes_per_item=2, lanes=4),
    "medium": Preset(lines=200, locations=20),
    "large": Preset(lines=2000, locations=50),
}
# Bulk orders of the time-limit issue: many lines over fewer items (an item recurs on several lines), so the
# candidates (line x usable item x node x route) run to the hundreds of thousands; timed by `make bench`.
BULK: dict[str, tuple[int, int, int, float]] = {  # name -> (lines, items, locations, stock spread)
    "bulk4k": (4000, 1500, 40, 10.0),
    "bulk10k": (10000, 3000, 40, 10.0),
}


def generate(
    seed: int,
    lines: int,
    locations: int,
    substitutes_per_item: int = 2,
    lanes: int | None = None,
    customers: int = 12,
    supply_ratio: float = 2.0,
    as_of: date = AS_OF,
    time_limit_ms: int = 1000,
    items: int | None = None,
    spread: float = 2.0,
) -> AllocationProblem:
    """One order of `lines` lines against `locations` warehouses; `lanes` defaults to two per warehouse, `items`
    (the catalogue's size) to one and a half per line; an item is stocked at `1 + spread` warehouses on average."""
    rng = random.Random(seed)
    sites = place_sites(rng, locations)
    site_ids = [s.id for s in sites]
    articles = catalogue(rng, max(lines * 3 // 2, 1) if items is None else items, substitutes_per_item)
    stock = stock_positions(rng, articles, site_ids, supply_ratio, spread)
    roster = customer_roster(rng, customers)
    return AllocationProblem(
        as_of=as_of,
        order=order(rng, articles, roster[rng.randrange(len(roster))], lines, as_of),
        locations=tuple(s.location() for s in sites),
        items=tuple(a.item for a in articles),
        stock=tuple(stock),
        inbound=tuple(inbound_supply(rng, articles, site_ids, as_of)),
        shipping=tuple(shipping_routes(rng, sites)),
        lanes=tuple(transfer_lanes(rng, sites, 2 * locations if lanes is None else lanes)),
        customers=tuple(roster),
        protections=tuple(protections(rng, stock)),
        policy=Policy(time_limit_ms=time_limit_ms),
    )


def preset(name: str, seed: int = 1) -> AllocationProblem:
    """The named benchmark size (`small`, `medium`, `large`) for `seed`."""
    p = PRESETS[name]
    return generate(seed, p.lines, p.locations, p.substitutes_per_item, p.lanes)


def bulk(name: str, seed: int = 1, time_limit_ms: int = 1000) -> AllocationProblem:
    """A bulk order (`bulk4k`, `bulk10k`): thousands of lines over a smaller catalogue, with lanes and
    substitutes, as an ERP sends for a replenishment or a large project order."""
    lines, items, locations, spread = BULK[name]
    return generate(seed, lines, locations, items=items, spread=spread, time_limit_ms=time_limit_ms)


def customer_roster(rng: random.Random, count: int) -> list[Customer]:
    """Customers of mixed tiers; about one in five limits the shipments per order."""
    tiers = list(TIER_WEIGHTS)
    roster = []
    for n in range(1, max(count, 1) + 1):
        tier = rng.choices(tiers, weights=list(TIER_WEIGHTS.values()))[0]
        limit = rng.randint(2, 4) if rng.random() < 0.2 else None
        substitutes_ok = rng.random() < 0.85
        roster.append(Customer(f"C-{n:03d}", tier, allow_substitution=substitutes_ok, max_shipments=limit))
    return roster


def order(rng: random.Random, articles: list[Article], customer: Customer, lines: int, as_of: date) -> Order:
    """A sales order for `customer`: mostly distinct items, a few repeated, priced at cost plus a markup; an
    order with more lines than the catalogue has items takes them round again."""
    region = rng.choice(sorted(REGIONS))
    chosen = rng.sample(articles, min(lines, len(articles)))
    order_lines = []
    for n in range(1, lines + 1):
        article = (
            chosen[(n - 1) % len(chosen)]
            if rng.random() >= 0.05 or n == 1
            else chosen[rng.randrange(min(n - 1, len(chosen)))]
        )
        qty = article.pack * max(1, round(article.typical_qty / article.pack * rng.uniform(0.5, 1.5)))
        order_lines.append(
            OrderLine(
                line=n,
                item=article.item.id,
                qty=qty,
                unit_price=round(article.item.unit_cost * rng.uniform(1.15, 1.6), 2),
                allow_substitution=rng.random() >= 0.15,
                ship_complete=rng.random() < 0.1,
            )
        )
    return Order(
        id=f"SO-{rng.randrange(10_000, 99_999)}",
        customer=customer.id,
        entity=REGIONS[region][2],
        ship_to_region=region,
        requested_date=as_of + timedelta(days=rng.randint(2, 6)),
        lines=tuple(order_lines),
    )
