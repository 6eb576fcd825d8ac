"""Logs to test against: the fake, a migrated SQLite file, and a fresh PostgreSQL schema when one is configured.

PostgreSQL tests run whenever DECISION_SERVICE_TEST_POSTGRES_URL is set (CI sets it) and skip, saying why, only
when it is not. Each PostgreSQL log lives in its own schema (search_path in the URL), dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, create_engine, text

from decision_service.orders.log import DecisionRecord
from decision_service.storage.migrate import upgrade
from decision_service.storage.sql import engine_from_url

POSTGRES_ENV = "DECISION_SERVICE_TEST_POSTGRES_URL"
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def postgres_base_url() -> str:
    """The configured server, or a skip that says how to configure it."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to test against")
    return url


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL whose connections use a new, empty schema; the schema is dropped on exit."""
    base = postgres_base_url()
    schema = f"log_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        separator = "&" if "?" in base else "?"
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    finally:
        admin.dispose()


@contextmanager
def migrated(kind: str, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """A migrated database of `kind` ("sqlite" or "postgresql"): its URL and an engine on it."""
    with _url(kind, tmp_path) as url:
        upgrade(url)
        engine = engine_from_url(url)
        try:
            yield url, engine
        finally:
            engine.dispose()


@contextmanager
def _url(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "postgresql":
        with postgres_schema() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'log.sqlite3'}"


def record(number: int, **changes: Any) -> DecisionRecord:
    """The `number`th decision of a small day of orders: three customers, four items, some held."""
    base = DecisionRecord(
        id=f"dec-{number:04d}",
        kind="allocation",
        recorded_at=START + timedelta(minutes=number),
        actor="order-entry",
        request={"order_id": f"SO-{number}", "lines": [{"item": f"I{number % 4}", "quantity": number}]},
        response={"decision_id": f"dec-{number:04d}", "fill": 0.5 + number / 1000, "note": "café"},
        input_hash=f"sha256:{number:064x}",
        rules_versions={"allocation": "3"},
        versions={"service": "0.1.0"},
        facets=facets_of(number),
    )
    return replace(base, **changes)


def facets_of(number: int) -> tuple[tuple[str, str], ...]:
    """The facets of the `number`th decision: every FACETS name appears on some records."""
    pairs = [("order_id", f"SO-{number}"), ("customer", f"C{number % 3}"), ("item", f"I{number % 4}")]
    pairs.append(("item", f"I{(number + 1) % 4}"))
    if number % 5 == 0:
        pairs += [("held", "true"), ("reason", "credit"), ("exception", "credit_hold"), ("severity", "high")]
    if number % 2 == 0:
        pairs.append(("rule", "allocation/priority"))
    if number % 11 == 0:  # decided under an Idempotency-Key (its digest)
        pairs.append(("idempotency", f"sha256:{number:064x}"))
    if number % 7 == 0:  # a rule table's change rather than an order decision
        pairs = [("domain", "rules"), ("table", "credit")]
    return tuple(pairs)
