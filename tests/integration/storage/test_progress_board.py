"""Every adapter of the progress board keeps one latest post per job, readable from another connection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from decision_service.orders.log import DecisionLog
from decision_service.runs.progress import Progress
from decision_service.storage import open_progress

AT = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)


def test_the_latest_post_of_each_job_is_read_back(log: DecisionLog) -> None:
    board = open_progress(log)
    assert board.read("run-1") is None
    board.post("run-1", Progress("queued", 0, 0, AT))
    board.post("run-2", Progress("queued", 0, 0, AT))
    board.post("run-1", Progress("solving", 3, 17, AT + timedelta(seconds=2)))
    assert board.read("run-1") == Progress("solving", 3, 17, AT + timedelta(seconds=2))
    assert board.read("run-2") == Progress("queued", 0, 0, AT)
    assert board.read("run-1").json() == {  # type: ignore[union-attr]
        "stage": "solving", "done": 3, "total": 17, "updated_at": "2026-12-04T06:00:02+00:00",
    }  # fmt: skip
