"""What a second service process does in the concurrency tests: append to the same database (run under spawn)."""

from __future__ import annotations

from typing import Any

from decision_service.storage.sql import SqlDecisionLog, engine_from_url
from tests.integration.storage.stores import record


def append_many(url: str, first: int, count: int, go: Any) -> None:
    """Connect, wait at the barrier for the other processes, then append records `first` .. `first + count - 1`."""
    engine = engine_from_url(url)
    try:
        log = SqlDecisionLog(engine)
        log.get("warm-up")  # connected before the race starts
        go.wait(timeout=30)
        for number in range(first, first + count):
            log.append(record(number))
    finally:
        engine.dispose()


def append_until_killed(url: str, first: int, appended: Any) -> None:
    """Append records from `first` on, counting each one committed, until the process is killed.

    `appended` is a lock-free shared integer written only here: a synchronized Value would leave its lock held
    if the kill lands inside the increment, and the parent's next read would wait for it forever.
    """
    engine = engine_from_url(url)
    log = SqlDecisionLog(engine)
    number = first
    while True:
        log.append(record(number))
        appended.value += 1
        number += 1
