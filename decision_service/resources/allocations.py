"""`POST /v1/allocations`: one order in, one optimal and explained allocation decision out."""

from __future__ import annotations

import json
from importlib import resources
from uuid import uuid4

from flask import Response, current_app

from decision_service.order_policy.service import decide_order
from decision_service.order_policy.terms import OrderRequest
from decision_service.parsing import FloatApiBlueprint
from decision_service.ports import current_ports
from decision_service.schemas.request import AllocationRequestSchema
from decision_service.schemas.response import ProblemSchema
from decision_service.schemas.response_order import OrderDecisionSchema
from decision_service.serialize_order import order_decision_json

blp = FloatApiBlueprint(
    "allocations",
    __name__,
    url_prefix="/v1",
    description="Order decisions: which supply fills which line, under the credit, pricing and exception rules.",
)
SPEC_EXAMPLE = json.loads(resources.files("decision_service").joinpath("examples/spec_example.json").read_text())
PROBLEM = {"schema": ProblemSchema, "content_type": "application/problem+json"}


@blp.route("/allocations", methods=["POST"])
@blp.arguments(AllocationRequestSchema(), example=SPEC_EXAMPLE)  # one instance: webargs would build one per request
@blp.response(200, OrderDecisionSchema, description="The decision (also when degraded by the time limit).")
@blp.alt_response(400, description="Malformed JSON.", **PROBLEM)
@blp.alt_response(413, description="Body over the size limit.", **PROBLEM)
@blp.alt_response(415, description="Body not sent as application/json.", **PROBLEM)
@blp.alt_response(422, description="Invalid field, reference or rules input; `errors` names each by path.", **PROBLEM)
def post_allocation(request: OrderRequest) -> Response:
    """Decide which warehouses fill each line of one order under the credit, pricing and exception rules."""
    ports = current_ports()
    decided = decide_order(ports.rules, ports.decide, request, explain=current_app.config["EXPLAIN"])
    return Response(order_decision_json(decided, uuid4().hex, request.problem), mimetype="application/json")
