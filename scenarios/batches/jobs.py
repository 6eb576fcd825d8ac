"""Batches run in the background for the API: one at a time (a batch keeps the cores busy), each job's state,
results and report kept as files in a folder, so every server process on the machine can answer for any job.

A job's `state.json` is replaced whole at every step (`running` with its progress, then `done` or `failed`), so a
reader never sees half of it. Runs in this process (one worker): a server process does not fork pools.
"""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scenarios.batches.execute import PortsFactory
from scenarios.batches.model import Batch
from scenarios.batches.runner import run_batch, run_of
from scenarios.batches.writers import write_results

log = logging.getLogger(__name__)
JOB_ID = re.compile(r"batch-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class BatchJobs:
    """Accepted batches and where each stands, kept under `folder`."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scenario-batch")

    def _dir(self, job_id: str) -> Path:
        return self.folder / job_id

    def _state(self, job_id: str, **state: Any) -> None:
        target = self._dir(job_id) / "state.json"
        partial = target.with_suffix(".tmp")
        partial.write_text(json.dumps({"id": job_id, **state}), encoding="utf-8")
        os.replace(partial, target)

    def submit(self, batch: Batch, base: dict[str, Any], actor: str, ports_factory: PortsFactory) -> str:
        """Accept a read and checked batch; its id."""
        job_id = f"batch-{uuid.uuid4()}"
        self._dir(job_id).mkdir(parents=True)
        accepted = datetime.now(UTC).isoformat()
        total = len(set(run_of(batch, base)))
        head = {"batch": batch.name, "actor": actor, "accepted_at": accepted}
        self._state(job_id, state="running", progress={"done": 0, "total": total}, **head)
        self.pool.submit(self._run, job_id, batch, base, ports_factory, head)
        return job_id

    def _run(self, job_id: str, batch: Batch, base: dict[str, Any], ports_factory: PortsFactory,
             head: dict[str, Any]) -> None:  # fmt: skip
        def progress(done: int, total: int, name: str) -> None:
            self._state(job_id, state="running", progress={"done": done, "total": total, "last": name}, **head)

        try:
            result = run_batch(batch, base=base, ports_factory=ports_factory, progress=progress)
            write_results(result, self._dir(job_id))
            self._state(job_id, state="done", failed_scenarios=result.body["failed"], **head)
        except Exception as exc:  # noqa: BLE001 - the job says why; the server goes on
            log.exception("scenario batch %s failed", job_id)
            self._state(job_id, state="failed", error=f"{type(exc).__name__}: {exc}", **head)

    def state(self, job_id: str) -> dict[str, Any] | None:
        """Where the job stands, or None for an unknown id."""
        path = self._dir(job_id) / "state.json"
        if not JOB_ID.fullmatch(job_id) or not path.is_file():
            return None
        found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return found

    def file(self, job_id: str, name: str) -> str | None:
        """One of a done job's files (`results.json`, `report.html`), or None."""
        path = self._dir(job_id) / name
        return path.read_text(encoding="utf-8") if JOB_ID.fullmatch(job_id) and path.is_file() else None
