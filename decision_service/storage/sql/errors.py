"""One translation: whatever the driver raises, the caller sees `StoreUnavailable` (the web answers 503)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, DisconnectionError, TimeoutError

from decision_service.orders.log import StoreUnavailable

log = logging.getLogger(__name__)


@contextmanager
def unavailable_on_failure(action: str) -> Iterator[None]:
    """Run the block; a database or pool failure becomes `StoreUnavailable`, with the cause chained and logged."""
    try:
        yield
    except (DBAPIError, DisconnectionError, TimeoutError) as error:
        log.warning("decision log: %s failed: %s", action, error.__class__.__name__)
        raise StoreUnavailable(f"the decision log could not {action}") from error
