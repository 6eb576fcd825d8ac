"""The physical side of a synthetic distributor: regions, legal entities, warehouses, shipping and lanes.

Regions sit on a rough continental map (coordinates in hundreds of miles); a warehouse sits in a region with a
little jitter. Shipping and transfer cost and days grow with the distance between the two points, as a
carrier's rate card does.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from optimizers.problem import Location, ShippingRoute, TransferLane

# region -> (x, y, legal entity that owns the warehouses there)
REGIONS: dict[str, tuple[float, float, str]] = {
    "US-NE": (27.0, 10.0, "US01"),
    "US-MA": (25.0, 7.5, "US01"),
    "US-SE": (23.0, 3.0, "US01"),
    "US-MW": (18.0, 9.0, "US01"),
    "US-S": (14.0, 3.0, "US02"),
    "US-SW": (8.0, 4.0, "US02"),
    "US-W": (2.0, 6.0, "US02"),
    "US-NW": (3.0, 12.0, "US02"),
    "CA-E": (25.0, 13.0, "CA01"),
    "CA-W": (4.0, 15.0, "CA01"),
    "MX-N": (10.0, 0.0, "MX01"),
}


@dataclass(frozen=True, slots=True)
class Site:
    """A warehouse with where it is; the problem only sees its id and entity."""

    id: str
    region: str
    x: float
    y: float
    entity: str

    def location(self) -> Location:
        return Location(id=self.id, entity=self.entity)


def distance(x1: float, y1: float, x2: float, y2: float) -> float:
    return math.hypot(x1 - x2, y1 - y2)


def place_sites(rng: random.Random, count: int) -> list[Site]:
    """`count` warehouses spread round-robin over the regions, the busy US regions first."""
    names = list(REGIONS)
    sites: list[Site] = []
    for n in range(count):
        region = names[n % len(names)]
        x, y, entity = REGIONS[region]
        number = n // len(names) + 1
        sites.append(
            Site(
                f"WH-{region.replace('-', '')}-{number}",
                region,
                x + rng.uniform(-1.5, 1.5),
                y + rng.uniform(-1.5, 1.5),
                entity,
            )
        )
    return sites


def shipping_routes(rng: random.Random, sites: list[Site], reach: float = 12.0) -> list[ShippingRoute]:
    """Each warehouse ships to the regions within `reach`; a few national hubs ship everywhere."""
    hubs = {s.id for s in sites[:2]}
    routes: list[ShippingRoute] = []
    for site in sites:
        for region, (x, y, _) in REGIONS.items():
            d = distance(site.x, site.y, x, y)
            if d > reach and site.id not in hubs:
                continue
            routes.append(
                ShippingRoute(
                    location=site.id,
                    region=region,
                    unit_cost=round(0.20 + 0.06 * d * rng.uniform(0.9, 1.1), 2),
                    transit_days=1 + int(d // 6),
                )
            )
    return routes


def transfer_lanes(rng: random.Random, sites: list[Site], count: int) -> list[TransferLane]:
    """`count` directed lanes, each from a random warehouse to one of its four nearest neighbours."""
    count = min(count, len(sites) * (len(sites) - 1))
    seen: set[tuple[str, str]] = set()
    lanes: list[TransferLane] = []
    for attempt in range(100 * count + 1000):
        if len(lanes) == count:
            break
        a = sites[rng.randrange(len(sites))]
        near = sorted((s for s in sites if s.id != a.id), key=lambda s: (distance(a.x, a.y, s.x, s.y), s.id))
        # Mostly the nearest neighbours; uniform once the near pairs are taken, so any count completes.
        pick = int(rng.expovariate(0.7)) if attempt < 10 * count else rng.randrange(len(near))
        b = near[min(pick, len(near) - 1)]
        if (a.id, b.id) in seen:
            continue
        seen.add((a.id, b.id))
        d = distance(a.x, a.y, b.x, b.y)
        lanes.append(
            TransferLane(
                from_location=a.id,
                to_location=b.id,
                unit_cost=round(0.10 + 0.03 * d, 2),
                lead_days=1 + int(d // 5),
                capacity=None if rng.random() < 0.1 else rng.randrange(40, 400, 10),
            )
        )
    return lanes
