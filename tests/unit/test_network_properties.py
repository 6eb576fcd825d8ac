"""Whatever the ERP and the clerks do, in whatever order, no pool ever holds more promises than units, and a
refused step changes nothing (the in-memory store; the SQL stores share every rule with it)."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from decision_service.network.events import apply_events
from decision_service.network.memory import InMemoryNetworkStore
from decision_service.network.model import CONFIRMED, InvalidEvent, NetworkEvent
from decision_service.network.pools import pool_qty, reserved_by_pool
from decision_service.network.reserving import Conflict, ReservedFill, pools_of, reservations_for
from decision_service.network.slicing import network_slice
from decision_service.network.view import Changes
from decision_service.storage.memory import InMemoryDecisionLog

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
AS_OF = date(2026, 11, 23)
ITEM, HERE, ETA = "SKU-1", "WH-1", "2026-11-25"
TABLES: dict[str, list[dict[str, Any]]] = {
    "locations": [{"id": HERE, "entity": "E"}],
    "items": [{"id": ITEM, "unit_cost": 1.0, "substitutes": []}],
    "stock": [{"item": ITEM, "location": HERE, "qty": 10, "status": "available"}],
    "inbound": [{"item": ITEM, "location": HERE, "qty": 5, "eta": ETA}],
    "customers": [{"id": "C"}],
}
STEPS = st.one_of(
    st.tuples(st.just("adjust"), st.integers(-12, 12)),
    st.tuples(st.just("hold"), st.integers(-6, 6)),
    st.tuples(st.just("receive"), st.integers(0, 6)),
    st.tuples(st.just("reserve"), st.integers(1, 8), st.sampled_from(["stock", "inbound"])),
    st.tuples(st.just("confirm"), st.integers(0, 20)),
    st.tuples(st.just("ship"), st.integers(0, 20), st.integers(1, 8)),
)


def _event(step: tuple[Any, ...], number: int, reservations: list[str]) -> NetworkEvent | None:
    at = {"item": ITEM, "location": HERE}
    if step[0] == "adjust":
        return NetworkEvent(f"e{number}", "stock_adjusted", {**at, "status": "available", "delta": step[1]})
    if step[0] == "hold":  # a quality hold placed (positive) or released (negative)
        source, target = ("available", "quality_hold") if step[1] >= 0 else ("quality_hold", "available")
        return NetworkEvent(f"e{number}", "status_changed", {**at, "qty": abs(step[1]), "from": source, "to": target})
    if step[0] == "receive":
        return NetworkEvent(f"e{number}", "receipt_posted", {**at, "qty": step[1], "eta": ETA})
    if step[0] == "ship" and reservations:
        return NetworkEvent(f"e{number}", "shipment_posted",
                            {"reservation": reservations[step[1] % len(reservations)], "qty": step[2]})  # fmt: skip
    return None


def _reserve(changes: Changes, qty: int, source: str) -> list[str]:
    seen = network_slice(changes, [ITEM], "C", NOW)
    available = AS_OF if source == "stock" else date.fromisoformat(ETA)
    fill = ReservedFill(1, ITEM, HERE, source, available, qty)
    who = {"network_id": "n", "order_id": "o", "customer": "C", "decision_id": "d"}
    made = reservations_for([fill], pools_of(seen), AS_OF, NOW, timedelta(minutes=5), **who)
    for reservation in made:
        changes.save(reservation)
    return [r.id for r in made]


def _confirm(changes: Changes, reservation_id: str) -> None:
    from dataclasses import replace

    found = changes.reservation(reservation_id)
    if found is not None and found.status == "held":
        changes.save(replace(found, status=CONFIRMED, expires_at=None))


def _state(store: InMemoryNetworkStore) -> Any:
    return copy.deepcopy(store._networks["n"])


@settings(max_examples=150, deadline=None)
@given(st.lists(STEPS, max_size=25))
def test_no_pool_ever_holds_more_promises_than_units_and_refusals_change_nothing(steps: list[Any]) -> None:
    store = InMemoryNetworkStore(InMemoryDecisionLog())
    store.load("n", copy.deepcopy(TABLES))
    reservations: list[str] = []
    for number, step in enumerate(steps):
        before = _state(store)
        event = _event(step, number, reservations)
        try:
            if event is not None:
                store.commit("n", lambda c, e=event: apply_events(c, [e], NOW))
            elif step[0] == "reserve":
                reservations += store.commit("n", lambda c, s=step: _reserve(c, s[1], s[2]))
            elif step[0] == "confirm" and reservations:
                chosen = reservations[step[1] % len(reservations)]
                store.commit("n", lambda c, r=chosen: _confirm(c, r))
        except (InvalidEvent, Conflict):
            assert _state(store) == before  # refused: nothing changed
        network = store._networks["n"]
        promised = reserved_by_pool(list(network.reservations.values()), NOW)
        for pool, units in promised.items():
            assert units <= pool_qty(network, pool), (pool, units, step)
        assert all(row["qty"] >= 0 for rows in network.rows.values() for row in rows.values() if "qty" in row)
