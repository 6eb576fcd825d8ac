"""`Idempotency-Key` (IETF httpapi idempotency-key draft): a retried state-changing request gets the original answer.

A key is scoped to the API key that sent it and to the method and path; the request body's fingerprint is kept
with it. A retry with the same key and body gets the stored answer and changes nothing; the same key with another
body is refused; a retry while the first is still running is refused as a conflict. Storage adapters implement
`IdempotencyStore`; this module imports no database code.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

NEW, REPLAY, MISMATCH, IN_FLIGHT = "new", "replay", "mismatch", "in_flight"


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """The answer a key's first request got."""

    status: int
    body: bytes
    content_type: str


@dataclass(frozen=True, slots=True)
class Claim:
    """What a key means for a request: NEW (go ahead), REPLAY (`answer`), MISMATCH or IN_FLIGHT."""

    state: str
    answer: StoredAnswer | None = None
    abandoned: bool = False  # NEW by taking over a request that never answered (its worker died, say)


@dataclass(frozen=True, slots=True)
class KeyPolicy:
    """How long a key is kept, and after how long a request still running under it counts as abandoned."""

    ttl: timedelta
    stale: timedelta


class IdempotencyStore(Protocol):
    """Keys with the fingerprint of their request and, once answered, the answer."""

    def claim(self, scope: str, key: str, fingerprint: str, now: datetime, policy: KeyPolicy) -> Claim:
        """Claim `key` for a request with `fingerprint`, atomically; what the key already holds decides."""
        ...

    def finish(self, scope: str, key: str, answer: StoredAnswer | None) -> None:
        """Keep `answer` for the key; None forgets the key (the request failed and may be retried)."""
        ...


def decide_claim(held: tuple[str, str, datetime, StoredAnswer | None] | None, fingerprint: str, now: datetime,
                 policy: KeyPolicy) -> Claim:  # fmt: skip
    """What a key holding `held` (fingerprint, state, claimed at, answer; None: nothing) means for a request."""
    if held is None or held[2] + policy.ttl <= now:
        return Claim(NEW)
    held_fingerprint, state, claimed_at, answer = held
    if held_fingerprint != fingerprint:
        return Claim(MISMATCH)
    if state == IN_FLIGHT:
        return Claim(NEW, abandoned=True) if claimed_at + policy.stale <= now else Claim(IN_FLIGHT)
    return Claim(REPLAY, answer)


def key_digest(scope: str, key: str) -> str:
    """What the decision log indexes of a key (facet `idempotency`): a digest of its scope and the key itself, so
    a request taking over an abandoned key can find what the first one committed before it could answer."""
    return "sha256:" + hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()
