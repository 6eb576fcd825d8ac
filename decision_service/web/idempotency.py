"""`Idempotency-Key` on every POST and PUT: the first answer is kept (status below 500) and given again to a retry
with the same key and body, which changes nothing; another body under the key is 422; a retry while the first
is still running is 409. Keys are scoped to the API key and the method and path, kept IDEMPOTENCY_TTL_SECONDS.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import orjson
from flask import Flask, Response, current_app, g, request

from decision_service.codec.decode_decision import as_answered
from decision_service.codec.errors import FieldError, InvalidRequest
from decision_service.orders.idempotency import (
    IN_FLIGHT,
    MISMATCH,
    REPLAY,
    IdempotencyStore,
    KeyPolicy,
    StoredAnswer,
    key_digest,
)
from decision_service.orders.log import DecisionFilter
from decision_service.orders.record import KIND as ALLOCATION
from decision_service.web.access import current_key
from decision_service.web.errors import problem_response
from decision_service.web.recording import current_log

HEADER = "Idempotency-Key"
STORE_KEY = "idempotency"
MAX_KEY = 255


def install(app: Flask, store: IdempotencyStore) -> None:
    """Check keys before the views of `app` (after access) and keep answers after them (before compression)."""
    app.extensions[STORE_KEY] = store
    app.before_request(_claim)
    app.after_request(_keep)


def _claim() -> Response | None:
    key = request.headers.get(HEADER)
    if key is None or request.method not in ("POST", "PUT") or "api_key" not in g:
        return None
    if not 1 <= len(key) <= MAX_KEY or not key.isascii() or not key.isprintable():
        raise InvalidRequest([FieldError(HEADER, f"Must be 1 to {MAX_KEY} printable ASCII characters.")])
    scope = f"{current_key().name} {request.method} {request.path}"
    fingerprint = "sha256:" + hashlib.sha256(request.get_data(cache=True)).hexdigest()
    config = current_app.config
    policy = KeyPolicy(timedelta(seconds=config["IDEMPOTENCY_TTL_SECONDS"]),
                       timedelta(seconds=config["IDEMPOTENCY_STALE_SECONDS"]))  # fmt: skip
    claim = current_app.extensions[STORE_KEY].claim(scope, key, fingerprint, datetime.now(UTC), policy)
    if claim.state == REPLAY and claim.answer is not None:
        answer = Response(claim.answer.body, status=claim.answer.status, content_type=claim.answer.content_type)
        answer.headers["Idempotent-Replayed"] = "true"
        return answer
    if claim.state == MISMATCH:
        raise InvalidRequest([FieldError(HEADER, "This key was used with a different request body.")])
    if claim.state == IN_FLIGHT:
        detail = "A request with this Idempotency-Key is still being processed; retry when it has answered."
        return problem_response(409, "idempotency-in-flight", "Request in progress", detail)
    g.idempotency = (scope, key)
    if claim.abandoned:  # the first request may have committed its decision before its worker died
        return _committed(scope, key)
    return None


def _committed(scope: str, key: str) -> Response | None:
    """The answer of a decision the log holds under this key (its first request committed it, then never
    answered), replayed and kept for the key; None if it holds none, and the request runs."""
    page = current_log().find(DecisionFilter(facets={"idempotency": key_digest(scope, key)}), None, 1)
    if not page.records or page.records[0].record.kind != ALLOCATION:
        return None
    record = page.records[0].record
    answer = Response(orjson.dumps(as_answered(record.request, record.response)), mimetype="application/json")
    answer.headers["Idempotent-Replayed"] = "true"
    return answer  # `_keep` stores it for the key


def _keep(response: Response) -> Response:
    claimed = g.pop("idempotency", None)
    if claimed is not None:
        kept = None if response.status_code >= 500 else StoredAnswer(
            response.status_code, response.get_data(), response.content_type or "application/json"
        )  # fmt: skip
        current_app.extensions[STORE_KEY].finish(*claimed, kept)
    return response
