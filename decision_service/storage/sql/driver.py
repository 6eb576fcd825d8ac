"""Statements sent to the driver's own cursor, bypassing SQLAlchemy's statement machinery on the paths every
decision waits for (the append, the check for new rule records, a stored network's slice)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError


def driver_sql(statement: str, paramstyle: str, *lists: int) -> str:
    """`statement`, written with "?" for each value and "{}" for each list of values, in the driver's
    placeholders (sqlite3's "?", psycopg's "%s"), with `lists[i]` placeholders in the i-th list's place."""
    mark = "?" if paramstyle == "qmark" else "%s"
    return statement.replace("?", mark).format(*(", ".join([mark] * n) for n in lists))


@contextmanager
def driver_errors(dialect: Dialect) -> Iterator[None]:
    """The driver's errors as SQLAlchemy's `DBAPIError`s, which the stores turn into `StoreUnavailable`."""
    dbapi = dialect.loaded_dbapi
    try:
        yield
    except dbapi.Error as error:
        raise DBAPIError.instance(None, None, error, dbapi.Error, dialect=dialect) from error
