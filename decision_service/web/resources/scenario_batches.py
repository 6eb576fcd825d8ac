"""`/v1/scenario-batches`: a planner's batch of what-ifs over one order book, run in the background
(docs/scenario-batches.md). The batch is the YAML file's document, sent as JSON or as YAML."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import yaml
from flask import Response, abort, current_app, request, url_for
from marshmallow import Schema, fields

from decision_service.codec import strict_json
from decision_service.codec.errors import FieldError, InvalidRequest
from decision_service.runs.live import resolve_run
from decision_service.web.access import current_key
from decision_service.web.context import current_ports
from decision_service.web.errors import MalformedJson, UnsupportedContentType
from decision_service.web.parsing import ApiBlueprint
from decision_service.web.resources import json_response
from decision_service.web.resources.problems import PROBLEM, reads_json_body
from decision_service.web.running import runner
from scenarios.batches import BatchError, load_batch
from scenarios.batches.jobs import BatchJobs
from scenarios.batches.loader import parse_batch
from scenarios.batches.runner import prepare

blp = ApiBlueprint("scenario_batches", __name__, url_prefix="/v1", description="Scenario batches for planners.")
JOBS_KEY = "scenario_batch_jobs"
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml")
NOT_FOUND = "No scenario batch with that id."
_lock = threading.Lock()
BATCH_BODY = {
    "required": True,
    "description": "A batch (docs/scenario-batches.md): `batch`, `base` (`generator`, `input` or `network_ref`), "
    "`baseline`, "
    "`scenarios` and/or `sweep`, `settings`. Send it as JSON, or as YAML with Content-Type application/yaml.",
    "content": {t: {"schema": {"type": "object", "required": ["base"]}} for t in ("application/json", *YAML_TYPES)},
}


class BatchStateSchema(Schema):
    """Where a batch stands: `running` with its progress, `done` with `results` and `report_url`, or `failed`."""

    id = fields.String(required=True)
    state = fields.String(required=True)
    progress = fields.Dict()
    results = fields.Dict()
    report_url = fields.String()
    error = fields.String()


def jobs() -> BatchJobs:
    """The app's batch jobs: files under DATA_DIR (a temporary folder when the log is kept in memory)."""
    with _lock:
        found = current_app.extensions.get(JOBS_KEY)
        if found is None:
            folder = Path(current_app.config.get("DATA_DIR", "data")) / "scenario-batches"
            if current_app.config.get("DATABASE_URL") == "memory://":  # nothing is kept: neither are the jobs
                folder = Path(tempfile.mkdtemp(prefix="scenario-batches-"))
                atexit.register(shutil.rmtree, folder, ignore_errors=True)
            found = current_app.extensions[JOBS_KEY] = BatchJobs(folder)
        return found


def _read_body() -> Any:
    limit = current_app.config["MAX_RUN_BYTES"]
    request.max_content_length = limit
    raw = request.get_data(cache=True)
    if request.mimetype in YAML_TYPES:
        return load_batch(raw.decode("utf-8", errors="replace"))
    if not request.is_json:
        raise UnsupportedContentType(f"Send the batch as application/json or application/yaml, not "
                                     f"{request.mimetype or 'no type'}.")  # fmt: skip
    try:
        return parse_batch(strict_json.loads(raw, floats=True))
    except strict_json.NotJson as exc:
        raise MalformedJson(str(exc)) from None


def _stored(ref: dict[str, Any]) -> dict[str, Any]:
    """The spec's input over a stored network, read as a run with `network_ref` reads it (supply less other
    orders' reservations, confirmed quantities from the orders' own); `UnknownNetwork` is a 404."""
    data = {k: v for k, v in ref.items() if k != "id"}
    now = datetime.now(UTC)
    resolved: dict[str, Any] = runner().networks.read(ref["id"], lambda state: resolve_run(state, data, now)).data
    return resolved


@blp.route("/scenario-batches", methods=["POST"])
@blp.doc(requestBody=BATCH_BODY)
@blp.response(202, BatchStateSchema, description="Accepted: poll its Location.")
@blp.alt_response(422, description="Invalid batch; `errors` names the field (and the YAML line).", **PROBLEM)
@blp.alt_response(404, description="`base.network_ref` names no stored network.", **PROBLEM)
@reads_json_body(blp)
def post_batch() -> Response:
    """Run a batch of scenarios over one order book in the background, each a re-allocation run under the rules."""
    try:
        batch = _read_body()
        if batch.base.kind == "file":
            raise BatchError("base.file", "the API reads no files of the server: send the book as base.input")
        base = prepare(batch, _stored(batch.base.value) if batch.base.kind == "network_ref" else None)
    except BatchError as exc:
        where = f"line {exc.line}: " if exc.line is not None else ""
        raise InvalidRequest([FieldError(exc.field or "$", where + exc.detail)]) from None
    except yaml.YAMLError as exc:
        raise MalformedJson(f"The body is not YAML: {exc}") from None
    ports = current_ports()
    job_id = jobs().submit(batch, base, current_key().name, lambda: ports)
    where = url_for("scenario_batches.get_batch", job_id=job_id)
    return json_response({"id": job_id, "state": "running", "url": where}, 202, Location=where)


@blp.route("/scenario-batches/<job_id>", methods=["GET"])
@blp.response(200, BatchStateSchema)
@blp.alt_response(404, description=NOT_FOUND, **PROBLEM)
def get_batch(job_id: str) -> Response:
    """A batch: its progress while running; its results and the report's URL when done; its error if it failed."""
    state = jobs().state(job_id)
    if state is None:
        abort(404, NOT_FOUND)
    if state["state"] == "done":
        state["results"] = orjson.loads(jobs().file(job_id, "results.json") or "{}")  # our own file: plain JSON
        state["report_url"] = url_for("scenario_batches.get_batch_report", job_id=job_id)
    return json_response(state)


@blp.route("/scenario-batches/<job_id>/report", methods=["GET"])
@blp.response(200, description="The self-contained HTML report (opens offline).")
@blp.alt_response(404, description="No such batch, or it is not done yet.", **PROBLEM)
def get_batch_report(job_id: str) -> Response:
    """The batch's HTML report: KPIs by scenario, fill by tier, backorder aging, margin waterfall, changed orders."""
    html = jobs().file(job_id, "report.html")
    if html is None:
        abort(404, "No report: no batch with that id, or it is not done yet.")
    return Response(html, mimetype="text/html")
