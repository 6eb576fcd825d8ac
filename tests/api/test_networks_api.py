"""Live network state over HTTP: a snapshot loaded, events applied all or nothing, availability read by role."""

from __future__ import annotations

import copy
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from decision_service.orders.ports import FixedClock
from decision_service.web import create_app
from decision_service.web.resources.allocations import SPEC_EXAMPLE
from tests.api.fakes import TODAY, keyed_client, memory_config

NETWORK: dict[str, Any] = SPEC_EXAMPLE["network"]


def app() -> Flask:
    """A fresh app with its log and networks in memory."""
    return create_app(memory_config(), clock=FixedClock(TODAY))


def loaded(service: Flask, network_id: str = "west") -> FlaskClient:
    """An integration client of `service`, after loading the spec example's network as `network_id`."""
    client = keyed_client(service, "integration")
    assert client.put(f"/v1/networks/{network_id}", json=NETWORK).status_code == 200
    return client


def pools(service: Flask, item: str = "SKU-1", **query: str) -> list[dict[str, Any]]:
    """The availability of `item`, as a planner reads it."""
    answer = keyed_client(service, "planner").get(
        "/v1/networks/west/availability", query_string={"item": item, **query}
    )
    assert answer.status_code == 200, answer.get_json()
    return list(answer.get_json()["pools"])


def test_a_loaded_network_shows_on_hand_protected_and_available_to_promise() -> None:
    service = app()
    answer = keyed_client(service, "integration").put("/v1/networks/west", json=NETWORK)
    assert answer.get_json()["rows"]["stock"] == 2  # 25 available and 5 on quality hold at WH-EAST
    stock, inbound = pools(service)
    assert stock == {
        "item": "SKU-1", "location": "WH-EAST", "source": "stock", "available_date": "2026-11-23", "on_hand": 30,
        "sellable": 25, "reserved": 0, "protected": 10, "available_to_promise": 15,
    }  # fmt: skip
    assert (inbound["source"], inbound["available_date"], inbound["available_to_promise"]) == (
        "inbound",
        "2026-11-30",
        100,
    )
    assert pools(service, location="WH-WEST") == []


def test_events_apply_in_order_and_a_replayed_id_changes_nothing() -> None:
    service = app()
    client = loaded(service)
    events = [
        {"id": "e1", "type": "stock_adjusted", "item": "SKU-1", "location": "WH-EAST", "delta": -5},
        {"id": "e2", "type": "status_changed", "item": "SKU-1", "location": "WH-EAST", "qty": 5,
         "from": "quality_hold", "to": "available"},
        {"id": "e3", "type": "receipt_posted", "item": "SKU-1", "location": "WH-EAST", "qty": 40, "eta": "2026-11-30"},
    ]  # fmt: skip
    answer = client.post("/v1/networks/west/events", json={"events": events})
    assert answer.get_json() == {"network_id": "west", "applied": ["e1", "e2", "e3"], "replayed": []}
    stock, inbound = pools(service)
    assert (stock["on_hand"], stock["sellable"], inbound["sellable"]) == (65, 65, 60)
    again = client.post("/v1/networks/west/events", json={"events": events})
    assert again.get_json()["replayed"] == ["e1", "e2", "e3"]
    assert pools(service) == [stock, inbound]


def test_an_impossible_event_is_a_422_naming_its_field_and_the_whole_batch_changes_nothing() -> None:
    service = app()
    client = loaded(service)
    before = pools(service)
    cases = [
        ({"id": "x", "type": "stock_adjusted", "item": "SKU-1", "location": "WH-EAST", "delta": -33},
         "events[1].delta"),
        ({"id": "x", "type": "stock_adjusted", "item": "SKU-9", "location": "WH-EAST", "delta": 1}, "events[1].item"),
        ({"id": "x", "type": "shipment_posted", "reservation": "r-none", "qty": 1}, "events[1].reservation"),
        ({"id": "x", "type": "inbound_cancelled", "item": "SKU-1", "location": "WH-EAST", "eta": "2026-12-01"},
         "events[1].eta"),
        ({"id": "x", "type": "stock_adjusted", "item": "SKU-1", "location": "WH-EAST", "delta": 1.5},
         "events[1].delta"),
        ({"id": "x", "type": "teleported"}, "events[1].type"),
    ]  # fmt: skip
    for event, field in cases:
        first = {"id": "ok", "type": "stock_adjusted", "item": "SKU-1", "location": "WH-EAST", "delta": 7}
        answer = client.post("/v1/networks/west/events", json={"events": [first, event]})
        assert answer.status_code == 422, answer.get_json()
        assert field in [e["field"] for e in answer.get_json()["errors"]], answer.get_json()
    assert pools(service) == before
    assert client.post("/v1/networks/west/events", json={"events": [first]}).get_json()["applied"] == ["ok"]


def test_item_customer_and_lane_updates_are_checked_against_the_network() -> None:
    client = loaded(app())
    item = {"id": "SKU-2", "unit_cost": 3.5, "substitutes": [{"item": "SKU-7", "rank": 1}]}
    answer = client.post(
        "/v1/networks/west/events", json={"events": [{"id": "i", "type": "item_updated", "item": item}]}
    )
    assert [e["field"] for e in answer.get_json()["errors"]] == ["events[0].item.substitutes[0].item"]
    lane = {"from": "WH-EAST", "to": "WH-NORTH", "unit_cost": 1, "lead_days": 2, "capacity": None}
    answer = client.post(
        "/v1/networks/west/events", json={"events": [{"id": "l", "type": "lane_changed", "lane": lane}]}
    )
    assert [e["field"] for e in answer.get_json()["errors"]] == ["events[0].lane.to"]
    customer = {"id": "C-18", "tier": "gold"}
    answer = client.post("/v1/networks/west/events", json={"events": [{"id": "c", "type": "customer_updated",
                                                                        "customer": customer}]})  # fmt: skip
    assert answer.get_json()["applied"] == ["c"]


def test_a_bad_snapshot_is_a_422_naming_the_field() -> None:
    network = copy.deepcopy(NETWORK)
    network["stock"][0]["location"] = "WH-NOWHERE"
    answer = keyed_client(app(), "integration").put("/v1/networks/west", json=network)
    assert answer.status_code == 422
    assert [e["field"] for e in answer.get_json()["errors"]] == ["stock[0].location"]


def test_roles_and_unknown_networks() -> None:
    service = app()
    assert keyed_client(service, "order_entry").put("/v1/networks/west", json=NETWORK).status_code == 403
    assert keyed_client(service, "planner").get("/v1/networks/west/availability?item=SKU-1").status_code == 404
    loaded(service)
    for role in ("order_entry", "planner", "auditor"):
        assert keyed_client(service, role).get("/v1/networks/west/availability?item=SKU-1").status_code == 200
    assert keyed_client(service, "integration").get("/v1/networks/west/availability?item=SKU-1").status_code == 403
    assert keyed_client(service, "planner").get("/v1/networks/west/availability").status_code == 422


def test_a_row_both_repeated_and_pointing_nowhere_is_named_twice_not_a_500() -> None:
    service = app()
    route = {"location": "WH-NOWHERE", "region": "US-NE", "unit_cost": 1.0, "transit_days": 1}
    lane = {"from": "WH-EAST", "to": "WH-NOWHERE", "unit_cost": 0.5, "lead_days": 1, "capacity": 10}
    for rows, kind in (([route, route], "shipping"), ([lane, lane], "lanes")):
        answer = keyed_client(service, "integration").put("/v1/networks/west", json={**NETWORK, kind: rows})
        assert answer.status_code == 422, answer.get_data(as_text=True)
        fields = [e["field"] for e in answer.get_json()["errors"]]
        assert f"{kind}[1]" in fields and f"{kind}[1].{'location' if kind == 'shipping' else 'to'}" in fields, fields


def test_an_inline_network_with_such_a_row_is_a_422_too() -> None:
    route = {"location": "WH-NOWHERE", "region": "US-NE", "unit_cost": 1.0, "transit_days": 1}
    body = {**SPEC_EXAMPLE, "network": {**SPEC_EXAMPLE["network"], "shipping": [route, route]}}
    answer = keyed_client(app(), "order_entry").post("/v1/allocations", json=body)
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert {"network.shipping[1]", "network.shipping[1].location"} <= {e["field"] for e in answer.get_json()["errors"]}
