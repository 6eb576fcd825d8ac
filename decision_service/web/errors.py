"""Every error the service answers, mapped to HTTP in one place, as RFC 9457 `application/problem+json`.

Web-layer exceptions (`RequestProblem` and its subclasses) carry no status code; `PROBLEMS` maps each to a
stable problem type. The rules engine's errors (`rules.errors`) are mapped here too: an unknown table or a
date without a version in force is 404, a bad table or a bad input 422 naming the rows, column or field, a
version that would rewrite history 409. An order the core refuses as too large to decide in time
(`optimizers.errors.ProblemTooLarge`) is 413, naming its size, the limit and the setting that raises it.
Werkzeug's HTTP errors (404, 405, 413, ...) and anything unexpected (500, logged, no stack trace in the body)
are answered in the same shape, so no request ever gets an HTML error page.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from decision_service.codec.errors import FieldError, InvalidRequest
from decision_service.governance.errors import (
    DraftStateConflict,
    FourEyesViolation,
    GovernanceError,
    UnknownDraft,
)
from decision_service.network.model import UnknownNetwork
from decision_service.network.reserving import ReserveConflict
from decision_service.orders.log import InvalidCursor, StoreUnavailable
from decision_service.runs.live import RunConflict
from optimizers.errors import ProblemTooLarge
from optimizers.reallocation import InvalidRun
from rules.errors import InputError, RulesError, TableValidationError, UnknownTableError, VersionConflictError
from rules.service import findings_to_dict

PROBLEM_MIMETYPE = "application/problem+json"
TYPE_PREFIX = "urn:decision-service:problem:"
MAX_LISTED_ERRORS = 100


class RequestProblem(Exception):
    """A request the service cannot act on; the subclass decides the problem type."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class MalformedJson(RequestProblem):
    """The body is not one well-formed JSON document."""


class UnsupportedContentType(RequestProblem):
    """The body is not declared as JSON."""


class UnsupportedContentEncoding(RequestProblem):
    """The body is compressed (or otherwise encoded); the service reads identity bodies only."""


class Unauthenticated(RequestProblem):
    """No API key, or one the service does not accept (malformed, unknown, revoked)."""


class Forbidden(RequestProblem):
    """A valid API key whose roles may not do what was asked."""


# exception class -> (status, problem type slug, title)
PROBLEMS: dict[type[RequestProblem], tuple[int, str, str]] = {
    Unauthenticated: (401, "unauthenticated", "API key required"),
    Forbidden: (403, "forbidden", "Not allowed for this key's roles"),
    MalformedJson: (400, "malformed-json", "Malformed JSON"),
    UnsupportedContentType: (415, "unsupported-media-type", "Unsupported media type"),
    UnsupportedContentEncoding: (415, "unsupported-content-encoding", "Unsupported content encoding"),
}
# rules exception class -> (status, problem type slug, title); the first match in this order wins
RULES_PROBLEMS: tuple[tuple[type[RulesError], int, str, str], ...] = (
    (UnknownTableError, 404, "unknown-table", "Unknown table or no version in force"),
    (InputError, 422, "validation-error", "Invalid request"),
    (TableValidationError, 422, "invalid-table", "Invalid decision table"),
    (VersionConflictError, 409, "version-conflict", "Version conflicts with the table's history"),
    (RulesError, 422, "rules-error", "The rules could not decide"),
)
GOVERNANCE_PROBLEMS: dict[type[GovernanceError], tuple[int, str, str]] = {
    UnknownDraft: (404, "unknown-draft", "Unknown draft"),
    DraftStateConflict: (409, "draft-state-conflict", "The draft cannot take this step"),
    FourEyesViolation: (403, "four-eyes", "Another person must approve"),
}
HTTP_SLUGS: dict[int, str] = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    500: "internal-error",
}


def problem_response(status: int, slug: str, title: str, detail: str, **extra: Any) -> Response:
    """An RFC 9457 problem document with a stable `type` URI."""
    body = {"type": TYPE_PREFIX + slug, "title": title, "status": status, "detail": detail, **extra}
    return Response(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)


def _handle_request_problem(exc: RequestProblem) -> Response:
    status, slug, title = PROBLEMS.get(type(exc), (400, "bad-request", "Bad request"))
    response = problem_response(status, slug, title, exc.detail)
    if isinstance(exc, UnsupportedContentEncoding):
        response.headers["Accept-Encoding"] = "identity"  # RFC 9110 15.5.16: the codings the service accepts
    if isinstance(exc, Unauthenticated):
        response.headers["WWW-Authenticate"] = 'Bearer realm="decision-service"'  # RFC 6750 3
    return response


def _handle_invalid_request(exc: InvalidRequest) -> Response:
    status, slug, title = 422, "validation-error", "Invalid request"
    listed = [{"field": e.field, "message": e.message} for e in exc.errors[:MAX_LISTED_ERRORS]]
    return problem_response(status, slug, title, exc.detail, errors=listed, error_count=len(exc.errors))


def _handle_problem_too_large(exc: ProblemTooLarge) -> Response:
    detail = (
        f"The order has {exc.candidates} candidate supply routes (supply node x line x route), more than the "
        f"{exc.limit} this service admits within the order's policy.time_limit_ms; give it more time, split "
        f"the order, or raise DECISION_SERVICE_MAX_CANDIDATES_PER_SECOND (candidates admitted per second of the "
        f"time limit)."
    )
    return problem_response(
        413, "problem-too-large", "Order too large to decide", detail, candidates=exc.candidates, limit=exc.limit
    )


def _handle_rules_error(exc: RulesError) -> Response:
    status, slug, title = next((s, slug, t) for kind, s, slug, t in RULES_PROBLEMS if isinstance(exc, kind))
    if isinstance(exc, InputError):
        return problem_response(status, slug, title, str(exc), errors=[{"field": exc.field, "message": exc.message}],
                                error_count=1)  # fmt: skip
    if isinstance(exc, TableValidationError):
        listed = [_finding_error(f) for f in findings_to_dict(exc.findings) if f["severity"] == "error"]
        findings = findings_to_dict(exc.findings)
        return problem_response(
            status, slug, title, str(exc), errors=listed, error_count=len(listed), findings=findings
        )
    return problem_response(status, slug, title, str(exc))


def _handle_governance_error(exc: GovernanceError) -> Response:
    status, slug, title = GOVERNANCE_PROBLEMS.get(type(exc), (409, "governance-conflict", "Governance conflict"))
    return problem_response(status, slug, title, str(exc))


def _finding_error(finding: dict[str, Any]) -> dict[str, str]:
    """A finding as a field error: `rules[CR-03,CR-04].exposure_ratio`, `rules[CR-05]`, `column`, or `table`."""
    rows, column = finding.get("rows") or [], finding.get("column")
    where = f"rules[{','.join(rows)}]" if rows else ""
    field = f"{where}.{column}" if where and column else where or column or "table"
    return {"field": field, "message": f"{finding['kind']}: {finding['message']}"}


def _handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    slug = HTTP_SLUGS.get(status, f"http-{status}")
    detail = exc.description or exc.name
    if isinstance(exc, RequestEntityTooLarge):
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        detail = (f"The body is larger than the service accepts: at most {limit:,} bytes "
                  "(configuration DECISION_SERVICE_MAX_CONTENT_LENGTH).")  # fmt: skip
    response = problem_response(status, slug, exc.name, detail)
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return response


def _handle_invalid_run(exc: InvalidRun) -> Response:
    field = exc.field or '""'  # an unknown key that is the empty string, at the top of the body
    return _handle_invalid_request(InvalidRequest([FieldError(field, exc.detail)]))


def _handle_invalid_cursor(exc: InvalidCursor) -> Response:
    return _handle_invalid_request(InvalidRequest([FieldError("cursor", str(exc))]))


def _handle_unknown_network(exc: UnknownNetwork) -> Response:
    detail = f"No network {exc.args[0]!r} has been loaded: PUT /v1/networks/{{network_id}} first."
    return problem_response(404, "unknown-network", "Unknown network", detail)


def _handle_reserve_conflict(exc: ReserveConflict) -> Response:
    return problem_response(409, "reserve-conflict", "Stock kept changing", f"{exc} Retry the order.")


def _handle_run_conflict(exc: RunConflict) -> Response:
    return problem_response(409, "run-conflict", "The network changed during the run", str(exc))


def _handle_store_unavailable(exc: StoreUnavailable) -> Response:
    current_app.logger.error("Decision store unavailable: %s", exc)
    detail = "The decision store cannot be reached, so no decision is made or answered now; retry shortly."
    response = problem_response(503, "store-unavailable", "Decision store unavailable", detail)
    response.headers["Retry-After"] = "5"
    return response


def _handle_unexpected(exc: Exception) -> Response:
    current_app.logger.exception("Unhandled error while serving a request", exc_info=exc)
    return problem_response(500, "internal-error", "Internal error", "The service failed to answer; it is logged.")


def register_error_handlers(app: Flask) -> None:
    """Route every error of the app through this module (replacing flask-smorest's JSON errors)."""
    app.register_error_handler(RequestProblem, _handle_request_problem)
    app.register_error_handler(InvalidRequest, _handle_invalid_request)
    app.register_error_handler(RulesError, _handle_rules_error)
    app.register_error_handler(GovernanceError, _handle_governance_error)
    app.register_error_handler(ProblemTooLarge, _handle_problem_too_large)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(StoreUnavailable, _handle_store_unavailable)
    app.register_error_handler(InvalidCursor, _handle_invalid_cursor)
    app.register_error_handler(InvalidRun, _handle_invalid_run)
    app.register_error_handler(UnknownNetwork, _handle_unknown_network)
    app.register_error_handler(ReserveConflict, _handle_reserve_conflict)
    app.register_error_handler(RunConflict, _handle_run_conflict)
    app.register_error_handler(Exception, _handle_unexpected)
    app.after_request(_no_html)


def _no_html(response: Response) -> Response:
    """Flask's automatic OPTIONS answer carries an empty text/html body: answer 204 with `Allow` instead."""
    if request.method == "OPTIONS" and response.status_code == 200 and not response.get_data():
        response.status_code = 204
        del response.headers["Content-Type"]
    return response
