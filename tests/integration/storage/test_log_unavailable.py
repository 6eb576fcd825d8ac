"""A store that is down is `StoreUnavailable` within seconds, never a hang; when it is back, the same adapter
works again."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, text

from decision_service.orders.log import DecisionFilter, StoreUnavailable, verify
from decision_service.storage.migrate import upgrade
from decision_service.storage.sql import SqlDecisionLog, engine_from_url
from tests.integration.storage.proxy import Proxy, free_port
from tests.integration.storage.stores import migrated, postgres_base_url, postgres_schema, record

QUICKLY_S = 3.0


def _calls(log: SqlDecisionLog) -> dict[str, Callable[[], Any]]:
    return {
        "append": lambda: log.append(record(99)),
        "get": lambda: log.get("dec-0001"),
        "find": lambda: log.find(DecisionFilter(facets={"customer": "C1"})),
        "walk": lambda: list(log.walk()),
    }


def _assert_all_unavailable(log: SqlDecisionLog) -> None:
    for name, call in _calls(log).items():
        began = time.monotonic()
        with pytest.raises(StoreUnavailable):
            call()
        assert time.monotonic() - began < QUICKLY_S, f"{name} took too long to give up"


@contextmanager
def _log(url: str, **options: Any) -> Iterator[SqlDecisionLog]:
    engine = engine_from_url(url, **options)
    try:
        yield SqlDecisionLog(engine)
    finally:
        engine.dispose()


def test_postgresql_on_a_closed_port_is_unavailable_quickly() -> None:
    base = make_url(postgres_base_url())
    with _log(base.set(host="127.0.0.1", port=free_port()).render_as_string(hide_password=False)) as log:
        _assert_all_unavailable(log)


def test_postgresql_down_then_back_on_the_same_adapter() -> None:
    with postgres_schema() as url:
        upgrade(url)
        server = make_url(url)
        proxy = Proxy((server.host or "127.0.0.1", server.port or 5432))
        proxy.start()
        try:
            with _log(server.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)) as log:
                log.append(record(1))
                proxy.stop()
                _assert_all_unavailable(log)
                proxy.start()
                assert log.append(record(2)).seq == 2
                assert verify(log).records == 2 and verify(log).ok
        finally:
            proxy.stop()


def test_postgresql_connections_killed_by_the_server_are_replaced(tmp_path: Path) -> None:
    with migrated("postgresql", tmp_path) as (url, engine):
        log = SqlDecisionLog(engine)
        log.append(record(1))
        with engine.connect() as connection:
            pid = connection.scalar(text("SELECT pg_backend_pid()"))
        admin = create_engine(postgres_base_url())
        try:
            with admin.begin() as connection:
                assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        finally:
            admin.dispose()
        assert log.append(record(2)).seq == 2
        assert verify(log).ok


def test_postgresql_stuck_behind_a_table_lock_is_unavailable_then_works(tmp_path: Path) -> None:
    with migrated("postgresql", tmp_path) as (url, _), _log(url, timeout_ms=300) as log:
        log.append(record(1))
        blocker = engine_from_url(url).connect()
        try:
            blocker.execute(text("LOCK TABLE decision_records IN ACCESS EXCLUSIVE MODE"))  # a DBA's stuck session
            _assert_all_unavailable(log)
            blocker.rollback()
        finally:
            blocker.close()
            blocker.engine.dispose()
        assert log.append(record(2)).seq == 2
        assert verify(log).ok


def test_sqlite_in_a_missing_directory_is_unavailable_quickly(tmp_path: Path) -> None:
    with _log(f"sqlite:///{tmp_path / 'gone' / 'log.sqlite3'}") as log:
        _assert_all_unavailable(log)


def test_sqlite_held_by_another_writer_is_unavailable_to_appends_then_works(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    upgrade(url)
    with _log(url, timeout_ms=300) as log:
        log.append(record(1))
        other = sqlite3.connect(tmp_path / "log.sqlite3", isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # another process holding the write lock
            began = time.monotonic()
            with pytest.raises(StoreUnavailable):
                log.append(record(2))
            assert time.monotonic() - began < QUICKLY_S
            assert log.get("dec-0001") is not None  # WAL: readers are not blocked by the writer
            other.execute("ROLLBACK")
        finally:
            other.close()
        assert log.append(record(2)).seq == 2
        assert verify(log).ok
