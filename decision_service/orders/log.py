"""The decision log, as the order-level service sees it: a port, its records, and the chain that seals them.

Every decision the service makes is appended before it is answered. Records are chained: each record's hash is
sha256 over the previous record's hash and the record's canonical content, so editing, deleting or reordering
any record breaks every hash from it on, and a digest (head hash, count) kept outside the service proves that
nothing before it changed. Storage adapters (`decision_service.storage`) implement `DecisionLog`; this module
imports no database code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import orjson

GENESIS = "sha256:" + "0" * 64  # the previous hash of the first record
FACETS = (
    "order_id",
    "customer",
    "item",
    "reason",
    "exception",
    "severity",
    "held",
    "rule",
    "table",
    "domain",
    "idempotency",
)  # the last: the digest of the Idempotency-Key a decision was made under (orders.idempotency)
CURSOR_PREFIX = "after:"


class StoreUnavailable(Exception):
    """The log cannot be reached or written now; nothing was recorded (the web answers 503)."""


class DuplicateRecord(ValueError):
    """A record with that id is already in the log; nothing was appended (the caller's mistake, not the store's)."""


class InvalidCursor(ValueError):
    """The cursor was not one this log gave for a page."""


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """One entry of the log as appended: what was asked, what was answered, by whom, when, under which rules."""

    id: str  # the decision's id
    kind: str  # "allocation", or a rule table's "rule_seed", "rule_draft", "rule_publication", "rule_approval", ...
    recorded_at: datetime  # timezone-aware, UTC
    actor: str  # who asked: the API key's name
    request: Any  # the request body as received (JSON values)
    response: Any  # the decision as answered, explained in full (JSON values; given, also what orjson writes)
    input_hash: str
    rules_versions: dict[str, str]
    versions: dict[str, str]
    facets: tuple[tuple[str, str], ...] = ()  # (name, value) pairs the log indexes; names from FACETS

    def content(self) -> bytes:
        """The canonical bytes the chain hashes: every field, keys sorted, compact UTF-8 JSON."""
        body = {
            "id": self.id, "kind": self.kind, "recorded_at": self.recorded_at.isoformat(), "actor": self.actor,
            "request": self.request, "response": self.response, "input_hash": self.input_hash,
            "rules_versions": self.rules_versions, "versions": self.versions,
            "facets": sorted([name, value] for name, value in self.facets),
        }  # fmt: skip
        return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def cursor_after(seq: int) -> str:
    """The cursor of the page that starts after the record at `seq` (every adapter's cursor has this form)."""
    return f"{CURSOR_PREFIX}{seq}"


def chain_hash(previous: str, content: bytes) -> str:
    """The hash of a record whose predecessor's hash is `previous`."""
    digest = hashlib.sha256(previous.encode("ascii") + b"\n" + content).hexdigest()
    return "sha256:" + digest


@dataclass(frozen=True, slots=True)
class Sealed:
    """A record as the log keeps it: its place in the chain and the hashes that seal it."""

    record: DecisionRecord
    seq: int  # 1, 2, 3, ... in append order
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class DecisionFilter:
    """An auditor's question; every given field must match (facet values compare as text)."""

    facets: dict[str, str] = field(default_factory=dict)  # name in FACETS -> value
    since: datetime | None = None  # recorded at or after
    until: datetime | None = None  # recorded before


@dataclass(frozen=True, slots=True)
class Page:
    """One page of records, oldest first, and the cursor of the next page (None on the last)."""

    records: tuple[Sealed, ...]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class Digest:
    """What an auditor keeps outside the service: the head hash and how many records it seals."""

    head: str
    records: int


@dataclass(frozen=True, slots=True)
class Verification:
    """The result of walking the chain: `first_broken` names the first record whose content or link fails."""

    ok: bool
    records: int
    first_broken: str | None = None
    reason: str | None = None


class DecisionLog(Protocol):
    """Append-only, chained storage of decision records."""

    def append(self, record: DecisionRecord) -> Sealed:
        """Seal `record` after the current head, atomically; `StoreUnavailable` if it cannot be written."""
        ...

    def get(self, record_id: str) -> Sealed | None:
        """The record with that id, or None."""
        ...

    def find(self, question: DecisionFilter, cursor: str | None = None, limit: int = 50) -> Page:
        """The records that answer `question`, oldest first, a page at a time."""
        ...

    def walk(self) -> Iterable[Sealed]:
        """Every record in chain order, as stored (for `verify`)."""
        ...

    def newest(self, name: str, value: str) -> int:
        """The seq of the newest record with the facet (`name`, `value`), 0 if none: a cheap "anything new?"."""
        ...

    def head(self) -> Digest:
        """The newest record's hash and the number of records (`GENESIS` and 0 for an empty log)."""
        ...


def verify(log: DecisionLog, digest: Digest | None = None) -> Verification:
    """Walk the chain: every record's hash must be that of its content after its predecessor's hash, the
    sequence unbroken; with a `digest`, the record at its count must carry its head hash."""
    previous, count = GENESIS, 0
    for sealed in log.walk():
        count += 1
        record = sealed.record
        if sealed.seq != count:
            return Verification(False, count, record.id, f"record {record.id} is at position {sealed.seq}, not {count}")
        if sealed.prev_hash != previous:
            return Verification(False, count, record.id, f"record {record.id} does not follow the record before it")
        if chain_hash(previous, record.content()) != sealed.hash:
            return Verification(False, count, record.id, f"record {record.id}'s content does not match its hash")
        if digest is not None and count == digest.records and sealed.hash != digest.head:
            return Verification(False, count, record.id, "the chain at the digest's count does not carry its head")
        previous = sealed.hash
    if digest is not None and count < digest.records:
        return Verification(False, count, None, f"the digest seals {digest.records} records, the log has {count}")
    return Verification(True, count)
