"""SQLite's durability mode: the setting reaches every connection of the log, and only safe modes are accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from decision_service.orders.log import verify
from decision_service.storage.migrate import upgrade
from decision_service.storage.sql import SqlDecisionLog, engine_from_url
from decision_service.web import Config, create_app
from decision_service.web.recording import LOG_KEY
from tests.integration.storage.stores import record

PRAGMA_VALUES = {"FULL": 2, "NORMAL": 1}  # what `PRAGMA synchronous` reads back


def _modes(log: SqlDecisionLog) -> tuple[str, int]:
    with log.engine.connect() as connection:
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar_one()
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar_one()
    return str(journal), int(synchronous)


@pytest.mark.parametrize("mode", ["FULL", "NORMAL", "normal"])
def test_the_log_appends_and_verifies_in_each_mode_on_every_connection(tmp_path: Path, mode: str) -> None:
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    upgrade(url)
    log = SqlDecisionLog(engine_from_url(url, synchronous=mode))
    for n in range(3):
        log.append(record(n))
    assert _modes(log) == ("wal", PRAGMA_VALUES[mode.upper()])
    assert verify(log).ok and verify(log).records == 3


@pytest.mark.parametrize("mode", ["OFF", "EXTRA ; DROP TABLE decision_records", ""])
def test_an_unsafe_or_unknown_mode_is_refused(tmp_path: Path, mode: str) -> None:
    with pytest.raises(ValueError, match="synchronous"):
        engine_from_url(f"sqlite:///{tmp_path / 'log.sqlite3'}", synchronous=mode)


@pytest.mark.parametrize(("configured", "expected"), [(None, "NORMAL"), ("FULL", "FULL")])
def test_the_service_opens_its_log_in_the_configured_mode(
    tmp_path: Path, configured: str | None, expected: str
) -> None:
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    upgrade(url)
    chosen = {} if configured is None else {"SQLITE_SYNCHRONOUS": configured}
    settings = Config(DATABASE_URL=url, **chosen)
    log = create_app(settings).extensions[LOG_KEY]
    assert isinstance(log, SqlDecisionLog)
    assert _modes(log)[1] == PRAGMA_VALUES[expected]


def test_a_postgresql_url_ignores_the_sqlite_mode() -> None:
    engine = engine_from_url("postgresql+psycopg://nobody@127.0.0.1:1/none", synchronous="NORMAL")
    assert engine.dialect.name == "postgresql"  # made without connecting: PostgreSQL's durability is the server's
