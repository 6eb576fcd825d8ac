"""The schema the migration makes: append-only by trigger, equal to the adapter's tables, found by the index."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from decision_service.orders.log import DecisionFilter
from decision_service.storage.migrate import MIGRATIONS, upgrade
from decision_service.storage.sql import SqlDecisionLog, engine_from_url
from decision_service.storage.sql.reading import page_query
from decision_service.storage.sql.tables import metadata
from tests.integration.storage.stores import migrated, record

REFUSED = [
    "UPDATE decision_records SET actor = 'intruder'",
    "DELETE FROM decision_records WHERE seq = 2",
    "UPDATE decision_facets SET value = 'C9' WHERE name = 'customer'",
    "DELETE FROM decision_facets",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_the_database_refuses_to_change_or_remove_a_record(sql: tuple[str, Engine], statement: str) -> None:
    log = SqlDecisionLog(sql[1])
    before = [log.append(record(number)) for number in (1, 2, 3)]
    with pytest.raises(DBAPIError, match="append-only"), sql[1].begin() as connection:
        connection.execute(text(statement))
    assert list(log.walk()) == before


def test_postgresql_refuses_truncate(tmp_path: Path) -> None:
    with migrated("postgresql", tmp_path) as (_, engine):
        SqlDecisionLog(engine).append(record(1))
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text("TRUNCATE decision_facets, decision_records"))
        assert len(list(SqlDecisionLog(engine).walk())) == 1


def test_migrating_again_changes_nothing_and_matches_the_adapters_tables(sql: tuple[str, Engine]) -> None:
    url, engine = sql
    SqlDecisionLog(engine).append(record(1))
    upgrade(url)
    upgrade(url)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == "0006"
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    assert [s.record.id for s in SqlDecisionLog(engine).walk()] == ["dec-0001"]


def test_the_migrations_ship_inside_the_package() -> None:
    package = Path(__file__).resolve().parents[3] / "decision_service" / "storage"
    assert MIGRATIONS == package / "migrations"
    assert {p.name for p in (MIGRATIONS / "versions").glob("*.py")} == {
        "0001_decision_log.py",
        "0002_api_keys.py",
        "0003_network_state.py",
        "0004_idempotency_keys.py",
        "0005_reservation_value.py",
        "0006_job_progress.py",
    }


def test_an_auditors_facet_question_is_answered_from_the_index(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    upgrade(url)
    engine = engine_from_url(url)
    try:
        query = page_query(DecisionFilter(facets={"customer": "C1", "item": "I2"}), after=0, limit=51)
        compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
        with engine.connect() as connection:
            plan = " | ".join(row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
    finally:
        engine.dispose()
    assert plan.startswith("SEARCH facet_0 USING COVERING INDEX ix_decision_facets_lookup"), plan
    assert "SCAN" not in plan and "TEMP B-TREE" not in plan, plan  # no table scan, no sort


def test_postgresql_can_answer_a_facet_question_from_the_index(tmp_path: Path) -> None:
    with migrated("postgresql", tmp_path) as (_, engine):
        log = SqlDecisionLog(engine)
        for number in range(1, 41):
            log.append(record(number))
        query = page_query(DecisionFilter(facets={"customer": "C1", "item": "I2"}), after=0, limit=51)
        compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
            connection.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny table is otherwise just scanned
            plan = "\n".join(row[0] for row in connection.execute(text(f"EXPLAIN {compiled}")))
        assert "ix_decision_facets_lookup" in plan, plan
        assert "Seq Scan" not in plan, plan
