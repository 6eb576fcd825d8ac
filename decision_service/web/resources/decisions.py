"""`/v1/decisions`: the decision record: one decision as decided, an auditor's questions, and replays."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson
from flask import Response, abort, current_app
from marshmallow import RAISE

from decision_service.codec import strict_json
from decision_service.codec.decode_decision import as_answered
from decision_service.codec.defaults import RequestDefaults, request_defaults
from decision_service.codec.encode_decision import decision_json
from decision_service.codec.schemas.decisions import (
    DecisionEntrySchema,
    DecisionPageSchema,
    DecisionQuerySchema,
    DecisionReadSchema,
    ReplaySchema,
)
from decision_service.codec.schemas.request import load_request
from decision_service.orders.finalise import software_versions
from decision_service.orders.log import Sealed
from decision_service.orders.record import KIND as ALLOCATION
from decision_service.orders.replay import compare
from decision_service.orders.service import decide_order
from decision_service.web.context import current_ports
from decision_service.web.parsing import ApiBlueprint
from decision_service.web.recording import current_log
from decision_service.web.resources import json_response
from decision_service.web.resources.problems import PROBLEM

blp = ApiBlueprint("decisions", __name__, url_prefix="/v1", description="The decision record: read, search, replay.")
NOT_FOUND = "No decision with that id in the log."
UNAVAILABLE = "The decision store cannot be reached; nothing was read or written. Retry shortly."


def audit(sealed: Sealed) -> dict[str, Any]:
    """A record's place in the chain, and who asked when, under which rules and software."""
    r = sealed.record
    return {"kind": r.kind, "seq": sealed.seq, "recorded_at": r.recorded_at, "actor": r.actor,
            "input_hash": r.input_hash, "prev_hash": sealed.prev_hash, "hash": sealed.hash,
            "rules_versions": r.rules_versions, "versions": r.versions}  # fmt: skip


def _found(decision_id: str) -> Sealed:
    sealed = current_log().get(decision_id)
    if sealed is None:
        abort(404, NOT_FOUND)
    return sealed


@blp.route("/decisions/<decision_id>", methods=["GET"])
@blp.arguments(DecisionReadSchema, location="query", unknown=RAISE)
@blp.response(200, DecisionEntrySchema)
@blp.alt_response(404, description=NOT_FOUND, **PROBLEM)
@blp.alt_response(422, description="An unknown `detail`; `errors` names it.", **PROBLEM)
@blp.alt_response(503, description=UNAVAILABLE, **PROBLEM)
def get_decision(query: dict[str, str], decision_id: str) -> Response:
    """One decision exactly as answered (or `detail=full`: explained in full), the request as received, its audit."""
    sealed = _found(decision_id)
    record = sealed.record
    shown = record.response
    if query["detail"] == "answered" and record.kind == ALLOCATION:
        shown = as_answered(record.request, record.response)
    return json_response({"decision": shown, "request": record.request, "audit": audit(sealed)})


@blp.route("/decisions", methods=["GET"])
@blp.arguments(DecisionQuerySchema, location="query", as_kwargs=False, unknown=RAISE)  # a misspelt filter: 422
@blp.response(200, DecisionPageSchema)
@blp.alt_response(422, description="A malformed filter, cursor or page size; `errors` names it.", **PROBLEM)
@blp.alt_response(503, description=UNAVAILABLE, **PROBLEM)
def find_decisions(query: Any) -> Response:
    """The decisions that answer an auditor's question, oldest first, a page at a time."""
    question, cursor, limit = query
    page = current_log().find(question, cursor, limit)
    rows = [_summary(s) for s in page.records]
    return json_response({"decisions": rows, "next_cursor": page.next_cursor})


def _summary(sealed: Sealed) -> dict[str, Any]:
    """A page's row: an allocation's order, status and hold; a rule record's table change has none of them."""
    answer = sealed.record.response
    if sealed.record.kind != ALLOCATION:
        return {"id": sealed.record.id, "order_id": None, "status": answer.get("status"), "held": None,
                "audit": audit(sealed)}  # fmt: skip
    return {"id": sealed.record.id, "order_id": answer["order_id"], "status": answer["status"],
            "held": answer["held"], "audit": audit(sealed)}  # fmt: skip


@blp.route("/decisions/<decision_id>/replay", methods=["POST"])
@blp.response(200, ReplaySchema)
@blp.alt_response(404, description=NOT_FOUND, **PROBLEM)
@blp.alt_response(409, description="The record is not an order decision (a rule table's change).", **PROBLEM)
@blp.alt_response(422, description="A rule version the decision used is not in this service's registry.", **PROBLEM)
@blp.alt_response(503, description=UNAVAILABLE, **PROBLEM)
def replay_decision(decision_id: str) -> Response:
    """Decide the recorded request again under the rule versions it recorded; compare level by level, fill by fill."""
    recorded = _found(decision_id).record
    if recorded.kind != ALLOCATION:
        abort(409, f"{decision_id} records a {recorded.kind}, not an order decision: only decisions replay.")
    answered = recorded.response
    as_of = date.fromisoformat(answered["as_of"])  # a request without as_of was decided on this day
    limit = current_app.config["DEFAULT_TIME_LIMIT_MS"]
    with request_defaults(RequestDefaults(today=lambda: as_of, time_limit_ms=limit)):
        request = load_request(strict_json.loads(recorded.request.encode("utf-8")))
    ports = current_ports()
    decided = decide_order(request, ports, decision_id=decision_id, rules_versions=recorded.rules_versions)
    result = compare(answered, orjson.loads(decision_json(decided)), software_versions())
    return json_response(result)
