"""A writer killed with SIGKILL in the middle of appending leaves each record whole or absent, never half."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time

import pytest
from sqlalchemy import Engine, func, select

from decision_service.orders.log import verify
from decision_service.storage.sql import SqlDecisionLog
from decision_service.storage.sql.tables import facets, records
from tests.integration.storage.workers import append_until_killed

KILLS = 6


@pytest.mark.slow
def test_killed_writers_leave_whole_records_and_one_unbroken_chain(sql: tuple[str, Engine]) -> None:
    url, engine = sql
    spawn = multiprocessing.get_context("spawn")
    rng = random.Random(7)
    committed = 0
    for round_ in range(KILLS):
        appended = spawn.RawValue("i", 0)  # lock-free: see append_until_killed
        writer = spawn.Process(target=append_until_killed, args=(url, 1000 * (round_ + 1), appended))
        writer.start()
        deadline = time.monotonic() + 30
        while appended.value < 3 and time.monotonic() < deadline:  # let it get going, then kill it mid-stride
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.05))
        assert writer.pid is not None
        os.kill(writer.pid, signal.SIGKILL)
        writer.join(timeout=30)
        committed += appended.value
    log = SqlDecisionLog(engine)
    result = verify(log)
    assert result.ok, result
    with engine.connect() as connection:
        stored = connection.execute(select(func.count()).select_from(records)).scalar_one()
        orphans = connection.execute(
            select(func.count()).select_from(facets).where(facets.c.seq.not_in(select(records.c.seq)))
        ).scalar_one()
    # Every append the writers counted is there; at most one per kill committed after its count was taken.
    assert committed <= stored <= committed + KILLS and orphans == 0
    assert all(s.record.kind == "allocation" for s in log.walk())  # every record reads back whole
