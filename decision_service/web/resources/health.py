"""`GET /healthz`: liveness for load balancers and orchestrators."""

from __future__ import annotations

from marshmallow import Schema, fields

from decision_service.web.parsing import ApiBlueprint

blp = ApiBlueprint("health", __name__, description="Service liveness.")


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})


@blp.route("/healthz", methods=["GET"])
@blp.response(200, HealthSchema)
def healthz() -> dict[str, str]:
    """Report that the service is up and answering."""
    return {"status": "ok"}
