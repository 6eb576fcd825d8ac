"""`/v1/reallocations`: re-allocation runs over many open orders (`shared/spec/reallocation.md`)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, g, url_for
from marshmallow import Schema, fields

from decision_service.codec.errors import FieldError, InvalidRequest
from decision_service.codec.schemas.fields import MAX_TEXT
from decision_service.codec.schemas.run_output import RunSchema
from decision_service.runs import record as records
from decision_service.web.access import current_key
from decision_service.web.parsing import ApiBlueprint
from decision_service.web.recording import current_log
from decision_service.web.resources import json_response
from decision_service.web.resources.problems import PROBLEM, reads_json_body
from decision_service.web.run_body import read_run_body
from decision_service.web.running import Live, new_run_id, runner

blp = ApiBlueprint("reallocations", __name__, url_prefix="/v1", description="Re-allocation runs over open orders.")
NOT_FOUND = "No run with that id in the log."
_OBJECT = {"type": "object"}
RUN_BODY = {  # documented, not parsed by a schema: a run may be tens of MB, read once by the core's own reader
    "required": True,
    "description": "The spec's input (shared/spec/reallocation.md), gzip accepted, plus `async`. See "
    "docs/reallocation-api.md for the commercial fields the rules read.",
    "content": {"application/json": {"schema": {
        "type": "object",
        "required": ["as_of", "orders"],
        "properties": {
            "as_of": {"type": "string", "format": "date"}, "network": _OBJECT,
            "orders": {"type": "array", "items": _OBJECT}, "strategy": _OBJECT, "policy": _OBJECT,
            "async": {"type": "boolean", "description": "Answer 202 at once and decide in the background."},
            "network_ref": {"type": "string", "description": "Run over a stored network instead of `network`: "
                            "its supply less other orders' reservations; confirmed quantities from reservations."},
            "mode": {"type": "string", "enum": ["simulate", "apply"], "description": "`simulate` (default) "
                     "changes nothing; `apply` (with `network_ref`) changes the reservations to the run."},
        },
    }}},
}  # fmt: skip


class RunStateSchema(Schema):
    """Where an asynchronous run stands: `running` (with when it was accepted) or `done` (with its `result`)."""

    run_id = fields.String(required=True)
    state = fields.String(required=True)
    url = fields.String(metadata={"description": "When accepted: where to poll (also the `Location` header)."})
    accepted_at = fields.AwareDateTime(allow_none=True)
    error = fields.String(allow_none=True, metadata={"description": "Why a `failed` run was not decided or applied."})
    progress = fields.Dict(
        allow_none=True,
        metadata={
            "description": "While `running`: `stage` (queued, solving, "
            "recording or applying), `done` of `total` steps in it, `updated_at`."
        },
    )
    result = fields.Nested(RunSchema, allow_none=True, metadata={"description": "When `done`: the run's answer."})


@blp.route("/reallocations", methods=["POST"])
@blp.doc(requestBody=RUN_BODY)
@blp.response(200, RunSchema, description="The run, decided and recorded (also when degraded by its time limit).")
@blp.alt_response(202, schema=RunStateSchema, description="With `async: true`: accepted; poll its Location.")
@blp.alt_response(422, description="Invalid input; `errors` names the field (e.g. `orders[3].customer`).", **PROBLEM)
@blp.alt_response(503, description="The decision store cannot be reached: nothing is run or recorded.", **PROBLEM)
@reads_json_body(blp)
def post_reallocation() -> Response:
    """Re-allocate the supply of a network among many open orders, every level of the objective proven optimal."""
    data, raw, options = read_run_body()
    live = _live(options)
    run_id, actor = new_run_id(), current_key().name
    if options.get("async") is True:
        runner().accept(data, raw, actor, run_id, live)
        where = url_for("reallocations.get_reallocation", run_id=run_id)
        return json_response({"run_id": run_id, "state": "running", "url": where}, 202, Location=where)
    return json_response(runner().decide(data, raw, actor, run_id, g.received, live))


@blp.route("/reallocations/<run_id>", methods=["GET"])
@blp.response(200, RunStateSchema)
@blp.alt_response(404, description=NOT_FOUND, **PROBLEM)
def get_reallocation(run_id: str) -> Response:
    """A run: `done` with its result once recorded, `running` while an accepted run is being decided."""
    log = current_log()
    done = log.get(run_id)
    if done is not None and done.record.kind == records.RUN:
        return json_response({"run_id": run_id, "state": "done", "result": done.record.response})
    accepted = log.get(records.accepted_id(run_id))
    if accepted is None:
        abort(404, NOT_FOUND)
    failed = log.get(records.failed_id(run_id))
    if failed is not None:
        return json_response({"run_id": run_id, "state": "failed", "error": failed.record.response["error"],
                              "accepted_at": accepted.record.recorded_at.isoformat()})  # fmt: skip
    running = {"run_id": run_id, "state": "running", "accepted_at": accepted.record.recorded_at.isoformat()}
    progress = runner().board.read(run_id)
    return json_response({**running, "progress": progress.json()} if progress is not None else running)


def _live(options: dict[str, Any]) -> Live | None:
    """The run's live options, checked: `network_ref` (a stored network's id) and `mode` (`apply` needs it)."""
    errors = []
    if "async" in options and not isinstance(options["async"], bool):
        errors.append(FieldError("async", "must be true or false"))
    mode, ref = options.get("mode", "simulate"), options.get("network_ref")
    if mode not in ("simulate", "apply"):
        errors.append(FieldError("mode", "must be simulate or apply"))
    if ref is not None and (not isinstance(ref, str) or not 1 <= len(ref) <= MAX_TEXT):
        errors.append(FieldError("network_ref", f"must be a network id of 1 to {MAX_TEXT} characters"))
    if mode == "apply" and ref is None:
        errors.append(FieldError("network_ref", "applying a run changes a stored network's reservations: send one"))
    if errors:
        raise InvalidRequest(errors)
    return None if ref is None else Live(ref, apply=mode == "apply")
