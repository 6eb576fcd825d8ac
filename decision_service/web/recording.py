"""Appending an answered decision to the decision log before the answer leaves: no answer without a record."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import orjson
from flask import current_app, g

from decision_service.codec.encode_decision import decision_json
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


def record(decided: OrderDecision, request: OrderRequest, raw: bytes) -> bytes:
    """Seal `decided`, explained in full, with the request exactly as received, and return that full JSON (an
    answer in `full` detail reuses it); `StoreUnavailable` when the log cannot be written (the caller answers 503
    and the decision is not answered). The actor is the name of the API key the request was authenticated with."""
    entry, full = entry_of(decided, request, raw)
    current_log().append(entry)
    return full


def entry_of(decided: OrderDecision, request: OrderRequest, raw: bytes, **more: Any) -> tuple[DecisionRecord, bytes]:
    """The log record of `decided` and its full JSON, `more` fields added to the answer (not appended yet)."""
    actor = current_key().name
    full = decision_json(decided)
    response = orjson.loads(full)  # JSON values, as the log will give them back
    if more:
        response.update(more)
        full = orjson.dumps(response)
    customer = request.problem.order.customer
    entry = record_of(decided, raw.decode("utf-8"), response, actor=actor, customer=customer, at=datetime.now(UTC))
    claimed = g.get("idempotency")
    if claimed is not None:  # a retry that finds the key abandoned finds this record by it
        entry = replace(entry, facets=tuple(sorted({*entry.facets, ("idempotency", key_digest(*claimed))})))
    return entry, full
