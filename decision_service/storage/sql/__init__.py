"""The decision log in a SQL database: SQLite embedded by default, PostgreSQL for deployments."""

from decision_service.storage.sql.engine import default_url, engine_from_url
from decision_service.storage.sql.log import SqlDecisionLog

__all__ = ["SqlDecisionLog", "default_url", "engine_from_url"]
