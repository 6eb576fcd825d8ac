"""`POST /v1/allocations` with `network_ref`: decided against the stored slice exactly as if it were inline."""

from __future__ import annotations

import copy
from typing import Any

from decision_service.web.resources.allocations import SPEC_EXAMPLE
from tests.api.fakes import keyed_client
from tests.api.test_networks_api import app, loaded


def by_ref(**changes: Any) -> dict[str, Any]:
    """The spec example's order, against the stored network `west`."""
    body = {k: v for k, v in copy.deepcopy(SPEC_EXAMPLE).items() if k != "network"}
    return {**body, "network_ref": "west", **changes}


def _fills(answer: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [(f["item"], f["source"], f["qty"]) for line in answer["lines"] for f in line["fills"]]


def test_a_stored_network_decides_as_the_same_network_inline_and_the_record_replays() -> None:
    service = app()
    loaded(service)
    clerk = keyed_client(service, "order_entry")
    inline = clerk.post("/v1/allocations", json=SPEC_EXAMPLE).get_json()
    stored = clerk.post("/v1/allocations", json=by_ref())
    assert stored.status_code == 200, stored.get_json()
    assert _fills(stored.get_json()) == _fills(inline) and _fills(inline)
    replay = keyed_client(service, "auditor").post(f"/v1/decisions/{stored.get_json()['decision_id']}/replay")
    assert replay.status_code == 200 and replay.get_json()["identical"], replay.get_json()


def test_events_change_what_a_stored_network_decides() -> None:
    service = app()
    client = loaded(service)
    event = {"id": "count", "type": "stock_adjusted", "item": "SKU-1", "location": "WH-EAST", "delta": -25}
    client.post("/v1/networks/west/events", json={"events": [event]})
    answer = keyed_client(service, "order_entry").post("/v1/allocations", json=by_ref()).get_json()
    assert ("SKU-1", "stock", 25) not in _fills(answer)
    assert all(source == "inbound" for _, source, _ in _fills(answer))


def test_a_body_read_exactly_resolves_too() -> None:
    # "1e5" in a network id makes the strict reader keep every number of the body exact (Decimal)
    service = app()
    loaded(service, "w1e5")
    answer = keyed_client(service, "order_entry").post(
        "/v1/allocations", json=by_ref(network_ref="w1e5", mode="reserve")
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["reservations"]


def test_a_bad_network_reference_is_named() -> None:
    service = app()
    loaded(service)
    clerk = keyed_client(service, "order_entry")
    both = clerk.post("/v1/allocations", json={**SPEC_EXAMPLE, "network_ref": "west"})
    assert both.status_code == 422 and both.get_json()["errors"][0]["field"] == "network_ref"
    assert clerk.post("/v1/allocations", json=by_ref(network_ref="east")).status_code == 404
    neither = {k: v for k, v in SPEC_EXAMPLE.items() if k != "network"}
    answer = clerk.post("/v1/allocations", json=neither)
    assert answer.status_code == 422 and [e["field"] for e in answer.get_json()["errors"]] == ["network"]
    wrong = clerk.post("/v1/allocations", json=by_ref(mode="hold"))
    assert wrong.status_code == 422 and wrong.get_json()["errors"][0]["field"] == "mode"
    inline_reserve = clerk.post("/v1/allocations", json={**SPEC_EXAMPLE, "mode": "reserve"})
    assert inline_reserve.status_code == 422 and inline_reserve.get_json()["errors"][0]["field"] == "network_ref"
