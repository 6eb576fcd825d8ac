"""Every adapter of the network store keeps the same state: events all or nothing, replays no-ops, reads by item."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from decision_service.codec.network_rows import snapshot_rows
from decision_service.codec.schemas.network import NetworkSchema
from decision_service.network.availability import availability_of
from decision_service.network.events import apply_events
from decision_service.network.memory import InMemoryNetworkStore
from decision_service.network.model import InvalidEvent, NetworkEvent, Reservation, UnknownNetwork
from decision_service.network.port import NetworkStore
from decision_service.network.slicing import network_slice
from decision_service.network.view import Changes
from decision_service.storage.memory import InMemoryDecisionLog
from decision_service.storage.sql.network import SqlNetworkStore
from decision_service.web.resources.allocations import SPEC_EXAMPLE
from tests.integration.storage.stores import migrated

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NetworkStore]:
    if request.param == "memory":
        yield InMemoryNetworkStore(InMemoryDecisionLog())
        return
    with migrated(request.param, tmp_path) as (_, engine):
        yield SqlNetworkStore(engine)


def _loaded(store: NetworkStore) -> NetworkStore:
    store.load("n1", snapshot_rows(NetworkSchema().load(SPEC_EXAMPLE["network"])))
    return store


def _apply(store: NetworkStore, *events: NetworkEvent) -> tuple[tuple[str, ...], tuple[str, ...]]:
    applied = store.commit("n1", lambda changes: apply_events(changes, events, NOW))
    return applied.applied, applied.replayed


def _sellable(store: NetworkStore) -> list[tuple[str, int]]:
    pools = store.read("n1", lambda state: availability_of(state, "SKU-1", None, TODAY, NOW))
    return [(p.source, p.sellable) for p in pools]


def adjust(event_id: str, delta: int) -> NetworkEvent:
    """A stock adjustment of SKU-1 at WH-EAST."""
    return NetworkEvent(event_id, "stock_adjusted", {"item": "SKU-1", "location": "WH-EAST", "status": "available",
                                                     "delta": delta})  # fmt: skip


def test_events_apply_in_order_once_and_all_or_nothing(store: NetworkStore) -> None:
    _loaded(store)
    assert _sellable(store) == [("stock", 25), ("inbound", 100)]
    assert _apply(store, adjust("a", 5), adjust("b", -10)) == (("a", "b"), ())
    assert _apply(store, adjust("a", 5), adjust("c", 1)) == (("c",), ("a",))
    with pytest.raises(InvalidEvent) as refused:
        _apply(store, adjust("d", 100), adjust("e", -1000))
    assert refused.value.errors[0][0] == "events[1].delta"
    assert _sellable(store) == [("stock", 21), ("inbound", 100)]
    assert _apply(store, adjust("d", 1)) == (("d",), ())  # the refused batch did not mark "d" as applied


def test_a_snapshot_replaces_the_rows_and_unknown_networks_are_refused(store: NetworkStore) -> None:
    with pytest.raises(UnknownNetwork):
        store.read("n1", lambda state: None)
    _loaded(store)
    _apply(store, adjust("a", 5))
    _loaded(store)
    assert _sellable(store) == [("stock", 25), ("inbound", 100)]
    assert _apply(store, adjust("a", 5)) == ((), ("a",))  # applied event ids outlive a snapshot


def test_the_slice_of_an_order_holds_its_items_their_substitutes_and_the_small_tables(store: NetworkStore) -> None:
    _loaded(store)
    network = store.read("n1", lambda state: network_slice(state, ["SKU-1B"], "C-17", NOW))
    assert [row["id"] for row in network["items"]] == ["SKU-1B"]
    assert network["stock"] == [] and len(network["locations"]) == 2 and network["customers"][0]["id"] == "C-17"
    network = store.read("n1", lambda state: network_slice(state, ["SKU-1"], "C-99", NOW))
    assert sorted(row["id"] for row in network["items"]) == ["SKU-1", "SKU-1B"] and network["customers"] == []


def _reservation(number: int, status: str, qty: int, expires: datetime | None) -> Reservation:
    return Reservation(f"r{number}", "n1", "SKU-1", "WH-EAST", "stock", None, qty, status, NOW, expires,
                       order_id=f"SO-{number}", line=1, customer="C-17", unit_price=2.5)  # fmt: skip


def test_a_customers_reserved_value_counts_only_what_its_open_reservations_still_hold(store: NetworkStore) -> None:
    _loaded(store)
    later, earlier = NOW + timedelta(minutes=5), NOW - timedelta(minutes=5)
    kept = [_reservation(1, "held", 4, later), _reservation(2, "confirmed", 6, None),
            _reservation(3, "held", 100, earlier), _reservation(4, "released", 100, None)]  # fmt: skip

    def save(changes: Changes) -> float:
        for r in kept:
            changes.save(r)
        return changes.reserved_value_of("C-17", NOW)  # the buffer's view, before its commit

    assert store.commit("n1", save) == (4 + 6) * 2.5
    assert store.read("n1", lambda state: state.reserved_value_of("C-17", NOW)) == (4 + 6) * 2.5
    assert store.read("n1", lambda state: state.reserved_value_of("C-99", NOW)) == 0
    shipped = replace(kept[1], shipped=2)
    assert store.commit("n1", lambda changes: (changes.save(shipped), changes.reserved_value_of("C-17", NOW))[1]) == 20
    network = store.read("n1", lambda state: network_slice(state, ["SKU-1"], "C-17", NOW))
    assert network["customers"][0]["open_balance"] == 20 and network["stock"][0]["qty"] == 25 - 4 - 4


def test_a_slice_sees_every_change_of_the_small_tables_it_may_keep_between_readings(store: NetworkStore) -> None:
    _loaded(store)

    def lanes() -> list[float]:
        network = store.read("n1", lambda state: network_slice(state, ["SKU-1"], "C-17", NOW))
        return [lane["unit_cost"] for lane in network["lanes"]]

    assert lanes() == [0.25] and lanes() == [0.25]  # read, then (SQL stores) kept
    lane = {"from": "WH-WEST", "to": "WH-EAST", "unit_cost": 0.5, "lead_days": 3, "capacity": 500}
    _apply(store, NetworkEvent("lane-1", "lane_changed", {"lane": lane}))
    assert lanes() == [0.5]
    _apply(store, NetworkEvent("lane-2", "lane_changed", {"lane": lane, "removed": True}))
    assert lanes() == []
    _loaded(store)  # a new snapshot: the example's lane again
    assert lanes() == [0.25]


def test_the_readers_statements_search_their_indexes_never_scan(tmp_path: Path) -> None:
    from decision_service.storage.sql import network_reader as reader
    from decision_service.storage.sql.driver import driver_sql

    statements = {  # each statement, its values, and the lengths of its lists
        reader.OF_ITEMS: (("n1", "stock", "inbound", "SKU-1", "SKU-2"), (2, 2)),
        reader.BY_KEYS: (("n1", "items", '["SKU-1"]'), (1,)),
        reader.OF_KINDS: (("n1", "locations", "lanes"), (2,)),
        reader.RESERVATIONS_OF_ITEMS: (("n1", "SKU-1", "SKU-2"), (2,)),
        reader.RESERVED_VALUE: (("n1", "C-17", "2026-11-23 09:00:00.000000"), ()),
        reader.RESERVATION: (("r1", "n1"), ()),
        reader.LAYOUT: (("n1",), ()),
    }
    with migrated("sqlite", tmp_path) as (_, engine), engine.connect() as connection:
        for statement, (values, lists) in statements.items():
            sql = driver_sql(statement, "qmark", *lists)
            plan = " | ".join(row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", values))
            assert plan.startswith("SEARCH") and "USING" in plan and "INDEX" in plan, (statement, plan)
