"""`Idempotency-Key` on every POST and PUT: the first answer is kept (status below 500) and given again to a retry
with the same key and body, which changes nothing; another body under the key is 422; a retry while the first
is still running is 409. Keys are scoped to the API key and the method and path, kept IDEMPOTENCY_TTL_SECONDS.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from flask import Flask, Response, current_app, g, request

from decision_service.codec.errors import FieldError, InvalidRequest
from decision_service.orders.idempotency import IN_FLIGHT, MISMATCH, REPLAY, IdempotencyStore, KeyPolicy, StoredAnswer
from decision_service.web.access import current_key
from decision_service.web.errors import problem_response

HEADER = "Idempotency-Key"
STORE_KEY = "idempotency"
STALE = timedelta(minutes=2)  # longer than any request may run (time limits stop at 60 s)
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
    policy = KeyPolicy(timedelta(seconds=current_app.config["IDEMPOTENCY_TTL_SECONDS"]), STALE)
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
    return None


def _keep(response: Response) -> Response:
    claimed = g.pop("idempotency", None)
    if claimed is not None:
        kept = None if response.status_code >= 500 else StoredAnswer(
            response.status_code, response.get_data(), response.content_type or "application/json"
        )  # fmt: skip
        current_app.extensions[STORE_KEY].finish(*claimed, kept)
    return response
