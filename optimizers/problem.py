"""The allocation problem: what an ERP knows about one order and its inventory network.

Immutable records named for the trade: the rows of a request (lines, stock, routes, ...) are NamedTuples, built
four times faster than frozen dataclasses, and the three records around them are frozen dataclasses. Everything
here is input; nothing is derived. The meaning of
each field is `shared/spec/allocation.md`; defaults are the spec's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

DEFAULT_TIERS: tuple[str, ...] = ("strategic", "gold", "silver", "standard")
# The stock statuses the service knows; only "available" stock is allocatable (spec: Supply). A status outside
# this vocabulary is refused as input rather than silently read as unsellable.
STOCK_STATUSES: tuple[str, ...] = ("available", "quality_hold", "blocked", "damaged", "expired", "returned")


class OrderLine(NamedTuple):
    line: int
    item: str
    qty: int
    unit_price: float
    allow_substitution: bool = True
    ship_complete: bool = False


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    customer: str
    entity: str
    ship_to_region: str
    requested_date: date
    lines: tuple[OrderLine, ...]


class Location(NamedTuple):
    id: str
    entity: str


class Substitute(NamedTuple):
    item: str
    rank: int


class Item(NamedTuple):
    id: str
    unit_cost: float
    substitutes: tuple[Substitute, ...] = ()


class StockPosition(NamedTuple):
    item: str
    location: str
    qty: int
    status: str = "available"


class InboundSupply(NamedTuple):
    item: str
    location: str
    qty: int
    eta: date


class ShippingRoute(NamedTuple):
    """Outbound shipping from a location to a customer region."""

    location: str
    region: str
    unit_cost: float
    transit_days: int


class TransferLane(NamedTuple):
    """A one-hop transfer between two locations; capacity None means unlimited."""

    from_location: str
    to_location: str
    unit_cost: float
    lead_days: int
    capacity: int | None = None


class Customer(NamedTuple):
    id: str
    tier: str | None = None
    allow_substitution: bool = True
    max_shipments: int | None = None


class Protection(NamedTuple):
    """`qty` available units of (item, location) reserved for customers of `min_tier` or better."""

    item: str
    location: str
    qty: int
    min_tier: str


@dataclass(frozen=True, slots=True)
class Policy:
    """How to decide. `work_limit` (None: none) bounds the solve by deterministic work units instead of wall
    time alone, so a decision cut short by it is reproduced exactly by the same input on any machine."""

    tiers: tuple[str, ...] = DEFAULT_TIERS
    horizon_days: int = 30
    time_limit_ms: int = 1000
    work_limit: int | None = None


@dataclass(frozen=True, slots=True)
class AllocationProblem:
    """One order and the network it may be served from, as of a date."""

    as_of: date
    order: Order
    locations: tuple[Location, ...]
    items: tuple[Item, ...]
    stock: tuple[StockPosition, ...] = ()
    inbound: tuple[InboundSupply, ...] = ()
    shipping: tuple[ShippingRoute, ...] = ()
    lanes: tuple[TransferLane, ...] = ()
    customers: tuple[Customer, ...] = ()
    protections: tuple[Protection, ...] = ()
    policy: Policy = field(default_factory=Policy)

    def customer(self) -> Customer:
        """The order's customer; a customer absent from the network gets the defaults."""
        for c in self.customers:
            if c.id == self.order.customer:
                return c
        return Customer(id=self.order.customer)
