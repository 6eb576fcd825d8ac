"""Tampering that bypasses the triggers is caught by `verify`, which names the first broken record."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from decision_service.orders.log import Digest, Verification, chain_hash, verify
from decision_service.storage.sql import SqlDecisionLog
from tests.integration.storage.stores import record
from tests.integration.storage.tampering import content_of, param, swap_places, tampering


def _log(sql: tuple[str, Engine], count: int = 8) -> SqlDecisionLog:
    log = SqlDecisionLog(sql[1])
    for number in range(1, count + 1):
        log.append(record(number))
    assert verify(log).ok
    return log


def _set_content(engine: Engine, seq: int, content: bytes) -> None:
    with tampering(engine) as cursor:
        p = param(engine)
        cursor.execute(f"UPDATE decision_records SET content = {p} WHERE seq = {p}", (content, seq))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'"order-entry"', b'"order-entrz"'),
        (b'"fill":0.503', b'"fill":0.513'),
        (b'{"actor"', b'["actor"'),
        (b"caf\xc3", b"caf\xff"),
    ],
    ids=["actor", "a number in the answer", "JSON no longer", "UTF-8 no longer"],
)
def test_one_changed_byte_of_content_is_named(sql: tuple[str, Engine], old: bytes, new: bytes) -> None:
    log, engine = _log(sql), sql[1]
    content = content_of(engine, 3)
    assert len(old) == len(new) and content.count(old) == 1
    _set_content(engine, 3, content.replace(old, new))
    result = verify(log)
    assert (result.ok, result.first_broken, result.records) == (False, "dec-0003", 3)
    assert "content does not match its hash" in (result.reason or "")


def test_a_deleted_record_is_named_by_the_one_after_the_gap(sql: tuple[str, Engine]) -> None:
    log, engine = _log(sql), sql[1]
    with tampering(engine) as cursor:
        cursor.execute("DELETE FROM decision_facets WHERE seq = 4")
        cursor.execute("DELETE FROM decision_records WHERE seq = 4")
    result = verify(log)
    assert (result.ok, result.first_broken) == (False, "dec-0005")
    assert "position 5, not 4" in (result.reason or "")


def test_a_deleted_head_is_caught_by_the_digest(sql: tuple[str, Engine]) -> None:
    log, engine = _log(sql), sql[1]
    digest = Digest(head=list(log.walk())[-1].hash, records=8)
    with tampering(engine) as cursor:
        cursor.execute("DELETE FROM decision_facets WHERE seq = 8")
        cursor.execute("DELETE FROM decision_records WHERE seq = 8")
    assert verify(log).ok  # without a digest a shorter chain is still a chain
    assert verify(log, digest) == Verification(False, 7, None, "the digest seals 8 records, the log has 7")


def test_two_swapped_records_are_named(sql: tuple[str, Engine]) -> None:
    log, engine = _log(sql), sql[1]
    with tampering(engine) as cursor:
        swap_places(cursor, engine, 3, 4)
    assert [s.record.id for s in log.walk()][2:4] == ["dec-0004", "dec-0003"]
    result = verify(log)
    assert (result.ok, result.first_broken) == (False, "dec-0004")
    assert "does not follow" in (result.reason or "")


def test_an_edited_facet_index_is_named(sql: tuple[str, Engine]) -> None:
    log, engine = _log(sql), sql[1]
    with tampering(engine) as cursor:
        cursor.execute("UPDATE decision_facets SET value = 'C9' WHERE seq = 6 AND name = 'customer'")
    result = verify(log)
    assert (result.ok, result.first_broken) == (False, "dec-0006")


def test_a_digest_taken_earlier_catches_a_rewritten_history(sql: tuple[str, Engine]) -> None:
    log, engine = _log(sql, 5), sql[1]
    digest = Digest(head=list(log.walk())[-1].hash, records=5)
    for number in range(6, 9):
        log.append(record(number))
    assert verify(log, digest).ok
    # the intruder edits record 2 and re-seals every record after it, so the chain alone looks whole
    with tampering(engine) as cursor:
        p = param(engine)
        previous = list(log.walk())[0].hash
        for sealed in list(log.walk())[1:]:
            content = sealed.record.content()
            if sealed.seq == 2:
                content = content.replace(b'"order-entry"', b'"order-entrz"')
            new_hash = chain_hash(previous, content)
            cursor.execute(
                f"UPDATE decision_records SET content = {p}, actor = {p}, prev_hash = {p}, hash = {p} WHERE seq = {p}",
                (
                    content,
                    "order-entrz" if sealed.seq == 2 else "order-entry",
                    f"tmp-{sealed.seq}",
                    new_hash,
                    sealed.seq,
                ),
            )
            cursor.execute(f"UPDATE decision_records SET prev_hash = {p} WHERE seq = {p}", (previous, sealed.seq))
            previous = new_hash
    assert verify(log).ok
    result = verify(log, digest)
    assert (result.ok, result.records) == (False, 5)
    assert "digest" in (result.reason or "")
