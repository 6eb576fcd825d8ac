"""`POST /v1/allocations` under the rules: credit, pricing, exceptions and versions in the response, on the real
engine (every final decision validated against the request as received)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from decision_service.codec.encode_request import problem_body
from decision_service.codec.schemas.response_order import OrderDecisionSchema
from tests.api.conftest import decided_and_validated
from tests.api.test_http_errors import URL
from tests.unit.order_policy_fixtures import every_exception_problem

EVERY_TYPE = {"shortage", "backorder", "late_promise", "substitution", "transfer", "intercompany_transfer",
              "split_shipment", "credit_hold", "price_variance", "margin_below_floor"}  # fmt: skip


def every_exception_request(as_of: str = "2026-11-23", tier: str = "silver") -> dict[str, Any]:
    """The hand-made order of tests/unit, as JSON, with credit far over its limit and a discounted line."""
    body: dict[str, Any] = problem_body(every_exception_problem(tier=tier))
    body["as_of"] = as_of
    body["order"]["channel"] = "direct"
    body["network"]["customers"][0].update(credit_limit=100, open_balance=0, contractual_penalty=False)
    body["order"]["lines"][7]["list_price"] = 10
    return body


def _decide(client: FlaskClient, body: dict[str, Any]) -> dict[str, Any]:
    return decided_and_validated(client, body)


def test_held_order_is_allocated_and_marked(engine_client: FlaskClient) -> None:
    d = _decide(engine_client, every_exception_request())
    assert d["held"] is True and d["credit"]["action"] == "hold" and d["credit"]["owner_role"] == "credit_controller"
    assert d["objective"]["units"] > 0 and d["status"] == "partial"
    assert d["credit"]["explanation"]["rule"] == "CR-03"
    assert {c["column"] for c in d["credit"]["explanation"]["cells"]} == {"exposure_ratio", "tier"}


def test_rejected_price_line_is_not_allocated_and_explained(engine_client: FlaskClient) -> None:
    d = _decide(engine_client, every_exception_request())
    line7 = next(line for line in d["lines"] if line["line"] == 7)
    assert (line7["requested_qty"], line7["allocated_qty"], line7["backorder_qty"], line7["fills"]) == (5, 0, 5, [])
    assert line7["explanation"]["backorder"]["binding"] == "PRICE_REJECTED" and line7["explanation"]["candidates"] == []
    rejection = line7["rejection"]
    assert rejection["rule"] == "PR-01" and rejection["version"] == d["rules_versions"]["pricing"]
    assert "price was rejected by pricing rule PR-01" in rejection["text"]
    pricing = {p["line"]: p for p in d["pricing"]}
    assert pricing[7]["decision"] == "reject" and pricing[7]["allocated"] is False
    assert pricing[8]["decision"] == "needs_approval" and pricing[8]["approver_role"] == "pricing_manager"
    assert pricing[8]["inputs"]["price_variance_pct"] == -15.0


def test_every_exception_is_classified(engine_client: FlaskClient) -> None:
    d = _decide(engine_client, every_exception_request())
    assert {e["type"] for e in d["exceptions"]} == EVERY_TYPE
    for e in d["exceptions"]:
        assert e["severity"] in {"critical", "high", "medium", "low"} and e["sla_hours"] > 0
        assert e["explanation"]["table"] == "exception_severity" and e["explanation"]["rule"].startswith("EX-")
    assert OrderDecisionSchema().validate(d) == {}


def test_penalty_clause_makes_delivery_exceptions_critical(engine_client: FlaskClient) -> None:
    body = every_exception_request()
    body["network"]["customers"][0]["contractual_penalty"] = True
    d = _decide(engine_client, body)
    severities = {e["type"]: e["severity"] for e in d["exceptions"]}
    assert severities["shortage"] == severities["late_promise"] == severities["split_shipment"] == "critical"


def test_versions_recorded_and_as_of_selects_last_quarter(engine_client: FlaskClient) -> None:
    versions = engine_client.get("/v1/rules/tables/credit").get_json()["versions"]
    body = every_exception_request(tier="gold")
    body["network"]["customers"][0].update(credit_limit=None, days_overdue=75)
    now, then = _decide(engine_client, body), _decide(engine_client, {**body, "as_of": "2026-05-15"})
    assert set(now["rules_versions"]) == {"credit", "pricing", "exception_severity"}
    assert now["rules_versions"]["credit"] == versions[1]["version"] and now["credit"]["action"] == "hold"
    assert then["rules_versions"]["credit"] == versions[0]["version"] and then["credit"]["action"] == "review"


def test_old_request_without_the_new_fields_gets_the_defaults(
    engine_client: FlaskClient, spec_request: dict[str, Any]
) -> None:
    d = _decide(engine_client, spec_request)
    assert d["status"] == "complete" and d["held"] is False and d["credit"]["action"] == "release"
    assert d["credit"]["inputs"] == {"exposure_ratio": 0.0, "days_overdue": 0, "tier": "strategic",
                                     "order_value": 500.0, "risk_score": None}  # fmt: skip
    assert [p["decision"] for p in d["pricing"]] == ["approve"] and d["pricing"][0]["inputs"]["channel"] == "direct"
    assert d["lines"][0]["rejection"] is None
    assert OrderDecisionSchema().validate(d) == {}


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("order", "channel"), "telepathy", "order.channel"),
        (("network", "customers", 0, "risk_score"), 101, "network.customers[0].risk_score"),
        (("network", "customers", 0, "credit_limit"), -1, "network.customers[0].credit_limit"),
        (("network", "customers", 0, "days_overdue"), 1.5, "network.customers[0].days_overdue"),
        (("network", "customers", 0, "contractual_penalty"), "yes", "network.customers[0].contractual_penalty"),
        (("order", "lines", 0, "contract_price"), "12", "order.lines[0].contract_price"),
        (("as_of",), "2025-06-01", "as_of"),
    ],
)
def test_bad_commercial_fields_are_422_naming_the_field(
    engine_client: FlaskClient, path: tuple[Any, ...], value: Any, field: str
) -> None:
    body = every_exception_request()
    node = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    response = engine_client.post(URL, json=body)
    assert response.status_code == 422 and response.mimetype == "application/problem+json", response.data[:500]
    assert [e["field"] for e in response.get_json()["errors"]] == [field]
