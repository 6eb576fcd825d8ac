"""`POST /v1/allocations` with valid input: defaults applied, the core called, the decision serialised."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson
from flask import Flask
from flask.testing import FlaskClient

from decision_service.codec.encode_allocation import allocation_body
from decision_service.codec.schemas.response import DecisionSchema
from decision_service.orders.ports import FixedClock
from decision_service.web import create_app
from optimizers.problem import DEFAULT_TIERS, AllocationProblem
from tests.api.fakes import TODAY, RecordingDecide, keyed_client, memory_config, rich_decision
from tests.api.test_http_errors import URL

MINIMAL: dict[str, Any] = {
    "order": {
        "id": "SO-1", "customer": "C-1", "entity": "US01", "ship_to_region": "US-NE",
        "requested_date": "2026-11-27", "lines": [{"line": 1, "item": "SKU-1", "qty": 4, "unit_price": 10}],
    },
    "network": {
        "locations": [{"id": "WH-1", "entity": "US01"}, {"id": "WH-2", "entity": "US01"}],
        "items": [{"id": "SKU-1", "unit_cost": 6}],
        "stock": [{"item": "SKU-1", "location": "WH-1", "qty": 3}],
        "lanes": [{"from": "WH-1", "to": "WH-2", "unit_cost": 0.1, "lead_days": 1}],
        "customers": [{"id": "C-1"}],
    },
}  # fmt: skip


def _posted(client: FlaskClient, fake: RecordingDecide, body: dict[str, Any]) -> AllocationProblem:
    response = client.post(URL, json=body)
    assert response.status_code == 200, response.data
    return fake.problems[-1]


def test_defaults_of_the_spec_are_applied(client: FlaskClient, fake_decide: RecordingDecide) -> None:
    problem = _posted(client, fake_decide, MINIMAL)
    assert problem.as_of == TODAY  # the service clock
    line = problem.order.lines[0]
    assert (line.allow_substitution, line.ship_complete, line.unit_price) == (True, False, 10.0)
    assert problem.stock[0].status == "available"
    assert problem.customers[0].max_shipments is None and problem.customers[0].allow_substitution
    assert problem.customers[0].tier is None
    assert problem.lanes[0].capacity is None
    assert problem.inbound == () and problem.shipping == () and problem.protections == ()
    assert problem.items[0].substitutes == ()
    assert (problem.policy.tiers, problem.policy.horizon_days, problem.policy.time_limit_ms) == (
        DEFAULT_TIERS,
        30,
        1000,
    )
    assert fake_decide.explain == [True]


def test_time_limit_default_comes_from_config(fake_decide: RecordingDecide) -> None:
    app = create_app(memory_config(DEFAULT_TIME_LIMIT_MS=250), clock=FixedClock(TODAY), decide=fake_decide)
    body = {**MINIMAL, "policy": {"horizon_days": 7}}
    problem = _posted(keyed_client(app), fake_decide, body)
    assert (problem.policy.time_limit_ms, problem.policy.horizon_days, problem.policy.tiers) == (250, 7, DEFAULT_TIERS)


def test_spec_example_loads_field_for_field(
    client: FlaskClient, fake_decide: RecordingDecide, spec_request: dict[str, Any]
) -> None:  # noqa: E501
    problem = _posted(client, fake_decide, spec_request)
    assert problem.as_of == date(2026, 11, 23) and problem.order.requested_date == date(2026, 11, 27)
    assert problem.lanes[0].from_location == "WH-WEST" and problem.lanes[0].capacity == 500
    assert problem.items[0].substitutes[0].item == "SKU-1B"
    assert problem.protections[0].min_tier == "gold" and problem.stock[1].status == "quality_hold"
    assert problem.policy.time_limit_ms == 1000 and problem.customers[0].max_shipments == 2


def test_response_is_the_decision_with_a_fresh_id(client: FlaskClient, spec_request: dict[str, Any]) -> None:
    first, second = (client.post(URL, json=spec_request) for _ in range(2))
    assert first.mimetype == "application/json"
    a, b = first.get_json(), second.get_json()
    assert len(a["decision_id"]) == 32 and a["decision_id"] != b["decision_id"]
    assert (a["order_id"], a["as_of"], a["status"]) == ("SO-1001", "2026-11-23", "backordered")
    assert a["input_hash"] == b["input_hash"] and a["input_hash"].startswith("sha256:")
    assert a["lines"] == [{"line": 1, "item": "SKU-1", "requested_qty": 40, "allocated_qty": 0, "backorder_qty": 40,
                           "on_time_qty": 0, "fills": [], "explanation": None, "rejection": None}]  # fmt: skip
    assert a["objective"] == {"on_time_units": 0, "units": 0, "margin": 0.0, "tie_break": 0}
    assert a["solver"]["engine"] == "none" and a["solver"]["status"] == "OPTIMAL" and a["solver"]["proven"] is True


def test_serialised_fill_has_the_spec_shape() -> None:
    line = orjson.loads(orjson.dumps(allocation_body(rich_decision())))["lines"][0]  # as the service writes it
    direct, moved = line["fills"]
    assert direct == {
        "item": "SKU-1", "location": "WH-EAST", "ship_from": "WH-EAST", "via_lane": None, "qty": 25,
        "source": "stock", "available_date": "2026-11-23", "delivery_date": "2026-11-24", "on_time": True,
        "unit_margin": 4.0, "substitute": False, "intercompany": False,
    }  # fmt: skip
    assert moved["via_lane"] == {"from": "WH-WEST", "to": "WH-EAST"} and moved["ship_from"] == "WH-EAST"
    backorder = line["explanation"]["backorder"]
    assert backorder["binding"] == "SUPPLY" and backorder["counterfactual"]["available_date"] == "2026-11-23"
    assert line["explanation"]["candidates"][1]["reason"] == "NOT_SELLABLE_STATUS"
    assert line["explanation"]["reason_counts"] == {"USED": 1, "NOT_SELLABLE_STATUS": 1}


def test_serialised_decision_matches_its_documented_schema() -> None:
    document = orjson.loads(orjson.dumps(allocation_body(rich_decision())))
    assert DecisionSchema().validate(document) == {}
    assert document["solver"]["wall_ms"] == 2.123
    assert document["explanation"]["levels"][0] == {"level": 1, "name": "on_time_units", "sense": "max",
                                                     "value": 25.0, "optimal": True}  # fmt: skip


def test_every_app_has_its_own_ports(app: Flask, fake_decide: RecordingDecide, spec_request: dict[str, Any]) -> None:
    other = RecordingDecide()
    create_app(memory_config(), clock=FixedClock(date(2030, 1, 1)), decide=other)
    del spec_request["as_of"]
    assert _posted(keyed_client(app), fake_decide, spec_request).as_of == TODAY
    assert other.problems == []
