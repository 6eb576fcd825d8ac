"""Service configuration: one `Config` object, read once by the app factory.

Nothing here reads the environment at import time; `Config.from_env()` does, when the factory calls it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Config:
    """Settings of one app instance; every field can be overridden by `DECISION_SERVICE_<NAME>`."""

    MAX_CONTENT_LENGTH: int = 2 * MIB
    MAX_RUN_BYTES: int = 256 * MIB  # a re-allocation run's body (inflated, when sent gzip): 100,000 lines is ~40 MB
    DEFAULT_TIME_LIMIT_MS: int = 1000
    # How large an order is admitted per second of its time limit, in candidate supply routes (supply node x line
    # x route), counted before any work starts: the time limit cannot hold for larger ones (see README, Speed).
    # 0 admits every order.
    MAX_CANDIDATES_PER_SECOND: int = 30_000
    EXPLAIN: bool = True
    RULES_DIR: str = ""  # empty: the tables shipped in rules/tables (the seed of the rule store)
    RULES_FOUR_EYES: bool = False  # every publication waits for a second person's approval
    # Where decisions are recorded: empty is the embedded default, a SQLite file `decisions.sqlite3` under DATA_DIR;
    # `postgresql+psycopg://...` for deployments of several instances; `memory://` keeps them in this process only
    # (tests and benchmarks: not a record).
    DATABASE_URL: str = ""
    # SQLite only. NORMAL (the default) syncs the write-ahead log at checkpoints, not at every commit: a killed
    # process loses no record, but a power loss or OS crash may lose the records since the last checkpoint (never
    # corrupting the log or breaking its chain). FULL syncs every commit, so an answered decision survives a power
    # loss, at about 0.5 ms more per decision. See docs/decision-log-storage.md.
    SQLITE_SYNCHRONOUS: str = "NORMAL"
    # Where API keys are kept; empty: beside the decision log (DATABASE_URL). Separate only for benchmarks that
    # keep the log in memory but still need keys a CLI can create.
    KEYS_DATABASE_URL: str = ""
    DATA_DIR: str = "data"
    IDEMPOTENCY_TTL_SECONDS: int = 86_400  # how long an Idempotency-Key and its answer are kept (at least 24 h)
    IDEMPOTENCY_STALE_SECONDS: int = 120  # a request unanswered this long under a key counts as abandoned
    RESERVATION_TTL_SECONDS: int = 900  # a reservation not confirmed within this expires (docs/network-state.md)
    API_TITLE: str = "Allocation decision service"
    API_VERSION: str = "v1"
    OPENAPI_VERSION: str = "3.0.3"
    OPENAPI_URL_PREFIX: str = "/"
    OPENAPI_JSON_PATH: str = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH: str = "/docs"
    OPENAPI_SWAGGER_UI_URL: str = "/docs/assets/"  # vendored: see decision_service.web.resources.docs_assets

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, prefix: str = "DECISION_SERVICE_") -> Config:
        """The defaults, overridden by `DECISION_SERVICE_<NAME>` environment variables."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(prefix + f.name)
            if raw is not None:
                values[f.name] = _coerce(raw, type(f.default))
        return cls(**values)

    def as_flask(self) -> dict[str, Any]:
        """The settings as a Flask config mapping."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _coerce(raw: str, kind: type) -> Any:
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if kind is int:
        return int(raw)
    return raw
