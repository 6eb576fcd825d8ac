"""The problem documents (RFC 9457) the endpoints answer, declared once so the OpenAPI document lists them all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest import Blueprint

from decision_service.codec.schemas.problem import ProblemSchema

PROBLEM = {"schema": ProblemSchema, "content_type": "application/problem+json"}
BODY_PROBLEMS = (
    (400, "Malformed JSON: not one JSON document, not UTF-8, or nested too deeply."),
    (
        413,
        "Body over the size limit, or (allocations) an order with more candidate supplies than its time limit "
        "admits; `detail` states the limit and the setting that raises it.",
    ),
    (415, "Body not sent as application/json, or sent compressed (`Accept-Encoding` names what is accepted)."),
)


def reads_json_body(blp: Blueprint) -> Callable[[Any], Any]:
    """Document on a view the answers any JSON body can get before the view runs: 400, 413 and 415."""

    def document(view: Any) -> Any:
        for status, description in BODY_PROBLEMS:
            view = blp.alt_response(status, description=description, **PROBLEM)(view)
        return view

    return document
