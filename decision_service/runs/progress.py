"""How far a background job has got (a re-allocation run accepted with `async`), readable by any worker.

A job posts its stage as it goes (`accepted`, `solving` with levels done of levels in all, `recording`); a
`GET` from any worker reads the latest post. Progress is not a decision: it is kept beside the log, in a table
that is overwritten, and nothing about a decision depends on it. Adapters: `InMemoryProgressBoard` here, the
SQL board in `decision_service.storage.sql.progress`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Progress:
    """A job's latest stage: `done` of `total` steps in it (0 of 0 when the stage has no steps)."""

    stage: str
    done: int
    total: int
    at: datetime

    def json(self) -> dict[str, Any]:
        """As the API shows it."""
        return {"stage": self.stage, "done": self.done, "total": self.total, "updated_at": self.at.isoformat()}


class ProgressBoard(Protocol):
    """The latest progress of each job, by job id."""

    def post(self, job_id: str, progress: Progress) -> None:
        """Replace the job's progress."""
        ...

    def read(self, job_id: str) -> Progress | None:
        """The job's latest progress, or None."""
        ...


class InMemoryProgressBoard:
    """A `ProgressBoard` in a dict (one process: tests and the in-memory service)."""

    def __init__(self) -> None:
        self._posts: dict[str, Progress] = {}
        self._lock = threading.Lock()

    def post(self, job_id: str, progress: Progress) -> None:
        """Replace the job's progress."""
        with self._lock:
            self._posts[job_id] = progress

    def read(self, job_id: str) -> Progress | None:
        """The job's latest progress, or None."""
        with self._lock:
            return self._posts.get(job_id)
