"""`POST /v1/allocations`: one order in, one optimal and explained allocation decision out."""

from __future__ import annotations

import json
from importlib import resources

import orjson
from flask import Response, current_app, g
from flask import request as flask_request

from decision_service.codec.explain_detail import shown_body
from decision_service.codec.schemas.request import REQUEST_SCHEMA
from decision_service.codec.schemas.response_order import OrderDecisionSchema
from decision_service.orders.request import OrderRequest
from decision_service.orders.service import decide_order
from decision_service.web.context import current_ports
from decision_service.web.network_ref import NetworkRefParser
from decision_service.web.parsing import FloatApiBlueprint
from decision_service.web.recording import record
from decision_service.web.reserving import reserve
from decision_service.web.resources.problems import PROBLEM, reads_json_body


class AllocationsBlueprint(FloatApiBlueprint):
    """Bodies read as by `FloatApiBlueprint`, a `network_ref` resolved to the stored slice first."""

    ARGUMENTS_PARSER = NetworkRefParser()


blp = AllocationsBlueprint(
    "allocations",
    __name__,
    url_prefix="/v1",
    description="Order decisions: which supply fills which line, under the credit, pricing and exception rules.",
)
SPEC_EXAMPLE = json.loads(resources.files("decision_service").joinpath("examples/spec_example.json").read_text())


@blp.route("/allocations", methods=["POST"])
@blp.arguments(REQUEST_SCHEMA, example=SPEC_EXAMPLE)  # one instance: webargs would build one per request
@blp.response(200, OrderDecisionSchema, description="The decision (also when degraded by the time limit).")
@reads_json_body(blp)
@blp.alt_response(
    503, description="The decision store cannot be reached: no decision is recorded or answered.", **PROBLEM
)
@blp.alt_response(422, description="Invalid field, reference or rules input; `errors` names each by path.", **PROBLEM)
@blp.alt_response(404, description="`network_ref` names no stored network.", **PROBLEM)
@blp.alt_response(
    409, description="`reserve`: the stock kept changing under every attempt; nothing reserved.", **PROBLEM
)
def post_allocation(request: OrderRequest) -> Response:
    """Decide which warehouses fill each line of one order under the credit, pricing and exception rules."""
    started = g.received  # the time limit counts from receipt, reading the body included
    explain = current_app.config["EXPLAIN"]
    if g.mode == "reserve":  # decided, reserved and recorded in one unit of work
        decided, full = reserve(request, started, explain)
    else:
        decided = decide_order(request, current_ports(), explain=explain, started=started)
        raw = g.get("resolved_request") or flask_request.get_data(cache=True)  # as decided: a network_ref resolved
        full = record(decided, request, raw)  # no answer without a record
    return Response(orjson.dumps(shown_body(full, request.explain)), mimetype="application/json")
