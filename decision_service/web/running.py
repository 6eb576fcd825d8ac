"""Re-allocation runs in the app: decided and recorded before they are answered, synchronously or in the
background (one run at a time per worker, since a run keeps a core busy), and looked up in the log by any worker."""

from __future__ import annotations

import logging
import time
import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from decision_service.codec import strict_json
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
from decision_service.runs.service import read_run, solve_run
from decision_service.web.errors import MalformedJson, UnsupportedContentEncoding, UnsupportedContentType

RUNNER_KEY = "reallocation_runner"
OPTIONS = ("async", "mode", "network_ref")  # the service's own fields beside the spec's input
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Live:
    """A run over a stored network: its id, and whether the run is applied to its reservations."""

    network_ref: str
    apply: bool = False


class Runner:
    """Decides runs against the app's ports and records each before its answer can be read."""

    def __init__(self, ports: Ports, decisions: DecisionLog, networks: NetworkStore) -> None:
        self.ports = ports
        self.log = decisions
        self.networks = networks
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
        self.pool.submit(self._background, problem, versions, raw, actor, run_id, live, read)

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
            self._solve(problem, versions, raw, actor, run_id, time.perf_counter(), live, read)
        except Exception as exc:  # noqa: BLE001  # recorded, so every worker answers "failed" with the reason
            log.exception("re-allocation run %s failed", run_id)
            reason = str(exc) if isinstance(exc, RunConflict | StoreUnavailable) else f"{type(exc).__name__}: {exc}"
            at = datetime.now(UTC)
            try:
                self.log.append(records.failed_record(run_id, reason, actor=actor, at=at, versions=software_versions()))
            except StoreUnavailable:
                log.exception("re-allocation run %s: its failure could not be recorded", run_id)

    def _solve(self, problem: Any, versions: dict[str, str], raw: str, actor: str, run_id: str, started: float,
               live: Live | None = None, read: LiveRun | None = None) -> dict[str, Any]:  # fmt: skip
        decided = solve_run(problem, versions, run_id=run_id, started=started)
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


def install(app: Flask, ports: Ports, decisions: DecisionLog, networks: NetworkStore) -> None:
    """Give `app` its runner."""
    app.extensions[RUNNER_KEY] = Runner(ports, decisions, networks)


def runner() -> Runner:
    """The runner of the app serving the current request."""
    found: Runner = current_app.extensions[RUNNER_KEY]
    return found


def new_run_id() -> str:
    """A fresh run id."""
    return f"run-{uuid.uuid4()}"


def read_run_body() -> tuple[dict[str, Any], str, dict[str, Any]]:
    """The run's input (JSON, gzip accepted) within the run size limit: the spec's part, its text as received,
    and the service's options (`async`, `mode`, `network_ref`)."""
    if not request.is_json:
        raise UnsupportedContentType(f"Send the body as application/json, not {request.mimetype or 'no type'}.")
    limit = current_app.config["MAX_RUN_BYTES"]
    request.max_content_length = limit
    raw = request.get_data(cache=True)  # 413 past the run size limit
    coding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if coding == "gzip":
        raw = _gunzip(raw, limit)
    elif coding not in ("", "identity"):
        raise UnsupportedContentEncoding(f"Content-Encoding {coding!r} is not accepted; send gzip or identity.")
    try:
        data = strict_json.loads(raw, floats=True)
    except strict_json.NotJson as exc:
        raise MalformedJson(str(exc)) from None
    if not isinstance(data, dict):
        raise MalformedJson("The body must be a JSON object.")
    options = {k: data.pop(k) for k in OPTIONS if k in data}
    return data, raw.decode("utf-8"), options


def _gunzip(raw: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, limit + 1)
    except zlib.error as exc:
        raise MalformedJson(f"The gzip body does not inflate: {exc}") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise RequestEntityTooLarge(f"The inflated body exceeds the run size limit of {limit} bytes.")
    return out
