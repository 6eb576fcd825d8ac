"""Schema and cross-reference violations: 422, naming each offending field by its path in the request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.fakes import RecordingDecide
from tests.api.test_http_errors import URL, assert_problem

Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    """Set the value at a dotted path like `network.stock.1.qty` (digits index lists)."""

    def mutate(request: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        node: Any = request
        for part in parents:
            node = node[part]
        node[last] = value

    return mutate


def _append(path: str, row: dict[str, Any]) -> Mutation:
    def mutate(request: dict[str, Any]) -> None:
        node: Any = request
        for part in path.split("."):
            node = node[part]
        node.append(row)

    return mutate


def _fields(client: FlaskClient, request: dict[str, Any]) -> dict[str, str]:
    body = assert_problem(client.post(URL, json=request), 422, "validation-error")
    return {e["field"]: e["message"] for e in body["errors"]}


SCHEMA_CASES: dict[str, tuple[Mutation, str]] = {
    "fractional qty": (_set("order.lines.0.qty", 1.5), "order.lines[0].qty"),
    "integral-looking float qty": (_set("order.lines.0.qty", 40.0), "order.lines[0].qty"),
    "string qty": (_set("order.lines.0.qty", "3"), "order.lines[0].qty"),
    "boolean qty": (_set("order.lines.0.qty", True), "order.lines[0].qty"),
    "negative qty": (_set("network.stock.1.qty", -1), "network.stock[1].qty"),
    "huge qty": (_set("network.stock.0.qty", 10**30), "network.stock[0].qty"),
    "money with 5 places": (_set("order.lines.0.unit_price", 12.00001), "order.lines[0].unit_price"),
    "money as string": (_set("network.items.1.unit_cost", "8.40"), "network.items[1].unit_cost"),
    "negative money": (_set("network.shipping.0.unit_cost", -0.4), "network.shipping[0].unit_cost"),
    "boolean money": (_set("network.lanes.0.unit_cost", False), "network.lanes[0].unit_cost"),
    "bad date": (_set("order.requested_date", "2026-02-30"), "order.requested_date"),
    "non-ISO date": (_set("as_of", "23/11/2026"), "as_of"),
    "date past the supported range": (_set("network.inbound.0.eta", "9999-12-31"), "network.inbound[0].eta"),
    "date-time": (_set("network.inbound.0.eta", "2026-11-30T00:00:00"), "network.inbound[0].eta"),
    "empty id": (_set("network.locations.1.id", ""), "network.locations[1].id"),
    "over-long id": (_set("order.id", "x" * 129), "order.id"),
    "string flag": (_set("order.lines.0.ship_complete", "true"), "order.lines[0].ship_complete"),
    "null where required": (_set("order.customer", None), "order.customer"),
    "unknown field": (_set("order.lines.0.qtty", 3), "order.lines[0].qtty"),
    "no lines": (_set("order.lines", []), "order.lines"),
    "lines not a list": (_set("order.lines", {"line": 1}), "order.lines"),
    "line not an object": (_set("order.lines", [7]), "order.lines[0]"),
    "time limit zero": (_set("policy.time_limit_ms", 0), "policy.time_limit_ms"),
    "time limit too long": (_set("policy.time_limit_ms", 60_001), "policy.time_limit_ms"),
    "negative horizon": (_set("policy.horizon_days", -1), "policy.horizon_days"),
    "lane from missing": (lambda r: r["network"]["lanes"][0].pop("from"), "network.lanes[0].from"),
    "substitute rank string": (_set("network.items.0.substitutes.0.rank", "1"), "network.items[0].substitutes[0].rank"),
}

REFERENCE_CASES: dict[str, tuple[Mutation, str]] = {
    "unknown line item": (_set("order.lines.0.item", "SKU-404"), "order.lines[0].item"),
    "unknown substitute": (_set("network.items.0.substitutes.0.item", "SKU-404"),
                           "network.items[0].substitutes[0].item"),
    "unknown stock location": (_set("network.stock.1.location", "WH-404"), "network.stock[1].location"),
    "unknown stock item": (_set("network.stock.0.item", "SKU-404"), "network.stock[0].item"),
    "unknown inbound location": (_set("network.inbound.0.location", "WH-404"), "network.inbound[0].location"),
    "unknown shipping location": (_set("network.shipping.0.location", "WH-404"), "network.shipping[0].location"),
    "unknown lane from": (_set("network.lanes.0.from", "WH-404"), "network.lanes[0].from"),
    "unknown lane to": (_set("network.lanes.0.to", "WH-404"), "network.lanes[0].to"),
    "lane to itself": (_set("network.lanes.0.to", "WH-WEST"), "network.lanes[0].to"),
    "unknown protection item": (_set("network.protections.0.item", "SKU-404"), "network.protections[0].item"),
    "unknown protection location": (_set("network.protections.0.location", "X"), "network.protections[0].location"),
    "protection tier not in policy": (_set("network.protections.0.min_tier", "platinum"),
                                      "network.protections[0].min_tier"),
    "customer tier not in policy": (_set("network.customers.0.tier", "platinum"), "network.customers[0].tier"),
    "duplicate location": (_append("network.locations", {"id": "WH-EAST", "entity": "US02"}),
                           "network.locations[2].id"),
    "duplicate item": (_append("network.items", {"id": "SKU-1", "unit_cost": 1}), "network.items[2].id"),
    "duplicate line": (_append("order.lines", {"line": 1, "item": "SKU-1B", "qty": 1, "unit_price": 2}),
                       "order.lines[1].line"),
    "duplicate customer": (_append("network.customers", {"id": "C-17"}), "network.customers[1].id"),
    "duplicate lane": (_append("network.lanes", {"from": "WH-WEST", "to": "WH-EAST", "unit_cost": 1, "lead_days": 1}),
                       "network.lanes[1]"),
    "duplicate shipping": (_append("network.shipping", {"location": "WH-EAST", "region": "US-NE", "unit_cost": 1,
                                                        "transit_days": 2}), "network.shipping[1]"),
    "duplicate tier": (_set("policy.tiers", ["gold", "silver", "gold", "strategic"]), "policy.tiers[2]"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(SCHEMA_CASES), ids=list(SCHEMA_CASES))
def test_schema_violation_names_the_field(client: FlaskClient, spec_request: dict[str, Any], case: str) -> None:
    mutate, field = SCHEMA_CASES[case]
    mutate(spec_request)
    assert list(_fields(client, spec_request)) == [field]


@pytest.mark.parametrize("case", list(REFERENCE_CASES), ids=list(REFERENCE_CASES))
def test_bad_reference_names_the_field(client: FlaskClient, spec_request: dict[str, Any], case: str) -> None:
    mutate, field = REFERENCE_CASES[case]
    mutate(spec_request)
    assert list(_fields(client, spec_request)) == [field]


def test_messages_say_what_is_wrong(client: FlaskClient, spec_request: dict[str, Any]) -> None:
    spec_request["network"]["stock"][1]["location"] = "WH-404"
    spec_request["network"]["locations"].append({"id": "WH-WEST", "entity": "US01"})
    found = _fields(client, spec_request)
    assert found["network.stock[1].location"] == "Unknown location 'WH-404'."
    assert found["network.locations[2].id"] == "Duplicate location id 'WH-WEST' (first at network.locations[1])."


def test_every_error_is_listed_at_once(client: FlaskClient, spec_request: dict[str, Any]) -> None:
    spec_request["order"]["lines"][0]["qty"] = -3
    spec_request["network"]["stock"][0]["qty"] = 2.5
    spec_request["policy"]["horizon_days"] = "30"
    assert set(_fields(client, spec_request)) == {"order.lines[0].qty", "network.stock[0].qty", "policy.horizon_days"}


def test_top_level_array_is_422_on_the_body(client: FlaskClient) -> None:
    assert list(_fields(client, [])) == [""]  # type: ignore[arg-type]


def test_a_customer_absent_from_the_network_is_422_naming_order_customer(
    client: FlaskClient, fake_decide: RecordingDecide, spec_request: dict[str, Any]
) -> None:
    spec_request["order"]["customer"] = "C-NEW"  # deciding it with invented terms would let credit release it
    response = client.post(URL, json=spec_request)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert [e["field"] for e in response.get_json()["errors"]] == ["order.customer"]
    assert "C-NEW" in response.get_json()["errors"][0]["message"] and fake_decide.problems == []
