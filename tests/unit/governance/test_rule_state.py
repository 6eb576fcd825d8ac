"""The fold of rule records: the same records in the same order give every worker the same versions in force, and
a publication that lost a race to an overlapping one is void, not in force."""

from __future__ import annotations

from datetime import UTC, date, datetime

from decision_service.governance import events
from decision_service.governance.book import RuleBook
from decision_service.governance.state import IN_FORCE, VOID
from decision_service.orders.log import DecisionRecord
from decision_service.storage.memory import InMemoryDecisionLog
from rules.explain import plain
from rules.service import TABLES_DIR, RulesService
from rules.tableio import table_to_dict
from rules.versions import TableRegistry

SHIPPED = TableRegistry.load(TABLES_DIR)
STAMP = events.Stamp("owner", datetime(2026, 12, 1, tzinfo=UTC), {"decision-service": "test"})


def _book(log: InMemoryDecisionLog) -> RuleBook:
    return RuleBook(log, RulesService(registry=TableRegistry()))


def _draft(draft_id: str) -> DecisionRecord:
    table = plain(table_to_dict(SHIPPED.versions("credit")[-1].table))
    content = {k: v for k, v in table.items() if k not in ("key", "effective_from", "effective_to")}
    return events.rule_record(events.DRAFT, draft_id, "credit", STAMP, {"table": content},
                              {"draft_id": draft_id, "findings": []}, "sha256:x")  # fmt: skip


def _publication(record_id: str, draft_id: str, start: date) -> DecisionRecord:
    request = {"draft_id": draft_id, "effective_from": start.isoformat(), "effective_to": None, "comment": "c"}
    return events.rule_record(events.PUBLICATION, record_id, "credit", STAMP, request, {}, "sha256:x")


def test_seeds_reproduce_the_shipped_versions_hash_for_hash() -> None:
    log = InMemoryDecisionLog()
    book = _book(log)
    book.seed(SHIPPED, STAMP)
    for key in SHIPPED.keys():
        assert [v.version for v in book.rules.registry.versions(key)] == [v.version for v in SHIPPED.versions(key)]


def test_the_later_of_two_overlapping_publications_is_void_in_every_worker() -> None:
    log = InMemoryDecisionLog()
    first, second = _book(log), _book(log)
    first.seed(SHIPPED, STAMP)
    for record in (_draft("d1"), _draft("d2"), _publication("p1", "d1", date(2027, 2, 1)),
                   _publication("p2", "d2", date(2027, 1, 1))):  # fmt: skip
        log.append(record)  # as two workers would, each having checked against a state without the other's
    first.refresh()
    second.refresh()
    for book in (first, second):
        d1, d2 = book.draft("d1"), book.draft("d2")
        assert d1 is not None and d2 is not None
        assert d1.status == IN_FORCE and d2.status == VOID and d2.note and "must start after" in d2.note
        assert [v.effective_from for v in book.versions("credit")][-1] == date(2027, 2, 1)
