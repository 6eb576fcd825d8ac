"""Re-allocation runs in the app: decided and recorded before they are answered, synchronously or in the
background (one run at a time per worker, since a run keeps a core busy), and looked up in the log by any worker."""

from __future__ import annotations

import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from flask import Flask, current_app

from decision_service.codec.encode_run import run_body
from decision_service.network.port import NetworkStore
from decision_service.network.records import RELEASED as RELEASED_RECORD
from decision_service.network.records import RESERVED, reservation_record
from decision_service.network.reserving import Conflict
from decision_service.network.view import Changes
from decision_service.orders.finalise import software_versions
from decision_service.orders.log import DecisionLog, DecisionRecord, StoreUnavailable
from decision_service.orders.ports import Ports
from decision_service.runs import record as records
from decision_service.runs.live import AppliedRun, LiveRun, RunConflict, apply_run, resolve_run
from decision_service.runs.progress import Progress, ProgressBoard
from decision_service.runs.service import read_run, solve_run

RUNNER_KEY = "reallocation_runner"
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Live:
    """A run over a stored network: its id, and whether the run is applied to its reservations."""

    network_ref: str
    apply: bool = False


class Runner:
    """Decides runs against the app's ports and records each before its answer can be read."""

    def __init__(self, ports: Ports, decisions: DecisionLog, networks: NetworkStore, board: ProgressBoard) -> None:
        self.ports = ports
        self.log = decisions
        self.networks = networks
        self.board = board
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reallocation")

    def decide(self, data: Any, raw: str, actor: str, run_id: str, started: float, live: Live | None = None
               ) -> dict[str, Any]:  # fmt: skip
        """Read, decide and record one run (and apply it when asked); its answer as JSON values."""
        read, raw = self._resolve(data, raw, live)
        problem, versions = read_run(read.data if read else data, self.ports)
        return self._solve(problem, versions, raw, actor, run_id, started, live, read)

    def accept(self, data: Any, raw: str, actor: str, run_id: str, live: Live | None = None) -> None:
        """Read the run now (bad input is refused at once), record that it was accepted, decide it later."""
        read, raw = self._resolve(data, raw, live)
        problem, versions = read_run(read.data if read else data, self.ports)
        at = datetime.now(UTC)
        self.log.append(records.accepted_record(run_id, raw, actor=actor, at=at, versions=software_versions()))
        self._post(run_id, "queued")
        self.pool.submit(self._background, problem, versions, raw, actor, run_id, live, read)

    def _post(self, run_id: str, stage: str, done: int = 0, total: int = 0) -> None:
        """Post how far a background run has got; progress is a courtesy, so a store that is down skips it."""
        try:
            self.board.post(run_id, Progress(stage, done, total, datetime.now(UTC)))
        except StoreUnavailable:
            log.warning("re-allocation run %s: progress %s not posted (store unavailable)", run_id, stage)

    def _resolve(self, data: Any, raw: str, live: Live | None) -> tuple[LiveRun | None, str]:
        """With a `network_ref`, the input with the stored network in place, and that input as the log keeps it
        (as decided, like an allocation's); otherwise nothing to resolve."""
        if live is None:
            return None, raw
        now = datetime.now(UTC)
        read = self.networks.read(live.network_ref, lambda state: resolve_run(state, data, now))
        kept = {**read.data, "network_ref": live.network_ref, "mode": "apply" if live.apply else "simulate"}
        return read, orjson.dumps(kept).decode()

    def _background(self, problem: Any, versions: dict[str, str], raw: str, actor: str, run_id: str,
                    live: Live | None, read: LiveRun | None) -> None:  # fmt: skip
        try:
            self._post(run_id, "solving")
            self._solve(problem, versions, raw, actor, run_id, time.perf_counter(), live, read, posted=True)
        except Exception as exc:  # noqa: BLE001  # recorded, so every worker answers "failed" with the reason
            log.exception("re-allocation run %s failed", run_id)
            reason = str(exc) if isinstance(exc, RunConflict | StoreUnavailable) else f"{type(exc).__name__}: {exc}"
            at = datetime.now(UTC)
            try:
                self.log.append(records.failed_record(run_id, reason, actor=actor, at=at, versions=software_versions()))
            except StoreUnavailable:
                log.exception("re-allocation run %s: its failure could not be recorded", run_id)

    def _solve(self, problem: Any, versions: dict[str, str], raw: str, actor: str, run_id: str, started: float,
               live: Live | None = None, read: LiveRun | None = None, posted: bool = False
               ) -> dict[str, Any]:  # fmt: skip
        levels = (lambda done, total: self._post(run_id, "solving", done, total)) if posted else None
        decided = solve_run(problem, versions, run_id=run_id, started=started, progress=levels)
        if posted:
            self._post(run_id, "applying" if live is not None and live.apply else "recording")
        answer = run_body(decided)
        if live is not None:
            answer["network_ref"] = live.network_ref
        if live is None or not live.apply or read is None:
            self.log.append(self._entry(run_id, raw, answer, decided, actor))
            return answer
        return self._apply(live, read, run_id, raw, answer, decided, actor)

    def _apply(self, live: Live, read: LiveRun, run_id: str, raw: str, answer: dict[str, Any], decided: Any,
               actor: str) -> dict[str, Any]:  # fmt: skip
        now = datetime.now(UTC)

        def change(changes: Changes) -> AppliedRun:
            return apply_run(changes, read, answer, network_id=live.network_ref, run_id=run_id, now=now)

        def records_of(applied: AppliedRun) -> list[DecisionRecord]:
            answer["applied"] = applied.summary()
            kept = [self._entry(run_id, raw, answer, decided, actor)]
            versions = software_versions()
            for order_id, gone in sorted(applied.released.items()):
                kept.append(reservation_record(RELEASED_RECORD, f"{run_id}-{order_id}-released", gone, actor=actor,
                                               at=now, versions=versions))  # fmt: skip
            for order_id, made in sorted(applied.made.items()):
                kept.append(reservation_record(RESERVED, f"{run_id}-{order_id}-reserved", made, actor=actor, at=now,
                                               versions=versions))  # fmt: skip
            return kept

        try:
            self.networks.commit(live.network_ref, change, records=records_of)  # the whole network locked
        except Conflict as exc:
            raise RunConflict(f"{exc}: nothing was applied or recorded; run it again") from None
        return answer

    def _entry(self, run_id: str, raw: str, answer: dict[str, Any], decided: Any, actor: str) -> DecisionRecord:
        return records.run_record(run_id, raw, answer, input_hash=decided.run.input_hash,
                                  rules_versions=decided.rules_versions, versions=decided.versions,
                                  actor=actor, at=datetime.now(UTC))  # fmt: skip


def install(app: Flask, ports: Ports, decisions: DecisionLog, networks: NetworkStore, board: ProgressBoard) -> None:
    """Give `app` its runner."""
    app.extensions[RUNNER_KEY] = Runner(ports, decisions, networks, board)


def runner() -> Runner:
    """The runner of the app serving the current request."""
    found: Runner = current_app.extensions[RUNNER_KEY]
    return found


def new_run_id() -> str:
    """A fresh run id."""
    return f"run-{uuid.uuid4()}"
