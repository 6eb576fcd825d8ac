"""Every adapter of the idempotency store answers a key the same way: new, in flight, replay, mismatch, expired."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from decision_service.orders.idempotency import (
    IN_FLIGHT,
    MISMATCH,
    NEW,
    REPLAY,
    IdempotencyStore,
    KeyPolicy,
    StoredAnswer,
)
from decision_service.storage.memory import InMemoryIdempotencyStore
from decision_service.storage.sql.idempotency import SqlIdempotencyStore
from tests.integration.storage.stores import migrated

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
POLICY = KeyPolicy(ttl=timedelta(hours=24), stale=timedelta(minutes=2))


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[IdempotencyStore]:
    if request.param == "memory":
        yield InMemoryIdempotencyStore()
        return
    with migrated(request.param, tmp_path) as (_, engine):
        yield SqlIdempotencyStore(engine)


def test_a_key_is_new_then_in_flight_then_replayed_until_it_expires(store: IdempotencyStore) -> None:
    answer = StoredAnswer(200, b'{"ok": true}', "application/json")
    assert store.claim("s", "k", "f1", NOW, POLICY).state == NEW
    assert store.claim("s", "k", "f1", NOW, POLICY).state == IN_FLIGHT
    assert store.claim("s", "k", "f2", NOW, POLICY).state == MISMATCH
    store.finish("s", "k", answer)
    replayed = store.claim("s", "k", "f1", NOW + timedelta(hours=23), POLICY)
    assert (replayed.state, replayed.answer) == (REPLAY, answer)
    assert store.claim("s", "other", "f1", NOW, POLICY).state == NEW  # another key, or another scope
    assert store.claim("s", "k", "f2", NOW + timedelta(hours=24), POLICY).state == NEW  # expired: a new request


def test_a_failed_or_abandoned_request_frees_its_key(store: IdempotencyStore) -> None:
    store.claim("s", "k", "f1", NOW, POLICY)
    store.finish("s", "k", None)
    assert store.claim("s", "k", "f1", NOW, POLICY).state == NEW
    assert store.claim("s", "k", "f1", NOW + timedelta(minutes=3), POLICY).state == NEW  # the worker died
