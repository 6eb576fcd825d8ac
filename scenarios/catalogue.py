"""The commercial side of a synthetic distributor: items in substitute groups, stock, inbound, protections.

Each item has a typical order quantity (its velocity, in case packs); the supply the generator lays down is a
fraction of that, spread over a few warehouses, so that an order competes for it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from optimizers.problem import InboundSupply, Item, Protection, StockPosition, Substitute

PACKS = (1, 1, 6, 12, 24)
HELD_STATUSES = ("quality_hold", "quality_hold", "damaged")


@dataclass(frozen=True, slots=True)
class Article:
    """An item and how it usually sells: the generator's view, richer than the problem's `Item`."""

    item: Item
    pack: int
    typical_qty: int


def catalogue(rng: random.Random, count: int, substitutes: int) -> list[Article]:
    """`count` items in groups of `substitutes + 1` interchangeable items, each listing the others by rank."""
    size = substitutes + 1
    count = -(-max(count, size) // size) * size  # whole groups, so every item has exactly `substitutes`
    articles: list[Article] = []
    for start in range(0, count, size):
        members = [f"SKU-{n:05d}" for n in range(start + 1, start + size + 1)]
        base_cost = rng.lognormvariate(3.0, 0.9)
        pack = rng.choice(PACKS)
        for k, sku in enumerate(members):
            others = members[k + 1 :] + members[:k]  # the next in the group ranks first
            item = Item(
                id=sku,
                unit_cost=round(base_cost * rng.uniform(0.9, 1.15), 2),
                substitutes=tuple(Substitute(item=o, rank=r) for r, o in enumerate(others, start=1)),
            )
            packs = max(1, round(rng.lognormvariate(1.2, 0.7)))
            articles.append(Article(item=item, pack=pack, typical_qty=pack * packs))
    return articles


def stock_positions(
    rng: random.Random, articles: list[Article], locations: list[str], supply_ratio: float, spread: float = 2.0
) -> list[StockPosition]:
    """Stock of each item at a few warehouses (`1 + spread` on average) totalling about `supply_ratio` of its
    typical order."""
    rows: list[StockPosition] = []
    for article in articles:
        if rng.random() < 0.1:  # out of stock everywhere: only inbound can serve it
            continue
        spots = rng.sample(locations, min(len(locations), 1 + int(rng.expovariate(1 / spread))))
        weights = [rng.random() + 0.2 for _ in spots]
        total = article.typical_qty * supply_ratio * rng.uniform(0.5, 1.5)
        for spot, weight in zip(spots, weights, strict=True):
            qty = int(total * weight / sum(weights))
            if qty > 0:
                rows.append(StockPosition(article.item.id, spot, qty))
            if rng.random() < 0.08:
                held = max(1, qty // 3)
                rows.append(StockPosition(article.item.id, spot, held, rng.choice(HELD_STATUSES)))
    return rows


def inbound_supply(
    rng: random.Random, articles: list[Article], locations: list[str], as_of: date
) -> list[InboundSupply]:
    """Purchase orders for about half the items, most due within two weeks, some beyond the horizon."""
    rows: list[InboundSupply] = []
    for article in articles:
        if rng.random() >= 0.5:
            continue
        qty = article.pack * max(1, round(article.typical_qty / article.pack * rng.uniform(0.3, 1.2)))
        eta = as_of + timedelta(days=min(60, 1 + int(rng.expovariate(1 / 12))))
        rows.append(InboundSupply(article.item.id, rng.choice(locations), qty, eta))
    return rows


def protections(rng: random.Random, stock: list[StockPosition], share: float = 0.08) -> list[Protection]:
    """Reserve part of some available stock (at least one position) for strategic and gold accounts."""
    available = [p for p in stock if p.status == "available" and p.qty >= 2]
    picked = [p for p in available if rng.random() < share]
    if not picked and available:
        picked = [max(available, key=lambda p: (p.qty, p.item, p.location))]
    tiers = ("strategic", "gold")
    return [
        Protection(p.item, p.location, max(1, int(p.qty * rng.uniform(0.2, 0.6))), rng.choice(tiers)) for p in picked
    ]
