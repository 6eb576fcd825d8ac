"""The log's two tables, as the adapter queries them (the migrations create them; a test keeps the two equal).

`decision_records` keeps each record's canonical content, the exact bytes its hash was computed over, beside the
columns an auditor filters on; `decision_facets` indexes the (name, value) pairs so that "every decision about
customer C" is an index range scan, not a JSON scan.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from decision_service.storage.records import utc

HASH = String(71)  # "sha256:" and 64 hex digits
SEQ = BigInteger().with_variant(Integer(), "sqlite")  # INTEGER PRIMARY KEY is SQLite's rowid


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware time stored as UTC (SQLite keeps the naive UTC text, which sorts as time does)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment = utc(value)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else utc(value)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

records = Table(
    "decision_records",
    metadata,
    Column("seq", SEQ, primary_key=True, autoincrement=False),
    Column("id", Text, nullable=False, unique=True),
    Column("kind", Text, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False, index=True),
    Column("actor", Text, nullable=False),
    Column("input_hash", Text, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("prev_hash", HASH, nullable=False, unique=True),  # two records after one head would be a fork
    Column("hash", HASH, nullable=False, unique=True),
)

facets = Table(
    "decision_facets",
    metadata,
    Column("seq", SEQ, ForeignKey("decision_records.seq"), primary_key=True),
    Column("name", String(32), primary_key=True),
    Column("value", Text, primary_key=True),
    Index("ix_decision_facets_lookup", "name", "value", "seq"),
)

# API keys: never the secret, only a per-key salt and its slow hash (decision_service.orders.keyhash)
api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("salt", LargeBinary, nullable=False),
    Column("hash", Text, nullable=False),
    Column("roles", Text, nullable=False),  # space-separated; roles hold no spaces (orders.keys.check_roles)
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
)

# Live networks (decision_service.network): rows in the JSON shape of a request's network, read by item
networks = Table(
    "networks",
    metadata,
    Column("id", Text, primary_key=True),
    Column("loaded_at", UtcDateTime, nullable=False),
    Column("layout", BigInteger, nullable=False, server_default="0"),  # bumped when a small table changes
)

network_rows = Table(
    "network_rows",
    metadata,
    Column("network_id", Text, primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("item", Text, nullable=True),  # for stock, inbound, protections and items: the slice reads by it
    Column("body", LargeBinary, nullable=False),
    Index("ix_network_rows_item", "network_id", "kind", "item"),
)

network_reservations = Table(
    "network_reservations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("network_id", Text, nullable=False),
    Column("item", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("source", String(8), nullable=False),
    Column("eta", String(10), nullable=True),
    Column("qty", BigInteger, nullable=False),
    Column("shipped", BigInteger, nullable=False),
    Column("status", String(12), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=True),
    Column("order_id", Text, nullable=False),
    Column("line", Integer, nullable=False),
    Column("customer", Text, nullable=False),
    Column("decision_id", Text, nullable=False),
    Column("unit_price", Float, nullable=False, server_default="0"),
    Index("ix_network_reservations_item", "network_id", "item", "status"),
    Index("ix_network_reservations_customer", "network_id", "customer", "status"),
)

network_events = Table(
    "network_events",
    metadata,
    Column("network_id", Text, primary_key=True),
    Column("event_id", Text, primary_key=True),
    Column("applied_at", UtcDateTime, nullable=False),
)

# Background jobs' progress (decision_service.runs.progress): overwritten as a job goes, not part of the log
job_progress = Table(
    "job_progress",
    metadata,
    Column("job_id", Text, primary_key=True),
    Column("stage", String(32), nullable=False),
    Column("done", BigInteger, nullable=False),
    Column("total", BigInteger, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Idempotency keys (decision_service.orders.idempotency): per API key, method and path; the answer once given
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", Text, primary_key=True),
    Column("key", Text, primary_key=True),
    Column("fingerprint", String(71), nullable=False),
    Column("state", String(10), nullable=False),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("status", Integer, nullable=True),
    Column("body", LargeBinary, nullable=True),
    Column("content_type", Text, nullable=True),
)
