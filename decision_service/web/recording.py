"""Appending an answered decision to the decision log before the answer leaves: no answer without a record."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from flask import current_app, g

from decision_service.codec.encode_decision import decision_body
from decision_service.orders.decision import OrderDecision
from decision_service.orders.idempotency import key_digest
from decision_service.orders.log import DecisionLog, DecisionRecord
from decision_service.orders.record import record_of
from decision_service.orders.request import OrderRequest
from decision_service.web.access import current_key

LOG_KEY = "decision_log"


def current_log() -> DecisionLog:
    """The decision log of the app serving the current request."""
    log: DecisionLog = current_app.extensions[LOG_KEY]
    return log


def record(decided: OrderDecision, request: OrderRequest, raw: bytes) -> dict[str, Any]:
    """Seal `decided`, explained in full, with the request exactly as received, and return that full body (the
    answer is it, shown in the detail asked); `StoreUnavailable` when the log cannot be written (the caller
    answers 503 and the decision is not answered). The actor is the name of the API key the request was
    authenticated with."""
    entry = entry_of(decided, request, raw)
    current_log().append(entry)
    return dict(entry.response)


def entry_of(decided: OrderDecision, request: OrderRequest, raw: bytes, **more: Any) -> DecisionRecord:
    """The log record of `decided`, `more` fields added to its answer (not appended yet).

    The record's response is the decision's full body as written (dates and codes as objects, which the log
    writes as JSON), not its JSON read back: on a 4,000-line order reading it back cost 150-250 ms of the time
    limit, and the answer is shown from that body without building the decision's JSON again."""
    actor = current_key().name
    response = {**decision_body(decided), **more}
    customer = request.problem.order.customer
    entry = record_of(decided, raw.decode("utf-8"), response, actor=actor, customer=customer, at=datetime.now(UTC))
    claimed = g.get("idempotency")
    if claimed is not None:  # a retry that finds the key abandoned finds this record by it
        entry = replace(entry, facets=tuple(sorted({*entry.facets, ("idempotency", key_digest(*claimed))})))
    return entry
