"""The app's rule store: the book folded from the decision log, seeded once, refreshed before each request, and
the governance steps and backtests the rule views call."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import orjson
from flask import Flask, current_app, request

from decision_service.codec import strict_json
from decision_service.codec.defaults import RequestDefaults, request_defaults
from decision_service.codec.encode_decision import decision_json
from decision_service.codec.schemas.request import load_request
from decision_service.governance.book import RuleBook
from decision_service.governance.events import Stamp
from decision_service.governance.service import Governance
from decision_service.governance.state import Draft
from decision_service.orders.finalise import software_versions
from decision_service.orders.log import DecisionLog, DecisionRecord, StoreUnavailable
from decision_service.orders.pinned import PinnedRules
from decision_service.orders.ports import Clock
from decision_service.orders.service import decide_order
from decision_service.web.access import OPEN, current_key
from decision_service.web.context import current_ports
from rules.service import RulesService
from rules.versions import TableRegistry, TableVersion, make_version

GOVERNANCE_KEY = "rule_governance"
BACKTEST_EPOCH = date(1970, 1, 1)  # a draft under backtest is dated before every decision it re-decides


def install(app: Flask, log: DecisionLog, shipped: RulesService, clock: Clock, four_eyes: bool) -> RulesService:
    """Give `app` its own rules service, kept current from `log` and seeded from `shipped`; returns it."""
    live = RulesService(shipped.directory, clock.today, registry=TableRegistry())
    book = RuleBook(log, live)
    app.extensions[GOVERNANCE_KEY] = Governance(book, clock.today, four_eyes)

    def current() -> None:
        if request.endpoint in OPEN or request.url_rule is None:
            return
        if book.seeded:
            book.refresh()
        else:  # the store was down when the worker started: seed now (idempotent)
            book.seed(shipped.registry, stamp("seed"))

    try:
        book.seed(shipped.registry, stamp("seed"))
    except StoreUnavailable:
        pass  # every request tries again until the store is back, and answers 503 meanwhile
    app.before_request(current)
    return live


def governance() -> Governance:
    """The governance of the app serving the current request."""
    found: Governance = current_app.extensions[GOVERNANCE_KEY]
    return found


def stamp(actor: str | None = None) -> Stamp:
    """Who (the request's API key unless given), now, under this software."""
    return Stamp(actor if actor is not None else current_key().name, datetime.now(UTC), software_versions())


def draft_json(draft: Draft) -> dict[str, Any]:
    """A draft as the API's JSON values."""
    body: dict[str, Any] = orjson.loads(orjson.dumps(draft))
    return body


def redecider(draft: Draft) -> Any:
    """The backtest's re-decision: a record's request under its recorded versions, the draft for its table."""
    version = _undated(draft)
    ports = current_ports()
    limit = current_app.config["DEFAULT_TIME_LIMIT_MS"]

    def redecide(record: DecisionRecord) -> dict[str, Any]:
        as_of = date.fromisoformat(record.response["as_of"])
        with request_defaults(RequestDefaults(today=lambda: as_of, time_limit_ms=limit)):
            order = load_request(strict_json.loads(record.request.encode("utf-8")))
        pinned = PinnedRules.recorded(ports.rules, record.rules_versions, as_of).with_version(version)
        decided = decide_order(order, ports, decision_id=record.id, pinned=pinned)
        answer: dict[str, Any] = orjson.loads(decision_json(decided))
        return answer

    return redecide


def _undated(draft: Draft) -> TableVersion:
    return make_version({**draft.table, "key": draft.key, "effective_from": BACKTEST_EPOCH.isoformat()})
