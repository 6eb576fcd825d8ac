"""Property: the fake and SQLite give the same pages for the same records and questions, so unit tests that
use the fake say something about the database."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from datetime import timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decision_service.orders.log import FACETS, DecisionFilter, DecisionLog, DecisionRecord, Page
from decision_service.storage.memory import InMemoryDecisionLog
from decision_service.storage.migrate import upgrade
from decision_service.storage.sql import SqlDecisionLog, engine_from_url
from tests.integration.storage.stores import START

VALUES = ("a", "b", "ü")
text = st.text(alphabet=st.characters(codec="utf-8"), max_size=6)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
moments = st.builds(
    lambda minutes, hours: (START + timedelta(minutes=minutes)).astimezone(timezone(timedelta(hours=hours))),
    st.integers(0, 4),
    st.integers(-12, 12),
)
facet_pairs = st.lists(st.tuples(st.sampled_from(FACETS), st.sampled_from(VALUES)), max_size=5).map(tuple)
records = st.lists(
    st.builds(
        lambda at, request, response, pairs: (at, request, response, pairs),
        moments,
        json_values,
        json_values,
        facet_pairs,
    ),
    max_size=12,
)
questions = st.builds(
    DecisionFilter,
    facets=st.dictionaries(st.sampled_from(FACETS), st.sampled_from(VALUES), max_size=2),
    since=st.none() | moments,
    until=st.none() | moments,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "log.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


def _pages(log: DecisionLog, question: DecisionFilter, limit: int) -> Iterator[Page]:
    cursor = None
    while True:
        page = log.find(question, cursor, limit)
        yield page
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=records, question=questions, limit=st.integers(1, 4))
def test_the_fake_and_sqlite_answer_alike(template: Path, drawn: list, question: DecisionFilter, limit: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "log.sqlite3"
        shutil.copy(template, path)
        engine = engine_from_url(f"sqlite:///{path}")
        try:
            fake, sql = InMemoryDecisionLog(), SqlDecisionLog(engine)
            for number, (at, request, response, pairs) in enumerate(drawn):
                entry = DecisionRecord(f"d{number}", "allocation", at, "actor", request, response, "h", {}, {}, pairs)
                assert fake.append(entry) == sql.append(entry)
            assert list(_pages(fake, question, limit)) == list(_pages(sql, question, limit))
            assert [s.record.content() for s in sql.walk()] == [s.record.content() for s in fake.walk()]
        finally:
            engine.dispose()
