"""The flask-smorest `Api`: OpenAPI at `/openapi.json`, Swagger UI at `/docs`.

Swagger UI's scripts are vendored (the `swagger-ui-bundle` package) and served at `/docs/assets/`, so `/docs`
works with no internet. There is no ReDoc page: its script is not shipped in any package the service installs,
and a page that loads it from a CDN is blank offline.
`/openapi.json` itself needs nothing from outside.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask_smorest import Api

from decision_service.codec.schemas.fields import IsoDate, Money
from decision_service.codec.schemas.problem import ProblemSchema
from decision_service.web.access import OPEN, POLICY
from decision_service.web.resources import (
    allocations,
    audit,
    decisions,
    docs_assets,
    health,
    networks,
    reallocations,
    reservations,
    rule_drafts,
    rules,
    scenario_batches,
)

DESCRIPTION = (
    "Optimal, explained allocation decisions for one order over an inventory network "
    "(contract: spec/allocation.md), under versioned credit, pricing and exception rules (docs/rules.md). "
    "Errors are RFC 9457 `application/problem+json`; validation errors list "
    "each offending field by its path in the request, e.g. `order.lines[2].qty` (zero-based indices). "
    "Every endpoint but `/healthz`, `/openapi.json` and `/docs` needs an API key, sent as "
    "`Authorization: Bearer <key>` (`decision-service keys create`); each operation names the roles that may call "
    "it, and `admin` may call every one: 401 without a valid key, 403 for a key whose roles may not."
)
SCHEME = "apiKey"
PATH_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


class ProblemApi(Api):
    """flask-smorest's Api, documenting errors as RFC 9457 problem documents."""

    ERROR_SCHEMA = ProblemSchema


ANY_OBJECT_OR_NULL = {"type": "object", "nullable": True}
NULL_ONLY = {"nullable": True, "enum": [None]}


def only_null_or_nested(converter: Any, field: Any, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A nullable nested schema as its schema or null: apispec writes it (OpenAPI 3.0) as `anyOf` the schema or
    `{type: object, nullable: true}`, which any object matches, so nothing inside it would be checked."""
    alternatives = ret.get("anyOf")
    if not alternatives or ANY_OBJECT_OR_NULL not in alternatives:
        return {}
    return {"anyOf": [NULL_ONLY if a == ANY_OBJECT_OR_NULL else a for a in alternatives]}


def build_api(app: Flask) -> Api:
    """Attach the documented API and its blueprints to `app`."""
    api = ProblemApi(app, spec_kwargs={"info": {"description": DESCRIPTION}})
    api.register_field(Money, "number", None)
    api.register_field(IsoDate, "string", "date")
    api.ma_plugin.converter.add_attribute_function(only_null_or_nested)
    api.register_blueprint(allocations.blp)
    api.register_blueprint(health.blp)
    api.register_blueprint(rules.blp)
    api.register_blueprint(rule_drafts.blp)
    api.register_blueprint(reallocations.blp)
    api.register_blueprint(decisions.blp)
    api.register_blueprint(audit.blp)
    api.register_blueprint(networks.blp)
    api.register_blueprint(reservations.blp)
    api.register_blueprint(scenario_batches.blp)
    app.register_blueprint(docs_assets.bp)  # static files, not part of the documented API
    _document_access(app, api)
    default_error = api.spec.components.responses.get("DEFAULT_ERROR")
    if default_error is not None:
        default_error["content"] = {"application/problem+json": default_error["content"]["application/json"]}
    return api


def _document_access(app: Flask, api: Api) -> None:
    """The bearer scheme, and on each protected operation: the scheme, its roles, 401 and 403 (`access.POLICY`)."""
    api.spec.components.security_scheme(
        SCHEME, {"type": "http", "scheme": "bearer", "bearerFormat": "ds_<id>_<secret>"}
    )
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    no_key = "No API key, or one that is malformed, unknown or revoked (`WWW-Authenticate: Bearer`)."
    api.spec.components.response("Unauthenticated", {"description": no_key, "content": problem})
    refused = "The API key is valid but none of its roles may call this operation."
    api.spec.components.response("Forbidden", {"description": refused, "content": problem})
    paths = api.spec._paths  # apispec keeps registered operations here; flask-smorest registered them above
    for rule in app.url_map.iter_rules():
        if rule.endpoint in OPEN or rule.endpoint.startswith("static") or rule.endpoint.startswith("docs_assets"):
            continue
        for method, operation in paths.get(PATH_ARGUMENT.sub(r"{\1}", rule.rule), {}).items():
            if method.upper() not in (rule.methods or ()):
                continue
            roles = ", ".join(f"`{r}`" for r in ("admin", *POLICY.get(rule.endpoint, ())))
            operation["security"] = [{SCHEME: []}]
            operation["description"] = f"{operation.get('description', '')}\n\nRoles: {roles}.".strip()
            operation["x-roles"] = ["admin", *POLICY.get(rule.endpoint, ())]
            operation["responses"]["401"] = {"$ref": "#/components/responses/Unauthenticated"}
            operation["responses"]["403"] = {"$ref": "#/components/responses/Forbidden"}
