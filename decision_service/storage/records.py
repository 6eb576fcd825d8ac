"""What every adapter of the log agrees on: which records and questions are valid, the cursor, and rebuilding a
record from its canonical content."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import orjson

from decision_service.orders.log import CURSOR_PREFIX, FACETS, DecisionFilter, DecisionRecord, InvalidCursor
from decision_service.orders.log import cursor_after as cursor_after


def check_record(record: DecisionRecord) -> None:
    """Refuse a record the log could not keep faithfully: a naive time or a facet name outside FACETS."""
    _check_aware(record.recorded_at, "recorded_at")
    unknown = sorted({name for name, _ in record.facets} - set(FACETS))
    if unknown:
        raise ValueError(f"unknown facets {unknown}; the log indexes {list(FACETS)}")


def normalised(record: DecisionRecord) -> DecisionRecord:
    """`record` as every adapter gives it back: facets in sorted order (their order is not part of the content)."""
    return replace(record, facets=tuple(sorted(record.facets)))


def as_json_values(record: DecisionRecord, content: bytes) -> DecisionRecord:
    """`record` with its request and response as JSON values, read from its `content()`: the log gives back what
    it hashed, whether the writer passed JSON values or values orjson writes as them (dates, codes, tuples)."""
    kept = orjson.loads(content)
    return replace(record, request=kept["request"], response=kept["response"])


def check_question(question: DecisionFilter, limit: int) -> None:
    """Refuse a question no record could answer the same way on every adapter."""
    unknown = sorted(set(question.facets) - set(FACETS))
    if unknown:
        raise ValueError(f"unknown facets {unknown}; the log indexes {list(FACETS)}")
    for name, bound in (("since", question.since), ("until", question.until)):
        if bound is not None:
            _check_aware(bound, name)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")


def _check_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def utc(moment: datetime) -> datetime:
    """The same instant in UTC."""
    return moment.astimezone(UTC)


def matches(record: DecisionRecord, question: DecisionFilter) -> bool:
    """Whether `record` answers `question` (the in-memory reading of the SQL query)."""
    pairs = set(record.facets)
    if any((name, value) not in pairs for name, value in question.facets.items()):
        return False
    if question.since is not None and record.recorded_at < question.since:
        return False
    return question.until is None or record.recorded_at < question.until


def seq_of(cursor: str | None) -> int:
    """The position a page starts after: 0 for the first page."""
    if cursor is None:
        return 0
    digits = cursor.removeprefix(CURSOR_PREFIX)
    if cursor == digits or not digits.isascii() or not digits.isdigit():
        raise InvalidCursor(f"{cursor!r} is not a cursor this log gave")
    return int(digits)


def rebuild(content: bytes) -> DecisionRecord:
    """The record whose canonical content is `content`; ValueError (or KeyError, TypeError) if it is not one."""
    body = orjson.loads(content)
    return DecisionRecord(
        id=body["id"], kind=body["kind"], recorded_at=datetime.fromisoformat(body["recorded_at"]),
        actor=body["actor"], request=body["request"], response=body["response"], input_hash=body["input_hash"],
        rules_versions=body["rules_versions"], versions=body["versions"],
        facets=tuple((name, value) for name, value in body["facets"]),
    )  # fmt: skip
