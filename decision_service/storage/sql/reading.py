"""Rows back into sealed records: the record is rebuilt from its stored content, never from the columns.

A row whose content does not parse, is not canonical, or disagrees with its own columns or facet index is
returned as an "unreadable" record that keeps the row's id: its content cannot hash to the stored hash, so
`verify` names it as the first broken record instead of the walk failing or quietly trusting the columns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Row, Select, and_, select
from sqlalchemy.engine import Connection

from decision_service.orders.log import DecisionFilter, DecisionRecord, Sealed
from decision_service.storage.records import rebuild, utc
from decision_service.storage.sql.tables import facets, records

UNREADABLE = "unreadable"


def page_query(question: DecisionFilter, after: int, limit: int) -> Select[tuple[object, ...]]:
    """The records after `after` that answer `question`, oldest first; each facet is one index range scan."""
    query, position = select(records), records.c.seq
    for number, (name, value) in enumerate(sorted(question.facets.items())):
        facet = facets.alias(f"facet_{number}")
        query = query.join(facet, and_(facet.c.seq == records.c.seq, facet.c.name == name, facet.c.value == value))
        position = facet.c.seq if number == 0 else position  # walk the first facet's index in seq order
    query = query.where(position > after)
    if question.since is not None:
        query = query.where(records.c.recorded_at >= question.since)
    if question.until is not None:
        query = query.where(records.c.recorded_at < question.until)
    return query.order_by(position).limit(limit)


def sealed_rows(connection: Connection, rows: Sequence[Row[tuple[object, ...]]]) -> list[Sealed]:
    """The sealed records of `rows`, each checked against its facet index."""
    if not rows:
        return []
    indexed: dict[int, set[tuple[str, str]]] = defaultdict(set)
    seqs = [row.seq for row in rows]
    for seq, name, value in connection.execute(select(facets).where(facets.c.seq.in_(seqs))):
        indexed[seq].add((name, value))
    return [_sealed(row, indexed[row.seq]) for row in rows]


def _sealed(row: Row[tuple[object, ...]], indexed: set[tuple[str, str]]) -> Sealed:
    stored = row.content  # bytes as written; text if someone rewrote the column with a text function
    content = stored.encode("utf-8", "surrogateescape") if isinstance(stored, str) else bytes(stored)
    try:
        record = rebuild(content)
        faithful = record.content() == content and _agrees(record, row, indexed)
    except (ValueError, KeyError, TypeError, AttributeError):  # whatever malformed content makes rebuild raise
        faithful = False
    if not faithful:
        record = _unreadable(row, content, indexed)
    return Sealed(record, row.seq, row.prev_hash, row.hash)


def _agrees(record: DecisionRecord, row: Row[tuple[object, ...]], indexed: set[tuple[str, str]]) -> bool:
    columns = (row.id, row.kind, row.actor, row.input_hash, row.recorded_at)
    rebuilt = (record.id, record.kind, record.actor, record.input_hash, utc(record.recorded_at))
    return columns == rebuilt and indexed == set(record.facets)


def _unreadable(row: Row[tuple[object, ...]], content: bytes, indexed: set[tuple[str, str]]) -> DecisionRecord:
    return DecisionRecord(
        id=row.id, kind=UNREADABLE, recorded_at=row.recorded_at, actor=row.actor, request=None,
        response={"stored_content": content.decode("utf-8", "replace")}, input_hash=row.input_hash,
        rules_versions={}, versions={}, facets=tuple(sorted(indexed)),
    )  # fmt: skip
