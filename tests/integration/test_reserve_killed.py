"""A clerk process killed with SIGKILL in the middle of reserving leaves each reservation with its log record, or
neither: the reservations and the records are one transaction."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from decision_service.orders.log import verify
from decision_service.orders.ports import FixedClock
from decision_service.storage.sql import SqlDecisionLog
from decision_service.storage.sql.keys import SqlKeyStore
from decision_service.storage.sql.tables import network_reservations
from decision_service.web import create_app
from decision_service.web.config import Config
from decision_service.web.resources.allocations import SPEC_EXAMPLE
from tests.api.fakes import TODAY, keyed_client
from tests.integration.reserving import reserve_until_killed
from tests.integration.storage.stores import migrated

KILLS = 4


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_killed_clerk_leaves_each_reservation_with_its_record_or_neither(kind: str, tmp_path: Path) -> None:
    with migrated(kind, tmp_path) as (url, engine):
        log, keys = SqlDecisionLog(engine), SqlKeyStore(engine)  # on the fixture's engine, which it disposes
        app = create_app(Config(DATABASE_URL=url), clock=FixedClock(TODAY), log=log, keys=keys)
        assert (
            keyed_client(app, "integration").put("/v1/networks/west", json=SPEC_EXAMPLE["network"]).status_code == 200
        )
        spawn, rng = multiprocessing.get_context("spawn"), random.Random(11)
        for clerk in range(KILLS):
            reserved = spawn.RawValue("i", 0)  # lock-free: a kill inside a locked increment would leave it held
            process = spawn.Process(target=reserve_until_killed, args=(url, clerk, reserved))
            process.start()
            deadline = time.monotonic() + 60
            while reserved.value < 2 and time.monotonic() < deadline:  # let it get going, then kill it mid-stride
                time.sleep(0.01)
            time.sleep(rng.uniform(0, 0.1))
            assert process.pid is not None and reserved.value >= 2
            os.kill(process.pid, signal.SIGKILL)
            process.join(timeout=30)
        assert verify(log).ok
        with engine.connect() as connection:
            stored = {row.id: row.status for row in connection.execute(select(network_reservations))}
        made = {
            r["id"] for s in log.walk() if s.record.kind == "reservation" for r in s.record.response["reservations"]
        }
        released = {r["id"] for s in log.walk() if s.record.kind == "reservation_released"
                    for r in s.record.response["reservations"]}  # fmt: skip
        assert made == set(stored) and stored  # no reservation without its record, no record without them
        assert released == {rid for rid, status in stored.items() if status == "released"}
