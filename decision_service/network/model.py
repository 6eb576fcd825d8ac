"""The records of the live network: rows in the JSON shape of a request's `network`, reservations, events."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Row = dict[str, Any]  # one row of a network table, in the JSON shape of the request's `network`
KINDS = ("locations", "items", "stock", "inbound", "shipping", "lanes", "customers", "protections")
ITEM_KINDS = ("items", "stock", "inbound", "protections")  # kept and read by item
HELD, CONFIRMED, RELEASED, EXPIRED, SHIPPED = "held", "confirmed", "released", "expired", "shipped"
STOCK, INBOUND = "stock", "inbound"
_KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "locations": ("id",),
    "items": ("id",),
    "stock": ("item", "location", "status"),
    "inbound": ("item", "location", "eta"),
    "shipping": ("location", "region"),
    "lanes": ("from", "to"),
    "customers": ("id",),
    "protections": ("item", "location", "min_tier"),
}


def key_of(kind: str, row: Row) -> str:
    """The natural key of a row of `kind`: rows with the same key are one row (quantities add up)."""
    return json.dumps([row[name] for name in _KEY_FIELDS[kind]], ensure_ascii=False)


def key_values(kind: str, row: Row) -> tuple[str, ...]:
    """The natural key of a row as a tuple: the same order wherever rows are listed, without writing JSON."""
    return tuple(str(row[name]) for name in _KEY_FIELDS[kind])


def item_of(kind: str, row: Row) -> str | None:
    """The item a row is about, for the kinds kept by item; None for the others."""
    if kind == "items":
        return str(row["id"])
    return str(row["item"]) if kind in ITEM_KINDS else None


def stock_key(item: str, location: str, status: str = "available") -> str:
    """The key of the stock row of (item, location, status)."""
    return key_of("stock", {"item": item, "location": location, "status": status})


def inbound_key(item: str, location: str, eta: str) -> str:
    """The key of the inbound row of (item, location, eta)."""
    return key_of("inbound", {"item": item, "location": location, "eta": eta})


@dataclass(frozen=True, slots=True)
class Reservation:
    """Units of one pool promised to one order line: held until it expires, or confirmed until shipped."""

    id: str
    network_id: str
    item: str
    location: str
    source: str  # STOCK or INBOUND
    eta: str | None  # the inbound row's eta; None for stock
    qty: int
    status: str
    created_at: datetime
    expires_at: datetime | None
    order_id: str = ""
    line: int = 0
    customer: str = ""
    decision_id: str = ""
    shipped: int = 0
    unit_price: float = 0.0  # the order line's price: what the customer owes for each unit once it ships

    @property
    def value(self) -> float:
        """What the units still promised are worth to the customer's credit: remaining units times the price."""
        return self.remaining * self.unit_price

    @property
    def remaining(self) -> int:
        """Units still promised: reserved and not yet shipped."""
        return self.qty - self.shipped

    def is_open(self, now: datetime) -> bool:
        """Whether it still holds units: confirmed, or held and not expired."""
        if self.status == CONFIRMED:
            return True
        return self.status == HELD and (self.expires_at is None or self.expires_at > now)

    def pool(self) -> tuple[str, str, str | None]:
        """(item, location, eta or None for stock): the pool whose units it holds."""
        return (self.item, self.location, self.eta if self.source == INBOUND else None)


@dataclass(frozen=True, slots=True)
class NetworkEvent:
    """One change the ERP reports; `data` holds the fields of its `type`, validated by the codec."""

    id: str
    type: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Applied:
    """What a batch of events did: the ids applied and those already applied before (replays, no-ops)."""

    applied: tuple[str, ...]
    replayed: tuple[str, ...]


class UnknownNetwork(LookupError):
    """No network with that id has been loaded."""


class InvalidEvent(ValueError):
    """An event that makes no sense against the state; `errors` are (field path, message); nothing changed."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__(f"{len(errors)} invalid event field(s)")
        self.errors = errors
