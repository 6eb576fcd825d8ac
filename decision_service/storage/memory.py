"""The decision log and the key store in memory: the fakes tests pass where the service wants a `DecisionLog` or
a `KeyStore`."""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

from decision_service.orders.idempotency import IN_FLIGHT, NEW, Claim, KeyPolicy, StoredAnswer, decide_claim
from decision_service.orders.keys import DuplicateKey, StoredKey
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
from decision_service.storage.records import (
    as_json_values,
    check_question,
    check_record,
    cursor_after,
    matches,
    normalised,
    seq_of,
)


class InMemoryDecisionLog:
    """A `DecisionLog` in a list; appends are serialised by a lock, so threads see one chain."""

    def __init__(self) -> None:
        self._chain: list[Sealed] = []
        self._by_id: dict[str, Sealed] = {}
        self._by_facet: dict[tuple[str, str], list[Sealed]] = {}  # in seq order, as an index would keep them
        self._lock = threading.Lock()

    def append(self, record: DecisionRecord) -> Sealed:
        """Seal `record` after the current head."""
        check_record(record)
        with self._lock:
            if record.id in self._by_id:
                raise DuplicateRecord(f"decision {record.id} is already in the log")
            previous = self._chain[-1].hash if self._chain else GENESIS
            content = record.content()
            kept = as_json_values(normalised(record), content)
            sealed = Sealed(kept, len(self._chain) + 1, previous, chain_hash(previous, content))
            self._chain.append(sealed)
            self._by_id[record.id] = sealed
            for pair in set(record.facets):
                self._by_facet.setdefault(pair, []).append(sealed)
        return sealed

    def get(self, record_id: str) -> Sealed | None:
        """The record with that id, or None."""
        with self._lock:
            return self._by_id.get(record_id)

    def newest(self, name: str, value: str) -> int:
        """The seq of the newest record with that facet, 0 if none."""
        with self._lock:
            found = self._by_facet.get((name, value))
            return found[-1].seq if found else 0

    def find(self, question: DecisionFilter, cursor: str | None = None, limit: int = 50) -> Page:
        """The records that answer `question`, oldest first, a page at a time."""
        check_question(question, limit)
        after = seq_of(cursor)
        with self._lock:
            chain = self._candidates(question, after)
        found: list[Sealed] = []
        for sealed in chain:
            if matches(sealed.record, question):
                if len(found) == limit:
                    return Page(tuple(found), cursor_after(found[-1].seq))
                found.append(sealed)
        return Page(tuple(found), None)

    def _candidates(self, question: DecisionFilter, after: int) -> list[Sealed]:
        """The records after `after` carrying the question's rarest facet (every record when it names none)."""
        if not question.facets:
            return self._chain[after:]
        lists: list[list[Sealed]] = [self._by_facet.get(pair, []) for pair in question.facets.items()]
        rarest = lists[0]
        for found in lists[1:]:
            rarest = found if len(found) < len(rarest) else rarest
        return rarest[bisect.bisect_right(rarest, after, key=_seq) :]

    def walk(self) -> Iterator[Sealed]:
        """Every record in chain order."""
        with self._lock:
            chain = list(self._chain)
        return iter(chain)

    def head(self) -> Digest:
        """The newest record's hash and the number of records."""
        with self._lock:
            return Digest(self._chain[-1].hash, len(self._chain)) if self._chain else Digest(GENESIS, 0)


class InMemoryKeyStore:
    """A `KeyStore` in a dict: the fake for tests, and the key store of an app whose log is `memory://`."""

    def __init__(self) -> None:
        self._keys: dict[str, StoredKey] = {}
        self._lock = threading.Lock()

    def add(self, key: StoredKey) -> None:
        """Keep `key`; `DuplicateKey` if its name or id is taken."""
        with self._lock:
            if key.id in self._keys or any(k.name == key.name for k in self._keys.values()):
                raise DuplicateKey(f"a key named {key.name!r} already exists")
            self._keys[key.id] = key

    def get(self, key_id: str) -> StoredKey | None:
        """The key with that id, or None."""
        with self._lock:
            return self._keys.get(key_id)

    def all(self) -> list[StoredKey]:
        """Every key, oldest first."""
        with self._lock:
            return sorted(self._keys.values(), key=lambda k: (k.created_at, k.name))

    def revoke(self, name: str, at: datetime) -> StoredKey | None:
        """Mark the active key named `name` revoked."""
        with self._lock:
            found = next((k for k in self._keys.values() if k.name == name and k.active), None)
            if found is None:
                return None
            revoked = replace(found, revoked_at=at)
            self._keys[found.id] = revoked
            return revoked


def _seq(sealed: Sealed) -> int:
    return sealed.seq


class InMemoryIdempotencyStore:
    """An `IdempotencyStore` in a dict, for tests and the in-memory service."""

    def __init__(self) -> None:
        self._keys: dict[tuple[str, str], tuple[str, str, datetime, StoredAnswer | None]] = {}
        self._lock = threading.Lock()

    def claim(self, scope: str, key: str, fingerprint: str, now: datetime, policy: KeyPolicy) -> Claim:
        """Claim `key` for a request with `fingerprint`."""
        with self._lock:
            found = decide_claim(self._keys.get((scope, key)), fingerprint, now, policy)
            if found.state == NEW:
                self._keys[(scope, key)] = (fingerprint, IN_FLIGHT, now, None)
            return found

    def finish(self, scope: str, key: str, answer: StoredAnswer | None) -> None:
        """Keep the answer, or forget the key."""
        with self._lock:
            held = self._keys.pop((scope, key), None)
            if held is not None and answer is not None:
                self._keys[(scope, key)] = (held[0], "done", held[2], answer)
