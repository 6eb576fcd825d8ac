"""`POST /v1/allocations`: one order in, one optimal and explained allocation decision out."""

from __future__ import annotations

import json
from importlib import resources

from flask import Response, current_app, g
from flask import request as flask_request

from decision_service.codec.encode_decision import decision_json
from decision_service.codec.schemas.request import REQUEST_SCHEMA
from decision_service.codec.schemas.response_order import OrderDecisionSchema
from decision_service.orders.request import ExplainDetail, OrderRequest
from decision_service.orders.service import decide_order
from decision_service.web.context import current_ports
from decision_service.web.parsing import FloatApiBlueprint
from decision_service.web.recording import record
from decision_service.web.resources.problems import PROBLEM, reads_json_body

blp = FloatApiBlueprint(
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
def post_allocation(request: OrderRequest) -> Response:
    """Decide which warehouses fill each line of one order under the credit, pricing and exception rules."""
    started = g.received  # the time limit counts from receipt, reading the body included
    decided = decide_order(request, current_ports(), explain=current_app.config["EXPLAIN"], started=started)
    full = record(decided, request, flask_request.get_data(cache=True))  # no answer without a record
    body = full if request.explain is ExplainDetail.FULL else decision_json(decided, request.explain)
    return Response(body, mimetype="application/json")
