"""`SqlProgressBoard`: background jobs' progress beside the log, one row per job, overwritten as it goes."""

from __future__ import annotations

from sqlalchemy import Engine, delete, insert, select

from decision_service.runs.progress import Progress
from decision_service.storage.sql.engine import BEGIN_MODE
from decision_service.storage.sql.errors import unavailable_on_failure
from decision_service.storage.sql.tables import job_progress

T = job_progress.c


class SqlProgressBoard:
    """A `ProgressBoard` in SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def post(self, job_id: str, progress: Progress) -> None:
        """Replace the job's progress, in one short transaction."""
        values = {"job_id": job_id, "stage": progress.stage, "done": progress.done, "total": progress.total,
                  "updated_at": progress.at}  # fmt: skip
        with unavailable_on_failure("post a job's progress"), self.engine.connect() as connection:
            if self.engine.dialect.name == "sqlite":
                connection.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
            with connection.begin():
                connection.execute(delete(job_progress).where(T.job_id == job_id))
                connection.execute(insert(job_progress).values(values))

    def read(self, job_id: str) -> Progress | None:
        """The job's latest progress, or None."""
        with unavailable_on_failure("read a job's progress"), self.engine.connect() as connection:
            row = connection.execute(select(job_progress).where(T.job_id == job_id)).first()
        return None if row is None else Progress(row.stage, int(row.done), int(row.total), row.updated_at)
