"""The port's contract, held by every adapter: the in-memory fake, SQLite and PostgreSQL (when configured)."""

from __future__ import annotations

import threading
from datetime import timedelta, timezone

import pytest

from decision_service.orders.log import (
    FACETS,
    GENESIS,
    DecisionFilter,
    DecisionLog,
    Digest,
    DuplicateRecord,
    InvalidCursor,
    Sealed,
    chain_hash,
    verify,
)
from decision_service.storage.records import normalised
from tests.integration.storage.stores import START, record


def _fill(log: DecisionLog, count: int) -> list[Sealed]:
    return [log.append(record(number)) for number in range(1, count + 1)]


def _all(log: DecisionLog, question: DecisionFilter, limit: int) -> list[Sealed]:
    found, cursor = [], None
    while True:
        page = log.find(question, cursor, limit)
        found += page.records
        if page.next_cursor is None:
            return found
        cursor = page.next_cursor


def test_appends_are_sealed_in_order_each_after_the_one_before(log: DecisionLog) -> None:
    sealed = _fill(log, 4)
    assert [s.seq for s in sealed] == [1, 2, 3, 4]
    previous = GENESIS
    for s in sealed:
        assert s.prev_hash == previous and s.hash == chain_hash(previous, s.record.content())
        previous = s.hash


def test_a_record_reads_back_as_it_was_appended(log: DecisionLog) -> None:
    other_zone = record(1, recorded_at=START.astimezone(timezone(timedelta(hours=-5))), request={"x": [1, 2.5, None]})
    appended = log.append(other_zone)
    got = log.get(other_zone.id)
    assert got == appended
    assert got is not None and got.record == normalised(other_zone)
    assert got.record.content() == other_zone.content()  # bit for bit: the hash can be recomputed from it
    assert log.get("no-such-decision") is None


def test_an_id_is_recorded_once(log: DecisionLog) -> None:
    log.append(record(1))
    with pytest.raises(DuplicateRecord):
        log.append(record(1, actor="someone else"))
    assert [s.record.actor for s in log.walk()] == ["order-entry"]


@pytest.mark.parametrize("name", FACETS)
def test_every_facet_finds_exactly_the_records_that_carry_it(log: DecisionLog, name: str) -> None:
    sealed = _fill(log, 12)
    value = next(v for s in sealed for n, v in s.record.facets if n == name)
    page = log.find(DecisionFilter(facets={name: value}), limit=100)
    assert [s.record.id for s in page.records] == [s.record.id for s in sealed if (name, value) in s.record.facets]
    assert page.records and page.next_cursor is None


def test_facets_together_must_all_match(log: DecisionLog) -> None:
    sealed = _fill(log, 30)
    question = DecisionFilter(facets={"customer": "C0", "held": "true", "item": "I3"})
    expected = [
        s.record.id for s in sealed if {("customer", "C0"), ("held", "true"), ("item", "I3")} <= set(s.record.facets)
    ]
    assert [s.record.id for s in log.find(question, limit=100).records] == expected == ["dec-0015", "dec-0030"]


def test_since_is_inclusive_and_until_exclusive(log: DecisionLog) -> None:
    _fill(log, 10)
    since, until = START + timedelta(minutes=3), START + timedelta(minutes=7)
    assert [s.seq for s in log.find(DecisionFilter(since=since, until=until)).records] == [3, 4, 5, 6]
    in_new_york = since.astimezone(timezone(timedelta(hours=-5)))
    assert [s.seq for s in log.find(DecisionFilter(since=in_new_york), limit=3).records] == [3, 4, 5]
    assert log.find(DecisionFilter(facets={"customer": "C1"}, until=since)).records[0].seq == 1


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 7, 50])
def test_pages_give_every_answer_once_oldest_first(log: DecisionLog, limit: int) -> None:
    sealed = _fill(log, 16)
    for question in (
        DecisionFilter(),
        DecisionFilter(facets={"customer": "C1"}),
        DecisionFilter(facets={"rule": "allocation/priority"}),
    ):
        expected = [s for s in sealed if set(question.facets.items()) <= set(s.record.facets)]
        assert _all(log, question, limit) == expected


def test_the_last_page_has_no_cursor_even_when_it_is_full(log: DecisionLog) -> None:
    _fill(log, 4)
    first = log.find(DecisionFilter(), limit=2)
    assert first.next_cursor is not None
    last = log.find(DecisionFilter(), first.next_cursor, limit=2)
    assert [s.seq for s in last.records] == [3, 4] and last.next_cursor is None


def test_the_newest_record_of_a_facet_is_found_without_a_page(log: DecisionLog) -> None:
    assert log.newest("domain", "rules") == 0
    _fill(log, 15)
    assert log.newest("domain", "rules") == 14 and log.newest("customer", "C1") == 13
    assert log.newest("customer", "C-nobody") == 0


def test_bad_questions_are_the_callers_mistake(log: DecisionLog) -> None:
    _fill(log, 2)
    with pytest.raises(InvalidCursor):
        log.find(DecisionFilter(), cursor="page-2")
    with pytest.raises(ValueError, match="unknown facets"):
        log.find(DecisionFilter(facets={"colour": "red"}))
    with pytest.raises(ValueError, match="timezone-aware"):
        log.find(DecisionFilter(since=START.replace(tzinfo=None)))
    with pytest.raises(ValueError, match="limit"):
        log.find(DecisionFilter(), limit=0)
    with pytest.raises(ValueError, match="timezone-aware"):
        log.append(record(3, recorded_at=START.replace(tzinfo=None)))
    with pytest.raises(ValueError, match="unknown facets"):
        log.append(record(3, facets=(("colour", "red"),)))
    assert len(list(log.walk())) == 2


def test_an_untouched_chain_verifies_and_so_does_a_digest_taken_earlier(log: DecisionLog) -> None:
    assert verify(log).ok and verify(log).records == 0
    sealed = _fill(log, 5)
    digest = Digest(head=sealed[-1].hash, records=5)
    _fill_more = [log.append(record(number)) for number in range(6, 9)]
    assert verify(log) == verify(log, digest)
    assert verify(log, digest).ok and verify(log, digest).records == 8 and len(_fill_more) == 3
    too_long = verify(log, Digest(head=_fill_more[-1].hash, records=9))
    assert not too_long.ok and too_long.first_broken is None


def test_threads_appending_together_make_one_unbroken_chain(log: DecisionLog) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def appender(thread: int) -> None:
        start.wait()
        try:
            for k in range(10):
                log.append(record(thread * 100 + k))
        except BaseException as error:  # noqa: BLE001 - reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=appender, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    walked = list(log.walk())
    assert [s.seq for s in walked] == list(range(1, 81))
    assert verify(log).ok and len({s.record.id for s in walked}) == 80
