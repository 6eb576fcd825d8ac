"""`/v1/rules/tables`: the decision tables, their versions and content, draft validation and evaluation.

Publishing stays file-based (`decision-service rules publish`); these endpoints only read and try.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import Response

from decision_service.codec.schemas.rules import (
    DraftTableSchema,
    EvaluateRequestSchema,
    EvaluationSchema,
    TableListSchema,
    TableSchema,
    ValidationResultSchema,
)
from decision_service.web.context import current_ports
from decision_service.web.parsing import ApiBlueprint
from decision_service.web.resources.problems import PROBLEM, reads_json_body
from rules.errors import InputError, TableValidationError
from rules.findings import errors
from rules.service import RulesService, findings_to_dict, result_to_dict

blp = ApiBlueprint("rules", __name__, url_prefix="/v1/rules", description="Versioned decision tables.")
NOT_FOUND = "No table with that key (or no version in force on `as_of`)."


def _json(body: Any) -> Response:
    return Response(json.dumps(body, separators=(",", ":"), allow_nan=False), mimetype="application/json")


@blp.route("/tables", methods=["GET"])
@blp.response(200, TableListSchema)
def list_tables() -> Response:
    """List the decision tables with the version in force today."""
    return _json({"tables": current_ports().rules.list_tables()})


@blp.route("/tables/<key>", methods=["GET"])
@blp.response(200, TableSchema)
@blp.alt_response(404, description=NOT_FOUND, **PROBLEM)
def get_table(key: str) -> Response:
    """Every version of one table with its effective period and full content, oldest first."""
    return _json(current_ports().rules.get_table(key))


@blp.route("/tables/<key>/validate", methods=["POST"])
@blp.arguments(DraftTableSchema)
@blp.response(200, ValidationResultSchema, description="Valid draft; warnings for the reviewer.")
@blp.alt_response(404, description=NOT_FOUND, **PROBLEM)
@blp.alt_response(422, description="Invalid draft: `errors` and `findings` name its rows and columns.", **PROBLEM)
@reads_json_body(blp)
def validate_table(draft: dict[str, Any], key: str) -> Response:
    """Check a draft of a table (structure, cells, overlaps, gaps, masked rows, its own cases) before publishing."""
    rules = current_ports().rules
    rules.registry.versions(key)  # an unknown key is a 404 before the draft is read
    findings = rules.validate_draft(key, draft)
    if errors(findings):
        raise TableValidationError(f"the draft of table {key!r} is not valid", findings)
    return _json({"key": key, "valid": True, "findings": findings_to_dict(findings)})


@blp.route("/tables/<key>/evaluate", methods=["POST"])
@blp.arguments(EvaluateRequestSchema)
@blp.response(200, EvaluationSchema)
@blp.alt_response(404, description=NOT_FOUND, **PROBLEM)
@blp.alt_response(422, description="Invalid input; `errors` names it as `inputs.<column>`.", **PROBLEM)
@reads_json_body(blp)
def evaluate_table(body: dict[str, Any], key: str) -> Response:
    """Evaluate the version in force on `as_of` and explain it in full: matched rows, selection and why not."""
    return _json(result_to_dict(_evaluate(current_ports().rules, key, body["inputs"], body["as_of"])))


def _evaluate(rules: RulesService, key: str, inputs: dict[str, Any], as_of: date | None) -> Any:
    try:
        return rules.evaluate(key, inputs, as_of)
    except InputError as exc:
        raise InputError(f"inputs.{exc.field}", exc.message) from None
