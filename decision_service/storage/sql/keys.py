"""`SqlKeyStore`: the key store port over SQLAlchemy, on SQLite or PostgreSQL (schema: migration 0002)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from decision_service.orders.keys import DuplicateKey, StoredKey
from decision_service.storage.sql.errors import unavailable_on_failure
from decision_service.storage.sql.tables import api_keys


class SqlKeyStore:
    """A `KeyStore` in the database behind `engine`; every failure of the store is `StoreUnavailable`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, key: StoredKey) -> None:
        """Keep `key`; `DuplicateKey` if its name or id is taken."""
        row = {"id": key.id, "name": key.name, "salt": key.salt, "hash": key.hash, "roles": " ".join(key.roles),
               "created_at": key.created_at, "revoked_at": key.revoked_at}  # fmt: skip
        with unavailable_on_failure("add a key"), self.engine.begin() as connection:
            try:
                connection.execute(insert(api_keys).values(**row))
            except IntegrityError:  # before unavailable_on_failure: a taken name is the caller's mistake
                raise DuplicateKey(f"a key named {key.name!r} already exists") from None

    def get(self, key_id: str) -> StoredKey | None:
        """The key with that id, or None: one primary-key lookup."""
        with unavailable_on_failure("read a key"), self.engine.connect() as connection:
            row = connection.execute(select(api_keys).where(api_keys.c.id == key_id)).first()
        return None if row is None else _key(row)

    def all(self) -> list[StoredKey]:
        """Every key, oldest first."""
        query = select(api_keys).order_by(api_keys.c.created_at, api_keys.c.name)
        with unavailable_on_failure("list the keys"), self.engine.connect() as connection:
            return [_key(row) for row in connection.execute(query)]

    def revoke(self, name: str, at: datetime) -> StoredKey | None:
        """Mark the active key named `name` revoked."""
        active = (api_keys.c.name == name) & api_keys.c.revoked_at.is_(None)
        with unavailable_on_failure("revoke a key"), self.engine.begin() as connection:
            changed = connection.execute(update(api_keys).where(active).values(revoked_at=at)).rowcount
            row = connection.execute(select(api_keys).where(api_keys.c.name == name)).first()
        return _key(row) if changed and row is not None else None


def _key(row: Any) -> StoredKey:
    roles = tuple(str(row.roles).split())
    return StoredKey(str(row.id), str(row.name), bytes(row.salt), str(row.hash), roles, row.created_at, row.revoked_at)
