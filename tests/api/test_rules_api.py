"""`/v1/rules/tables`: list, read, validate drafts, evaluate with full explanation; 404 and 422 problems."""

from __future__ import annotations

import copy
from typing import Any

from flask.testing import FlaskClient

from decision_service.orders.ports import FixedClock
from decision_service.web import create_app
from rules.service import RulesService
from tests.api.fakes import TODAY, keyed_client, memory_config

TABLES = "/v1/rules/tables"
PROBLEM = "application/problem+json"
GOLD_OVERDUE = {"exposure_ratio": 0.2, "days_overdue": 75, "tier": "gold", "order_value": 1000, "risk_score": 20}


def _problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.data[:500]
    assert response.mimetype == PROBLEM
    body: dict[str, Any] = response.get_json()
    assert body["type"].endswith(slug) and body["status"] == status
    return body


def _content(client: FlaskClient, key: str) -> dict[str, Any]:
    content: dict[str, Any] = client.get(f"{TABLES}/{key}").get_json()["versions"][-1]["content"]
    return copy.deepcopy(content)


def test_list_names_every_table_with_the_version_in_force_today(client: FlaskClient) -> None:
    tables = {t["key"]: t for t in client.get(TABLES).get_json()["tables"]}
    assert set(tables) == {"credit", "pricing", "exception_severity"}
    assert tables["credit"]["versions"] == 2 and tables["credit"]["active_version"]["effective_from"] == "2026-07-01"
    assert tables["pricing"]["owner"].startswith("sales operations")


def test_get_returns_every_version_with_its_content(client: FlaskClient) -> None:
    body = client.get(f"{TABLES}/credit").get_json()
    assert [v["effective_from"] for v in body["versions"]] == ["2026-01-01", "2026-07-01"]
    assert body["versions"][0]["version"] != body["versions"][1]["version"]
    assert body["versions"][1]["content"]["rules"][0]["id"] == "CR-01"


def test_unknown_table_is_404_problem(client: FlaskClient) -> None:
    for response in (
        client.get(f"{TABLES}/discounts"),
        client.post(f"{TABLES}/discounts/evaluate", json={"inputs": {}}),
        client.post(f"{TABLES}/discounts/validate", json={"rules": []}),
    ):
        _problem(response, 404, "unknown-table")


def test_valid_draft_has_no_error_findings(client: FlaskClient) -> None:
    response = client.post(f"{TABLES}/pricing/validate", json=_content(client, "pricing"))
    assert response.status_code == 200, response.data[:1000]
    body = response.get_json()
    assert body["valid"] is True and all(f["severity"] == "warning" for f in body["findings"])


def test_draft_with_a_bad_cell_is_422_naming_row_and_column(client: FlaskClient) -> None:
    draft = _content(client, "pricing")
    draft["rules"][3]["when"]["price_variance_pct"] = "[-25..-10"
    body = _problem(client.post(f"{TABLES}/pricing/validate", json=draft), 422, "invalid-table")
    assert any(e["field"] == "rules[PR-04].price_variance_pct" for e in body["errors"]), body["errors"]
    assert body["findings"] and body["error_count"] >= 1


def test_draft_with_an_overlap_under_unique_is_422_naming_the_rows(client: FlaskClient) -> None:
    draft = _content(client, "pricing")
    draft["hit_policy"] = "UNIQUE"
    body = _problem(client.post(f"{TABLES}/pricing/validate", json=draft), 422, "invalid-table")
    assert any(f["kind"] == "overlap" and len(f["rows"]) == 2 for f in body["findings"])
    assert any(e["field"].startswith("rules[PR-") for e in body["errors"])


def test_evaluate_explains_in_full(client: FlaskClient) -> None:
    body = client.post(f"{TABLES}/credit/evaluate", json={"inputs": GOLD_OVERDUE}).get_json()
    assert body["result"]["action"] == "hold" and body["result"]["owner_role"] == "credit_manager"
    explanation = body["explanation"]
    assert explanation["selected"] == ["CR-01"] and explanation["as_of"] == TODAY.isoformat()
    assert explanation["why_not"] and explanation["matched"][0]["cells"][1]["column"] == "days_overdue"
    assert body["version"] == explanation["version"]


def test_evaluate_as_of_last_quarter_uses_that_version(client: FlaskClient) -> None:
    body = client.post(f"{TABLES}/credit/evaluate", json={"inputs": GOLD_OVERDUE, "as_of": "2026-05-15"}).get_json()
    versions = client.get(f"{TABLES}/credit").get_json()["versions"]
    assert body["result"]["action"] == "review" and body["version"] == versions[0]["version"]


def test_bad_inputs_are_422_naming_the_input(client: FlaskClient) -> None:
    cases = [({**GOLD_OVERDUE, "tier": "platinum"}, "inputs.tier"), ({**GOLD_OVERDUE, "days_overdue": "x"},
             "inputs.days_overdue"), ({"tier": "gold"}, "inputs.exposure_ratio"), ({**GOLD_OVERDUE, "colour": 1},
             "inputs.colour")]  # fmt: skip
    for inputs, field in cases:
        body = _problem(client.post(f"{TABLES}/credit/evaluate", json={"inputs": inputs}), 422, "validation-error")
        assert [e["field"] for e in body["errors"]] == [field]


def test_evaluate_body_is_validated(client: FlaskClient) -> None:
    body = _problem(client.post(f"{TABLES}/credit/evaluate", json={"as_of": "soon"}), 422, "validation-error")
    assert {e["field"] for e in body["errors"]} == {"inputs", "as_of"}


def test_no_version_in_force_on_as_of_is_404(client: FlaskClient) -> None:
    response = client.post(f"{TABLES}/credit/evaluate", json={"inputs": GOLD_OVERDUE, "as_of": "2020-01-01"})
    assert "in force" in _problem(response, 404, "unknown-table")["detail"]


def test_rules_service_is_an_injected_port(tmp_path: Any) -> None:
    empty = RulesService(tmp_path)
    client = keyed_client(create_app(memory_config(), clock=FixedClock(TODAY), rules=empty))
    assert client.get(TABLES).get_json() == {"tables": []}
    configured = keyed_client(create_app(memory_config(RULES_DIR=str(tmp_path)), clock=FixedClock(TODAY)))
    assert configured.get(TABLES).get_json() == {"tables": []}
