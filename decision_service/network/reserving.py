"""Reserving a decision's fills: only if the pools the solve read are unchanged, one reservation per pool used.

The solve runs outside any lock on a slice of the network; the unit of work that commits the reservations
reads the same slice again under the store's locks and refuses (`Conflict`) if any pool's available quantity
differs, so the decision is optimal against the availability at the moment it is committed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from decision_service.network.model import EXPIRED, HELD, INBOUND, STOCK, Reservation
from decision_service.network.pools import Pool
from decision_service.network.view import Changes


class Conflict(Exception):
    """The pools a decision read changed before its reservations could commit: solve again."""


class ReserveConflict(Exception):
    """The pools kept changing under every attempt: nothing was reserved or recorded."""


@dataclass(frozen=True, slots=True)
class ReservedFill:
    """What one fill of a decision needs reserved."""

    line: int
    item: str
    location: str
    source: str
    available_date: date
    qty: int
    unit_price: float = 0.0


def pools_of(network: dict[str, Any]) -> dict[Pool, int]:
    """The quantity available in each pool of a network slice (after the reservations the slice took off)."""
    pools: dict[Pool, int] = {}
    for s in network["stock"]:
        if s["status"] == "available":
            pools[(s["item"], s["location"], None)] = s["qty"]
    for i in network["inbound"]:
        pools[(i["item"], i["location"], i["eta"])] = i["qty"]
    return pools


def _pools_for(fill: ReservedFill, pools: dict[Pool, int], as_of: date) -> list[Pool]:
    if fill.source == STOCK:
        return [(fill.item, fill.location, None)]
    due = [p for p in pools if p[:2] == (fill.item, fill.location) and p[2] is not None]
    return sorted(p for p in due if max(date.fromisoformat(str(p[2])), as_of) == fill.available_date)


def reservations_for(
    fills: Iterable[ReservedFill], pools: dict[Pool, int], as_of: date, now: datetime, ttl: timedelta, **who: Any
) -> list[Reservation]:
    """Reservations holding `fills` in `pools` (an inbound fill may span inbound rows of one available date)."""
    left = dict(pools)
    made: list[Reservation] = []
    for fill in fills:
        need = fill.qty
        for pool in _pools_for(fill, left, as_of):
            take = min(need, left.get(pool, 0))
            if take <= 0:
                continue
            left[pool] -= take
            need -= take
            source = STOCK if pool[2] is None else INBOUND
            made.append(Reservation(f"rsv-{uuid.uuid4().hex}", who["network_id"], fill.item, fill.location, source,
                                    pool[2], take, HELD, now, now + ttl, who["order_id"], fill.line,
                                    who["customer"], who["decision_id"], unit_price=fill.unit_price))  # fmt: skip
        if need:
            raise Conflict(f"line {fill.line}: {need} units of {fill.item} at {fill.location} are no longer there")
    return made


def expire_due(changes: Changes, items: Iterable[str], now: datetime) -> list[Reservation]:
    """Mark every held reservation of `items` past its expiry as expired; the ones marked."""
    expired = []
    for item in items:
        for r in changes.reservations_of_item(item):
            if r.status == HELD and r.expires_at is not None and r.expires_at <= now:
                expired.append(replace(r, status=EXPIRED))
                changes.save(expired[-1])
    return expired
