"""The decision log in memory: the fake that unit tests pass where the service wants a `DecisionLog`."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from decision_service.orders.log import (
    GENESIS,
    DecisionFilter,
    DecisionRecord,
    Digest,
    DuplicateRecord,
    Page,
    Sealed,
    chain_hash,
)
from decision_service.storage.records import check_question, check_record, cursor_after, matches, normalised, seq_of


class InMemoryDecisionLog:
    """A `DecisionLog` in a list; appends are serialised by a lock, so threads see one chain."""

    def __init__(self) -> None:
        self._chain: list[Sealed] = []
        self._by_id: dict[str, Sealed] = {}
        self._lock = threading.Lock()

    def append(self, record: DecisionRecord) -> Sealed:
        """Seal `record` after the current head."""
        check_record(record)
        with self._lock:
            if record.id in self._by_id:
                raise DuplicateRecord(f"decision {record.id} is already in the log")
            previous = self._chain[-1].hash if self._chain else GENESIS
            sealed = Sealed(normalised(record), len(self._chain) + 1, previous, chain_hash(previous, record.content()))
            self._chain.append(sealed)
            self._by_id[record.id] = sealed
        return sealed

    def get(self, record_id: str) -> Sealed | None:
        """The record with that id, or None."""
        with self._lock:
            return self._by_id.get(record_id)

    def find(self, question: DecisionFilter, cursor: str | None = None, limit: int = 50) -> Page:
        """The records that answer `question`, oldest first, a page at a time."""
        check_question(question, limit)
        after = seq_of(cursor)
        with self._lock:
            chain = self._chain[after:]
        found: list[Sealed] = []
        for sealed in chain:
            if matches(sealed.record, question):
                if len(found) == limit:
                    return Page(tuple(found), cursor_after(found[-1].seq))
                found.append(sealed)
        return Page(tuple(found), None)

    def walk(self) -> Iterator[Sealed]:
        """Every record in chain order."""
        with self._lock:
            chain = list(self._chain)
        return iter(chain)

    def head(self) -> Digest:
        """The newest record's hash and the number of records."""
        with self._lock:
            return Digest(self._chain[-1].hash, len(self._chain)) if self._chain else Digest(GENESIS, 0)
