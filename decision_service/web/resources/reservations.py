"""`/v1/reservations/{id}`: confirm a held reservation (firm until shipped) or release one; each a log record."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import orjson
from flask import Response, abort

from decision_service.codec.schemas.network_state import ReservationSchema
from decision_service.network.model import CONFIRMED, EXPIRED, HELD, RELEASED, Reservation
from decision_service.network.records import CONFIRMED as CONFIRMED_RECORD
from decision_service.network.records import EXPIRED as EXPIRED_RECORD
from decision_service.network.records import RELEASED as RELEASED_RECORD
from decision_service.network.records import reservation_json, reservation_record
from decision_service.network.view import Changes
from decision_service.orders.finalise import software_versions
from decision_service.web.access import current_key
from decision_service.web.parsing import ApiBlueprint
from decision_service.web.resources.networks import current_networks
from decision_service.web.resources.problems import PROBLEM

blp = ApiBlueprint("reservations", __name__, url_prefix="/v1", description="Reservations: confirm or release.")
NOT_FOUND = "No reservation with that id."
CONFLICT = "The reservation cannot take this step (expired, released, shipped, or already confirmed)."
KINDS = {CONFIRMED: CONFIRMED_RECORD, RELEASED: RELEASED_RECORD, EXPIRED: EXPIRED_RECORD}


def _step(reservation_id: str, to: str) -> Response:
    found = current_networks().find_reservation(reservation_id)
    if found is None:
        abort(404, NOT_FOUND)
    now = datetime.now(UTC)

    def work(changes: Changes) -> Reservation:
        current = changes.reservation(reservation_id)
        assert current is not None  # reservations are never deleted
        if current.status == HELD and current.expires_at is not None and current.expires_at <= now:
            changes.save(replace(current, status=EXPIRED))  # recorded as expired; the step is refused below
        elif to == CONFIRMED and current.status == HELD:
            changes.save(replace(current, status=CONFIRMED, expires_at=None))
        elif to == RELEASED and current.status in (HELD, CONFIRMED):
            changes.save(replace(current, status=RELEASED))
        return changes.reservation(reservation_id) or current

    def records(result: Reservation) -> list[Any]:
        if result.status not in KINDS or result.status == found.status:
            return []
        kind = KINDS[result.status]
        return [reservation_record(kind, f"{result.id}-{result.status}", [result], actor=current_key().name,
                                   at=now, versions=software_versions())]  # fmt: skip

    result = current_networks().commit(found.network_id, work, items=[found.item], records=records)
    if result.status != to or result.status == found.status:
        abort(409, f"{CONFLICT} It is {result.status}.")
    return Response(orjson.dumps(reservation_json(result)), mimetype="application/json")


@blp.route("/reservations/<reservation_id>/confirm", methods=["POST"])
@blp.response(200, ReservationSchema)
@blp.alt_response(404, description=NOT_FOUND, **PROBLEM)
@blp.alt_response(409, description=CONFLICT, **PROBLEM)
@blp.alt_response(503, description="The store cannot be reached; nothing changed.", **PROBLEM)
def confirm_reservation(reservation_id: str) -> Response:
    """Make a held reservation firm until shipped (it no longer expires)."""
    return _step(reservation_id, CONFIRMED)


@blp.route("/reservations/<reservation_id>/release", methods=["POST"])
@blp.response(200, ReservationSchema)
@blp.alt_response(404, description=NOT_FOUND, **PROBLEM)
@blp.alt_response(409, description=CONFLICT, **PROBLEM)
@blp.alt_response(503, description="The store cannot be reached; nothing changed.", **PROBLEM)
def release_reservation(reservation_id: str) -> Response:
    """Free what a held or confirmed reservation still holds."""
    return _step(reservation_id, RELEASED)
