"""Fixtures: `log` is every adapter of the port in turn; `sql` every SQL database in turn."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from decision_service.orders.log import DecisionLog
from decision_service.storage.memory import InMemoryDecisionLog
from decision_service.storage.sql import SqlDecisionLog
from tests.integration.storage.stores import migrated


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def log(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DecisionLog]:
    if request.param == "memory":
        yield InMemoryDecisionLog()
        return
    with migrated(request.param, tmp_path) as (_, engine):
        yield SqlDecisionLog(engine)


@pytest.fixture(params=["sqlite", "postgresql"])
def sql(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    with migrated(request.param, tmp_path) as database:
        yield database
