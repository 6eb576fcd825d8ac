"""API keys as the service sees them: roles, a stored key, and the port that keeps them.

A key is stored only as a salted slow hash (`decision_service.orders.keyhash`); this module knows nothing of how.
Storage adapters (`decision_service.storage`) implement `KeyStore`; this module imports no database code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

ORDER_ENTRY = "order_entry"  # decide: POST /v1/allocations
PLANNER = "planner"  # read decisions
AUDITOR = "auditor"  # read decisions, replay, verify, digest, read rules: nothing that changes state
INTEGRATION = "integration"  # the ERP's feed: load networks, post their events
ADMIN = "admin"  # keys; may do everything
POLICY_OWNER = "policy_owner"  # `policy_owner:<table>`: draft, validate and evaluate that table
PLAIN_ROLES = (ORDER_ENTRY, PLANNER, AUDITOR, INTEGRATION, ADMIN)
_TABLE = re.compile(r"[a-z][a-z0-9_]{0,63}")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}")


class UnknownRole(ValueError):
    """A role that is not one the service grants."""


class DuplicateKey(ValueError):
    """A key with that name (or id) is already stored; nothing was added."""


def policy_owner(table: str) -> str:
    """The role that owns decision table `table`."""
    return f"{POLICY_OWNER}:{table}"


def check_roles(roles: Iterable[str]) -> tuple[str, ...]:
    """`roles`, sorted and without repeats; `UnknownRole` for any the service does not grant, or none at all."""
    checked = sorted(set(roles))
    if not checked:
        raise UnknownRole("a key needs at least one role")
    for role in checked:
        kind, sep, table = role.partition(":")
        if not (role in PLAIN_ROLES or (kind == POLICY_OWNER and sep and _TABLE.fullmatch(table))):
            raise UnknownRole(f"unknown role {role!r}: one of {', '.join(PLAIN_ROLES)} or {POLICY_OWNER}:<table>")
    return tuple(checked)


def check_name(name: str) -> str:
    """`name` if it can name a key (it is recorded as the actor of each decision the key asks for)."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"a key name is 1-100 letters, digits or _.@- starting with a letter or digit, not {name!r}")
    return name


def allowed(held: Sequence[str], required: Iterable[str]) -> bool:
    """Whether a key holding `held` may do what any role of `required` may; admin may do everything."""
    return ADMIN in held or not set(held).isdisjoint(required)


@dataclass(frozen=True, slots=True)
class StoredKey:
    """One key as stored: never its secret, only a salted slow hash of it (`keyhash`)."""

    id: str  # the public part of the key, `ds_<id>_<secret>`: finds the row without a scan
    name: str  # unique; recorded as the actor of the decisions the key asks for
    salt: bytes
    hash: str  # `scrypt$<n>$<r>$<p>$<hex>`: the cost travels with the hash, so it can be raised later
    roles: tuple[str, ...]
    created_at: datetime  # timezone-aware, UTC
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None


class KeyStore(Protocol):
    """Where API keys are kept: added once, found by id, listed, revoked; never changed otherwise."""

    def add(self, key: StoredKey) -> None:
        """Keep `key`; `DuplicateKey` if its name or id is taken (revoked keys keep their names)."""
        ...

    def get(self, key_id: str) -> StoredKey | None:
        """The key with that id, revoked or not, or None; read from the store on every call."""
        ...

    def all(self) -> list[StoredKey]:
        """Every key, oldest first."""
        ...

    def revoke(self, name: str, at: datetime) -> StoredKey | None:
        """Mark the active key named `name` revoked at `at`; the revoked key, or None if no active key has it."""
        ...
