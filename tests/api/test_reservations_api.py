"""Reserve, confirm, release, expire and ship over HTTP: every step a record, reserved units never promised twice."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask

from decision_service.orders.log import DecisionFilter
from decision_service.orders.ports import FixedClock
from decision_service.web import create_app
from decision_service.web.recording import current_log
from tests.api.fakes import TODAY, keyed_client, memory_config
from tests.api.test_network_ref_api import by_ref
from tests.api.test_networks_api import loaded, pools


def reserved_app(**settings: Any) -> Flask:
    """An app with the spec example's network loaded as `west`."""
    service = create_app(memory_config(**settings), clock=FixedClock(TODAY))
    loaded(service)
    return service


def kinds(service: Flask) -> list[str]:
    """The kinds of every record in the log, in order."""
    with service.app_context():
        found = current_log().find(DecisionFilter(), limit=100).records
    return [s.record.kind for s in found if not s.record.kind.startswith("rule_")]


def test_a_reserve_holds_its_fills_and_the_next_order_sees_them_gone() -> None:
    service = reserved_app()
    clerk = keyed_client(service, "order_entry")
    first = clerk.post("/v1/allocations", json=by_ref(mode="reserve")).get_json()
    held = first["reservations"]
    assert first["reserve_attempts"] == 1 and held and all(r["status"] == "held" and r["expires_at"] for r in held)
    filled = sum(f["qty"] for line in first["lines"] for f in line["fills"])
    assert sum(r["qty"] for r in held) == filled
    stock = pools(service)[0]
    assert (stock["reserved"], stock["available_to_promise"]) == (25, 0)
    second = clerk.post("/v1/allocations", json=by_ref(mode="reserve")).get_json()
    assert not [f for line in second["lines"] for f in line["fills"] if f["source"] == "stock" and f["item"] == "SKU-1"]
    assert kinds(service) == ["allocation", "reservation", "allocation", "reservation"]


def test_confirm_ship_and_release_each_leave_a_record() -> None:
    service = reserved_app()
    clerk = keyed_client(service, "order_entry")
    held = clerk.post("/v1/allocations", json=by_ref(mode="reserve")).get_json()["reservations"]
    stock = next(r for r in held if r["source"] == "stock")
    assert clerk.post(f"/v1/reservations/{stock['id']}/confirm").get_json()["status"] == "confirmed"
    assert clerk.post(f"/v1/reservations/{stock['id']}/confirm").status_code == 409
    ship = {"id": "s1", "type": "shipment_posted", "reservation": stock["id"], "qty": 5}
    feed = keyed_client(service, "integration")
    assert feed.post("/v1/networks/west/events", json={"events": [ship]}).status_code == 200
    too_many = {**ship, "id": "s2", "qty": stock["qty"]}
    answer = feed.post("/v1/networks/west/events", json={"events": [too_many]})
    assert answer.status_code == 422 and answer.get_json()["errors"][0]["field"] == "events[0].qty"
    assert (pools(service)[0]["on_hand"], pools(service)[0]["reserved"]) == (25, 20)
    assert clerk.post(f"/v1/reservations/{stock['id']}/release").get_json()["status"] == "released"
    assert pools(service)[0]["reserved"] == 0
    assert clerk.post("/v1/reservations/rsv-none/release").status_code == 404
    assert kinds(service)[-2:] == ["reservation_confirmed", "reservation_released"]
    history = keyed_client(service, "auditor").get("/v1/decisions?domain=reservations&order_id=SO-1001")
    assert history.status_code == 200, history.get_json()
    assert len(history.get_json()["decisions"]) == 3  # reserved, confirmed, released


def test_an_unconfirmed_reservation_expires_and_says_so_in_the_log() -> None:
    service = reserved_app(RESERVATION_TTL_SECONDS=0)
    clerk = keyed_client(service, "order_entry")
    held = clerk.post("/v1/allocations", json=by_ref(mode="reserve")).get_json()["reservations"]
    assert pools(service)[0]["reserved"] == 0  # expired at once: nothing is held
    answer = clerk.post(f"/v1/reservations/{held[0]['id']}/confirm")
    assert answer.status_code == 409 and "expired" in answer.get_json()["detail"]
    assert kinds(service)[-1] == "reservation_expired"
    clerk.post("/v1/allocations", json=by_ref(mode="reserve"))  # sweeps the other expired ones of these items
    assert kinds(service).count("reservation_expired") == len(held)


def test_credit_counts_what_is_reserved_for_the_customer_until_it_is_released() -> None:
    service = reserved_app()
    silver = {"id": "C-17", "tier": "silver", "credit_limit": 900}  # one order of 500 fits, two do not
    update = {"id": "c1", "type": "customer_updated", "customer": silver}
    assert keyed_client(service, "integration").post("/v1/networks/west/events", json={"events": [update]}).is_json
    clerk = keyed_client(service, "order_entry")
    first = clerk.post("/v1/allocations", json=by_ref(mode="reserve")).get_json()
    assert not first["held"] and sum(r["qty"] * r["unit_price"] for r in first["reservations"]) == 500
    second = clerk.post("/v1/allocations", json=by_ref()).get_json()
    assert second["held"] and second["credit"]["inputs"]["exposure_ratio"] == round(1000 / 900, 4)
    stored = keyed_client(service, "auditor").get(f"/v1/decisions/{second['decision_id']}?detail=full").get_json()
    assert json.loads(stored["request"])["network"]["customers"][0]["open_balance"] == 500  # recorded as decided
    for reservation in first["reservations"]:
        clerk.post(f"/v1/reservations/{reservation['id']}/release")
    assert not clerk.post("/v1/allocations", json=by_ref()).get_json()["held"]


def test_a_reserve_decision_reads_back_exactly_as_it_was_answered() -> None:
    service = reserved_app()
    answer = keyed_client(service, "order_entry").post("/v1/allocations", json=by_ref(mode="reserve"))
    stored = keyed_client(service, "auditor").get(f"/v1/decisions/{answer.get_json()['decision_id']}")
    assert stored.status_code == 200, stored.get_json()
    assert stored.get_json()["decision"] == answer.get_json() and answer.get_json()["reservations"]
