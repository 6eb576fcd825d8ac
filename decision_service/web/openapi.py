"""The flask-smorest `Api`: OpenAPI at `/openapi.json`, Swagger UI at `/docs`.

Swagger UI's scripts are vendored (the `swagger-ui-bundle` package) and served at `/docs/assets/`, so `/docs`
works with no internet. There is no ReDoc page: its script is not shipped in any package the service installs,
and a page that loads it from a CDN is blank offline.
`/openapi.json` itself needs nothing from outside.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from decision_service.codec.schemas.fields import IsoDate, Money
from decision_service.codec.schemas.problem import ProblemSchema
from decision_service.web.resources import allocations, audit, decisions, docs_assets, health, rules

DESCRIPTION = (
    "Optimal, explained allocation decisions for one order over an inventory network "
    "(contract: spec/allocation.md), under versioned credit, pricing and exception rules (docs/rules.md). "
    "Errors are RFC 9457 `application/problem+json`; validation errors list "
    "each offending field by its path in the request, e.g. `order.lines[2].qty` (zero-based indices)."
)


class ProblemApi(Api):
    """flask-smorest's Api, documenting errors as RFC 9457 problem documents."""

    ERROR_SCHEMA = ProblemSchema


def build_api(app: Flask) -> Api:
    """Attach the documented API and its blueprints to `app`."""
    api = ProblemApi(app, spec_kwargs={"info": {"description": DESCRIPTION}})
    api.register_field(Money, "number", None)
    api.register_field(IsoDate, "string", "date")
    api.register_blueprint(allocations.blp)
    api.register_blueprint(health.blp)
    api.register_blueprint(rules.blp)
    api.register_blueprint(decisions.blp)
    api.register_blueprint(audit.blp)
    app.register_blueprint(docs_assets.bp)  # static files, not part of the documented API
    default_error = api.spec.components.responses.get("DEFAULT_ERROR")
    if default_error is not None:
        default_error["content"] = {"application/problem+json": default_error["content"]["application/json"]}
    return api
