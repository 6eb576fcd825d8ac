"""Issuing and checking API keys: `ds_<id>_<secret>`, stored as a per-key salt and an scrypt hash of the secret.

The id is public: it finds the key's row, so a request verifies one hash, never a scan. The secret is 32 random
bytes (base64url); the store keeps `scrypt(secret, salt, n=2**14, r=8, p=1)`, about 40 ms and 16 MiB per check,
compared in constant time. So that a request does not pay that on every call, a worker remembers, per key id, a
SHA-256 of the last secret it verified against the stored hash (in memory only, never stored); the key's row is
still read on every request, so a revoked key stops working at once in every worker.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime

from decision_service.orders.keys import KeyStore, StoredKey, check_name, check_roles

PREFIX = "ds"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # the scrypt paper's interactive cost; 16 MiB of memory per check
HASH_BYTES = 32
SALT_BYTES = 16
CACHE_LIMIT = 4096  # verified keys a worker remembers


@dataclass(frozen=True, slots=True)
class Issued:
    """A new key: the row to store and the key itself, shown once and never stored."""

    stored: StoredKey
    key: str


def hash_secret(secret: str, salt: bytes, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """The stored form of `secret`: `scrypt$n$r$p$hex`."""
    digest = hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=HASH_BYTES, maxmem=64 * 2**20)
    return f"scrypt${n}${r}${p}${digest.hex()}"


def secret_matches(secret: str, key: StoredKey) -> bool:
    """Whether `secret` is the one `key` was issued with, by its own stored cost, in constant time."""
    kind, *params, _ = key.hash.split("$")
    if kind != "scrypt" or len(params) != 3:
        return False
    n, r, p = (int(v) for v in params)
    return hmac.compare_digest(hash_secret(secret, key.salt, n, r, p), key.hash)


def issue(name: str, roles: list[str] | tuple[str, ...], at: datetime) -> Issued:
    """A new key named `name` with `roles`: its row (salted hash only) and the key to hand over once."""
    key_id, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(32), secrets.token_bytes(SALT_BYTES)
    stored = StoredKey(key_id, check_name(name), salt, hash_secret(secret, salt), check_roles(roles), at)
    return Issued(stored, f"{PREFIX}_{key_id}_{secret}")


def split_key(key: str) -> tuple[str, str] | None:
    """(id, secret) of a key of the service's form, or None."""
    prefix, _, rest = key.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != PREFIX or len(key_id) != 12 or not secret or len(secret) > 128:
        return None
    return (key_id, secret) if all(c in "0123456789abcdef" for c in key_id) else None


class Authenticator:
    """Finds the stored key a presented key belongs to: the row read every time, the slow hash checked once."""

    def __init__(self, store: KeyStore) -> None:
        self.store = store
        self._verified: dict[str, tuple[str, bytes]] = {}  # key id -> (stored hash, sha256 of the secret)
        self._lock = threading.Lock()

    def authenticate(self, key: str) -> StoredKey | None:
        """The active key `key` is, or None (malformed, unknown, revoked or wrong secret)."""
        parts = split_key(key)
        if parts is None:
            return None
        key_id, secret = parts
        stored = self.store.get(key_id)  # every request: revocation takes effect at once
        if stored is None or not stored.active:
            return None
        fast = hashlib.sha256(secret.encode("utf-8")).digest()
        with self._lock:
            known = self._verified.get(key_id)
        if known is not None and known[0] == stored.hash and hmac.compare_digest(known[1], fast):
            return stored
        if not secret_matches(secret, stored):
            return None
        with self._lock:
            if len(self._verified) >= CACHE_LIMIT:
                self._verified.clear()
            self._verified[key_id] = (stored.hash, fast)
        return stored
