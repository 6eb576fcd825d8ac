"""`"mode": "reserve"`: decide against the stored slice outside any lock, then commit the reservations of its fills,
the decision's record and the reservations' record in one unit of work, if the pools it read are unchanged.

On a conflict the slice is read again and the order solved again, at most `RESERVE_ATTEMPTS` times; the last
attempt solves inside the unit of work, under its locks, so it cannot conflict: a busy item costs the clerk a
wait, never a refusal. The answer says how many attempts it took (`reserve_attempts`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from flask import current_app, g

from decision_service.codec.schemas.request import load_request
from decision_service.network.records import EXPIRED as EXPIRED_RECORD
from decision_service.network.records import RESERVED, reservation_json, reservation_record
from decision_service.network.reserving import (
    Conflict,
    ReserveConflict,
    ReservedFill,
    expire_due,
    pools_of,
    reservations_for,
)
from decision_service.network.slicing import network_slice
from decision_service.network.view import Changes
from decision_service.orders.decision import OrderDecision
from decision_service.orders.finalise import software_versions
from decision_service.orders.log import DecisionRecord
from decision_service.orders.request import OrderRequest
from decision_service.orders.service import decide_order
from decision_service.web.access import current_key
from decision_service.web.context import current_ports
from decision_service.web.recording import entry_of
from decision_service.web.resources.networks import current_networks

RESERVE_ATTEMPTS = 3


@dataclass
class Attempt:
    """One try: the request and body as decided, the decision, and what the unit of work made of it."""

    request: OrderRequest
    body: dict[str, Any]
    number: int
    started: float
    explain: bool
    decided: OrderDecision | None = None
    full: dict[str, Any] = field(default_factory=dict)  # the recorded body: the decision and the reservations

    def decide(self) -> OrderDecision:
        """Solve the request as it stands."""
        self.decided = decide_order(self.request, current_ports(), explain=self.explain, started=self.started)
        return self.decided

    def slice_now(self, state: Any, now: datetime) -> dict[str, Any]:
        """The slice this order needs, as `state` holds it now."""
        order = self.request.problem.order
        return network_slice(state, [line.item for line in order.lines], order.customer, now)


def _fills(decided: OrderDecision, request: OrderRequest) -> list[ReservedFill]:
    if decided.held:
        return []  # an order credit holds is not released: it promises nothing
    price = {line.line: line.unit_price for line in request.problem.order.lines}
    return [ReservedFill(line.line, f.item, f.location, f.source, f.available_date, f.qty, price[line.line])
            for line in decided.allocation.lines for f in line.fills if f.qty]  # fmt: skip


def _work(attempt: Attempt, locked: bool, now: datetime) -> Any:
    def work(changes: Changes) -> tuple[list[Any], list[Any]]:
        current = attempt.slice_now(changes, now)
        if locked:  # solve under the unit of work's locks: nothing it read can change before it commits
            attempt.body["network"] = current
            attempt.request = load_request(attempt.body)
            attempt.decide()
        elif pools_of(current) != pools_of(attempt.body["network"]):
            raise Conflict("the pools this decision read changed")
        elif current["customers"] != attempt.body["network"]["customers"]:
            raise Conflict("the customer's open balance or reservations changed")
        decided, order = attempt.decided, attempt.request.problem.order
        assert decided is not None
        expired = expire_due(changes, [row["id"] for row in current["items"]], now)
        ttl = timedelta(seconds=current_app.config["RESERVATION_TTL_SECONDS"])
        fills = _fills(decided, attempt.request)
        made = reservations_for(fills, pools_of(current), attempt.request.problem.as_of, now, ttl,
                                network_id=g.network_ref, order_id=order.id, customer=order.customer,
                                decision_id=decided.allocation.decision_id)  # fmt: skip
        for reservation in made:
            changes.save(reservation)
        return made, expired

    return work


def reserve(request: OrderRequest, started: float, explain: bool) -> tuple[OrderDecision, dict[str, Any]]:
    """Decide and reserve: the decision and its full body with what the answer adds (`reservations`, attempts)."""
    attempt = Attempt(request, orjson.loads(g.resolved_request), 1, started, explain)
    while True:
        locked = attempt.number == RESERVE_ATTEMPTS
        if not locked:
            attempt.decide()
        items = [row["id"] for row in attempt.body["network"]["items"]]
        try:
            current_networks().commit(g.network_ref, _work(attempt, locked, datetime.now(UTC)), items=items,
                                      customer=attempt.request.problem.order.customer,
                                      records=lambda result: _records(result, attempt))  # noqa: B023  # fmt: skip
        except Conflict:
            if locked:  # cannot happen under the locks; refuse rather than loop
                raise ReserveConflict(f"the stock kept changing: {attempt.number} attempts, none committed") from None
            attempt.body["network"] = current_networks().read(g.network_ref, lambda s: attempt.slice_now(s, _now()))
            attempt.request = load_request(attempt.body)
            attempt.number += 1
            continue
        assert attempt.decided is not None
        return attempt.decided, attempt.full


def _now() -> datetime:
    return datetime.now(UTC)


def _records(result: Any, attempt: Attempt) -> list[DecisionRecord]:
    made, expired = result
    assert attempt.decided is not None
    at, actor, versions = _now(), current_key().name, software_versions()
    more = {"network_ref": g.network_ref, "reserve_attempts": attempt.number,
            "reservations": [reservation_json(r) for r in made]}  # fmt: skip
    entry = entry_of(attempt.decided, attempt.request, orjson.dumps(attempt.body), **more)
    attempt.full = dict(entry.response)
    records = [entry]
    if made:
        records.append(reservation_record(RESERVED, f"{entry.id}-reserved", made, actor=actor, at=at,
                                          versions=versions))  # fmt: skip
    for r in expired:
        records.append(reservation_record(EXPIRED_RECORD, f"{r.id}-expired", [r], actor=actor, at=at,
                                          versions=versions))  # fmt: skip
    return records
