"""`POST /v1/allocations`: one order in, one optimal and explained allocation decision out."""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources
from uuid import uuid4

from flask import Response, current_app

from decision_service.parsing import ApiBlueprint
from decision_service.ports import current_ports
from decision_service.schemas.request import AllocationRequestSchema
from decision_service.schemas.response import DecisionSchema, ProblemSchema
from decision_service.serialize import decision_json
from optimizers.problem import AllocationProblem

blp = ApiBlueprint(
    "allocations",
    __name__,
    url_prefix="/v1",
    description="Allocation decisions: which supply fills which line.",
)
SPEC_EXAMPLE = json.loads(resources.files("decision_service").joinpath("examples/spec_example.json").read_text())
PROBLEM = {"schema": ProblemSchema, "content_type": "application/problem+json"}


@blp.route("/allocations", methods=["POST"])
@blp.arguments(AllocationRequestSchema, example=SPEC_EXAMPLE)
@blp.response(200, DecisionSchema, description="The decision (also when degraded by the time limit).")
@blp.alt_response(400, description="Malformed JSON.", **PROBLEM)
@blp.alt_response(413, description="Body over the size limit.", **PROBLEM)
@blp.alt_response(415, description="Body not sent as application/json.", **PROBLEM)
@blp.alt_response(422, description="Invalid field or reference; `errors` names each by path.", **PROBLEM)
def post_allocation(problem: AllocationProblem) -> Response:
    """Decide which warehouses, substitutes and transfers fill each line of one order, and explain why."""
    decision = current_ports().decide(problem, explain=current_app.config["EXPLAIN"])
    decision = replace(decision, decision_id=uuid4().hex)
    return Response(decision_json(decision), mimetype="application/json")
