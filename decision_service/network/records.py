"""The decision log's records of reservations: made, confirmed, released, expired (kinds `reservation_*`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from decision_service.network.model import Reservation
from decision_service.orders.log import DecisionRecord

Versions = dict[str, str]
RESERVED, CONFIRMED, RELEASED, EXPIRED = (
    "reservation", "reservation_confirmed", "reservation_released", "reservation_expired",
)  # fmt: skip


def reservation_json(r: Reservation) -> dict[str, Any]:
    """A reservation as the API and the log show it."""
    return {
        "id": r.id, "network_id": r.network_id, "order_id": r.order_id, "line": r.line, "customer": r.customer,
        "decision_id": r.decision_id, "item": r.item, "location": r.location, "source": r.source,
        "eta": r.eta, "qty": r.qty, "shipped": r.shipped, "unit_price": r.unit_price, "status": r.status,
        "created_at": r.created_at.isoformat(),
        "expires_at": None if r.expires_at is None else r.expires_at.isoformat(),
    }  # fmt: skip


def reservation_record(
    kind: str,
    record_id: str,
    reservations: Sequence[Reservation],
    *,
    actor: str,
    at: datetime,
    versions: dict[str, str],
) -> DecisionRecord:
    """One log record of `kind` about `reservations` (all of one network and order)."""
    first = reservations[0]
    facets = {("domain", "reservations"), ("order_id", first.order_id), ("customer", first.customer)}
    facets |= {("item", r.item) for r in reservations}
    body = {"network_id": first.network_id, "reservations": [reservation_json(r) for r in reservations]}
    return DecisionRecord(id=record_id, kind=kind, recorded_at=at, actor=actor, request={"kind": kind},
                          response=body, input_hash="", rules_versions={}, versions=versions,
                          facets=tuple(sorted(facets)))  # fmt: skip
