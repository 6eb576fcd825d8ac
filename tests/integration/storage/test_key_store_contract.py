"""What every key store does alike, on the fake, a migrated SQLite file and PostgreSQL: keep a key's hash, find
it by id, refuse a taken name, list, and revoke so that the next read sees it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from decision_service.orders.keyhash import Authenticator, issue
from decision_service.orders.keys import DuplicateKey, KeyStore
from decision_service.storage.memory import InMemoryKeyStore
from decision_service.storage.sql.keys import SqlKeyStore
from tests.integration.storage.stores import migrated

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def keys(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[KeyStore]:
    if request.param == "memory":
        yield InMemoryKeyStore()
        return
    with migrated(request.param, tmp_path) as (_, engine):
        yield SqlKeyStore(engine)


def test_a_key_is_kept_as_issued_and_found_by_its_id(keys: KeyStore) -> None:
    issued = issue("erp-west", ["order_entry", "planner"], T0)
    keys.add(issued.stored)
    assert keys.get(issued.stored.id) == issued.stored  # salt bytes, hash, roles and time come back unchanged
    assert keys.get("000000000000") is None
    assert Authenticator(keys).authenticate(issued.key) == issued.stored


def test_a_name_is_taken_once_even_after_revocation(keys: KeyStore) -> None:
    keys.add(issue("auditor-1", ["auditor"], T0).stored)
    with pytest.raises(DuplicateKey):
        keys.add(issue("auditor-1", ["planner"], T0).stored)
    keys.revoke("auditor-1", T0 + timedelta(hours=1))
    with pytest.raises(DuplicateKey):
        keys.add(issue("auditor-1", ["planner"], T0).stored)
    assert [k.roles for k in keys.all()] == [("auditor",)]


def test_keys_are_listed_oldest_first_and_revoked_at_once(keys: KeyStore) -> None:
    first, second = issue("b-first", ["admin"], T0), issue("a-second", ["policy_owner:credit"], T0 + timedelta(1))
    keys.add(second.stored)
    keys.add(first.stored)
    assert [k.name for k in keys.all()] == ["b-first", "a-second"]
    authenticator = Authenticator(keys)
    assert authenticator.authenticate(first.key) is not None
    revoked = keys.revoke("b-first", T0 + timedelta(days=2))
    assert revoked is not None and revoked.revoked_at == T0 + timedelta(days=2) and not revoked.active
    assert authenticator.authenticate(first.key) is None  # the next read sees it, whatever was remembered
    assert keys.revoke("b-first", T0 + timedelta(days=3)) is None  # already revoked: nothing changes
    assert keys.revoke("nobody", T0) is None
    assert [(k.name, k.revoked_at) for k in keys.all()] == [("b-first", T0 + timedelta(days=2)), ("a-second", None)]
