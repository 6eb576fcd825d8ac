"""Test-only: makes one gunicorn worker stop in the middle of recording a decision, so a test can SIGKILL it there.

Python imports this module at start-up only when its directory is on PYTHONPATH, which only
`tests/integration/test_worker_killed.py` puts there for the server it starts; nothing in the service imports it
and no request can reach it. `DECISION_SERVICE_TEST_KILL_POINT` says where the worker stops:

- `before_commit`: inside the append's transaction, record and facets written, just before COMMIT;
- `after_commit`: once the append has committed, before the answer is written;
- `after_unit_of_work`: once a reserve's unit of work (its reservations and records) has committed, before
  the answer is written (a reserve's `before_commit` is the same hook as an allocation's: its records are
  written last, inside the unit of work's transaction).

The first worker to get there creates `DECISION_SERVICE_TEST_KILL_MARKER` (exclusively: one stop per server),
writes its pid and the decision's id into it, and sleeps until it is killed.
"""

from __future__ import annotations

import os
import time
from typing import Any

POINT = os.environ.get("DECISION_SERVICE_TEST_KILL_POINT", "")
MARKER = os.environ.get("DECISION_SERVICE_TEST_KILL_MARKER", "")
MASTER = os.getpid()  # gunicorn's master: the workers are forked from it, so another pid is a worker


def _stop_here(decision_id: str) -> None:
    if os.getpid() == MASTER:
        return
    try:
        fd = os.open(MARKER, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:  # a worker already stopped once: the rest of the server runs normally
        return
    with os.fdopen(fd, "w") as marker:
        marker.write(f"{os.getpid()} {decision_id}\n")
    time.sleep(120)  # the test kills this worker long before


def _install() -> None:
    from decision_service.storage.sql.log import SqlDecisionLog

    append = SqlDecisionLog.append
    if POINT == "after_commit":

        def append_then_stop(self: SqlDecisionLog, record: Any) -> Any:
            sealed = append(self, record)
            if record.kind == "allocation":  # not the rule tables' seed records a worker appends on start
                _stop_here(record.id)
            return sealed

        SqlDecisionLog.append = append_then_stop  # type: ignore[method-assign]
    elif POINT == "before_commit":
        from decision_service.storage.sql import append as appending

        insert = appending._insert  # the record's and its facets' statements, run inside the open transaction

        def insert_then_stop(cursor: Any, dialect: Any, record: Any) -> Any:
            sealed = insert(cursor, dialect, record)
            if record.kind == "allocation":
                _stop_here(record.id)
            return sealed

        appending._insert = insert_then_stop
    elif POINT == "after_unit_of_work":
        from decision_service.storage.sql.network import SqlNetworkStore

        commit = SqlNetworkStore.commit

        def commit_then_stop(self: SqlNetworkStore, network_id: str, work: Any, **options: Any) -> Any:
            written: list[str] = []
            records = options.get("records")
            if records is not None:

                def noted(result: Any) -> Any:
                    found = records(result)
                    written.extend(r.id for r in found if r.kind == "allocation")
                    return found

                options["records"] = noted
            result = commit(self, network_id, work, **options)
            if written:
                _stop_here(written[0])
            return result

        SqlNetworkStore.commit = commit_then_stop  # type: ignore[method-assign]


if POINT and MARKER:
    _install()
