"""Re-allocation runs in the app: decided and recorded before they are answered, synchronously or in the
background (one run at a time per worker, since a run keeps a core busy), and looked up in the log by any worker."""

from __future__ import annotations

import logging
import time
import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from decision_service.codec import strict_json
from decision_service.codec.encode_run import run_body
from decision_service.orders.finalise import software_versions
from decision_service.orders.log import DecisionLog
from decision_service.orders.ports import Ports
from decision_service.runs import record as records
from decision_service.runs.service import read_run, solve_run
from decision_service.web.errors import MalformedJson, UnsupportedContentEncoding, UnsupportedContentType

RUNNER_KEY = "reallocation_runner"
OPTIONS = ("async", "mode", "network_ref")  # the service's own fields beside the spec's input
log = logging.getLogger(__name__)


class Runner:
    """Decides runs against the app's ports and records each before its answer can be read."""

    def __init__(self, ports: Ports, decisions: DecisionLog) -> None:
        self.ports = ports
        self.log = decisions
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reallocation")

    def decide(self, data: Any, raw: str, actor: str, run_id: str, started: float) -> dict[str, Any]:
        """Read, decide and record one run; its answer as JSON values."""
        problem, versions = read_run(data, self.ports)
        return self._solve(problem, versions, raw, actor, run_id, started)

    def accept(self, data: Any, raw: str, actor: str, run_id: str) -> None:
        """Read the run now (bad input is refused at once), record that it was accepted, decide it later."""
        problem, versions = read_run(data, self.ports)
        at = datetime.now(UTC)
        self.log.append(records.accepted_record(run_id, raw, actor=actor, at=at, versions=software_versions()))
        self.pool.submit(self._background, problem, versions, raw, actor, run_id)

    def _background(self, problem: Any, versions: dict[str, str], raw: str, actor: str, run_id: str) -> None:
        try:
            self._solve(problem, versions, raw, actor, run_id, time.perf_counter())
        except Exception:  # the accepted record stays "running"; the log says why  # noqa: BLE001
            log.exception("re-allocation run %s failed", run_id)

    def _solve(self, problem: Any, versions: dict[str, str], raw: str, actor: str, run_id: str,
               started: float) -> dict[str, Any]:  # fmt: skip
        decided = solve_run(problem, versions, run_id=run_id, started=started)
        answer = run_body(decided)
        entry = records.run_record(run_id, raw, answer, input_hash=decided.run.input_hash,
                                   rules_versions=decided.rules_versions, versions=decided.versions,
                                   actor=actor, at=datetime.now(UTC))  # fmt: skip
        self.log.append(entry)
        return answer


def install(app: Flask, ports: Ports, decisions: DecisionLog) -> None:
    """Give `app` its runner."""
    app.extensions[RUNNER_KEY] = Runner(ports, decisions)


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
