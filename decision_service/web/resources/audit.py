"""`/v1/audit`: proof that the decision record was not changed: walk the chain, or take its digest."""

from __future__ import annotations

import orjson
from flask import Response

from decision_service.codec.schemas.decisions import DigestSchema, VerificationSchema
from decision_service.orders.log import verify
from decision_service.web.parsing import ApiBlueprint
from decision_service.web.recording import current_log
from decision_service.web.resources.decisions import UNAVAILABLE
from decision_service.web.resources.problems import PROBLEM

blp = ApiBlueprint("audit", __name__, url_prefix="/v1/audit", description="The decision log's hash chain.")


@blp.route("/verify", methods=["GET"])
@blp.response(200, VerificationSchema)
@blp.alt_response(503, description=UNAVAILABLE, **PROBLEM)
def verify_chain() -> Response:
    """Walk the whole chain: `ok`, or the first record whose content or link does not check, and why."""
    result = verify(current_log())
    return Response(orjson.dumps(result), mimetype="application/json")


@blp.route("/digest", methods=["GET"])
@blp.response(200, DigestSchema)
@blp.alt_response(503, description=UNAVAILABLE, **PROBLEM)
def digest() -> Response:
    """The head hash and the number of records: keep it outside the service to prove later that nothing before
    it changed (`decision-service audit verify --digest FILE`)."""
    return Response(orjson.dumps(current_log().head()), mimetype="application/json")
