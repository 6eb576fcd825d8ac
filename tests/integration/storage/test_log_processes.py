"""Several service processes appending to one database at once still make one unbroken chain."""

from __future__ import annotations

import multiprocessing

from sqlalchemy import Engine

from decision_service.orders.log import verify
from decision_service.storage.sql import SqlDecisionLog
from tests.integration.storage.workers import append_many

PROCESSES, EACH = 3, 30


def test_processes_appending_together_make_one_unbroken_chain(sql: tuple[str, Engine]) -> None:
    url, engine = sql
    spawn = multiprocessing.get_context("spawn")
    go = spawn.Barrier(PROCESSES)
    workers = [spawn.Process(target=append_many, args=(url, 1000 * (p + 1), EACH, go)) for p in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    log = SqlDecisionLog(engine)
    walked = list(log.walk())
    assert [s.seq for s in walked] == list(range(1, PROCESSES * EACH + 1))
    assert verify(log).ok
    ids = [s.record.id for s in walked]
    assert len(set(ids)) == PROCESSES * EACH
    assert any(a[:6] != b[:6] for a, b in zip(ids, ids[1:], strict=False)), "the processes never interleaved"
