"""`/v1/scenario-batches`: a batch sent as JSON or YAML is accepted (202), runs in the background, and is read
back with its progress, results and HTML report; bad batches are 422 naming the field; planners only."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from decision_service.codec.encode_run import input_body
from decision_service.orders.ports import FixedClock
from decision_service.web import create_app
from scenarios.orderbook import order_book
from tests.api.fakes import TODAY, keyed_client, memory_config

URL = "/v1/scenario-batches"


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app(memory_config(), clock=FixedClock(TODAY))


@pytest.fixture(scope="module")
def planner(app: Flask) -> FlaskClient:
    return keyed_client(app, "planner")


def batch() -> dict[str, Any]:
    return {
        "batch": "api",
        "base": {"input": input_body(order_book(6, 30, 8, 3))},
        "scenarios": [
            {"name": "slip", "modifiers": [{"type": "delay", "days": 7}]},
            {"name": "bad order", "modifiers": [{"type": "new_orders", "orders": [{"id": "X"}]}]},
        ],
    }


def finished(client: FlaskClient, where: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state: dict[str, Any] = client.get(where).get_json()
        assert state["state"] in ("running", "done"), state
        if state["state"] == "done":
            return state
        assert 0 <= state["progress"]["done"] <= state["progress"]["total"]
        time.sleep(0.2)
    raise AssertionError("the batch did not finish in 60 s")


def test_a_batch_is_accepted_run_and_read_back_with_its_report(planner: FlaskClient) -> None:
    answer = planner.post(URL, json=batch())
    assert answer.status_code == 202 and answer.headers["Location"] == answer.get_json()["url"]
    state = finished(planner, answer.headers["Location"])
    results = state["results"]
    assert [e["name"] for e in results["scenarios"]] == ["slip", "bad order"] and results["failed"] == ["bad order"]
    assert "orders[30].customer" in results["scenarios"][1]["error"] or "orders[" in results["scenarios"][1]["error"]
    assert results["scenarios"][0]["validation"] == {"checked": True, "errors": []}
    report = planner.get(state["report_url"])
    assert report.status_code == 200 and report.mimetype == "text/html" and b"Plotly.newPlot" in report.data


def test_a_batch_in_yaml_runs_the_same(planner: FlaskClient) -> None:
    text = json.dumps(batch()["base"]["input"])
    yaml_body = (
        f"batch: yaml\nbase:\n  input: {text}\nscenarios:\n  - name: slip\n    modifiers: [{{type: delay, days: 7}}]\n"
    )
    answer = planner.post(URL, data=yaml_body, content_type="application/yaml")
    assert answer.status_code == 202, answer.get_json()
    assert finished(planner, answer.headers["Location"])["results"]["scenarios"][0]["state"] == "done"


@pytest.mark.parametrize(
    ("body", "content_type", "field", "detail"),
    [
        ("base: {generator: {seed: 1}}\nscenarios:\n  - name: a\n    modifiers: [{type: delay}]\n",
         "application/yaml", "scenarios[0].modifiers[0].days", "line 4: is required"),
        (json.dumps({"base": {"file": "/etc/passwd"}, "scenarios": [{"name": "a"}]}), "application/json",
         "base.file", "reads no files"),
        (json.dumps({"base": {"generator": {"seed": 1, "lines": 20, "items": 6, "locations": 3}},
                     "scenarios": [{"name": "a", "modifiers": [{"type": "stock", "item": "NOPE", "location": "WH-00",
                                                                 "set": 1}]}]}),
         "application/json", "scenarios[0].modifiers[0].item", "not in the base"),
    ],
)  # fmt: skip
def test_a_bad_batch_is_422_naming_the_field(planner: FlaskClient, body: str, content_type: str, field: str,
                                             detail: str) -> None:  # fmt: skip
    answer = planner.post(URL, data=body, content_type=content_type)
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    [error] = answer.get_json()["errors"]
    assert error["field"] == field and detail in error["message"]


def test_batches_are_for_planners(app: Flask) -> None:
    for role in ("order_entry", "auditor"):
        assert keyed_client(app, role).post(URL, json=batch()).status_code == 403
    assert keyed_client(app, "planner").get(f"{URL}/batch-00000000-0000-0000-0000-000000000000").status_code == 404
    assert keyed_client(app, "planner").get(f"{URL}/..%2f..%2fetc/report").status_code == 404


def test_a_batch_over_a_stored_network_reads_it_as_a_network_ref_run_does(app: Flask, planner: FlaskClient) -> None:
    book = input_body(order_book(7, 30, 8, 3))
    assert keyed_client(app, "integration").put("/v1/networks/batch-book", json=book["network"]).status_code == 200
    orders = [{**o, "lines": [{k: v for k, v in ln.items() if k != "confirmed_qty"} for ln in o["lines"]]}
              for o in book["orders"]]  # fmt: skip
    ref = {"id": "batch-book", "as_of": book["as_of"], "orders": orders, "strategy": book["strategy"],
           "policy": book["policy"]}  # fmt: skip
    body = {"batch": "stored", "base": {"network_ref": ref},
            "scenarios": [{"name": "slip", "modifiers": [{"type": "delay", "days": 7}]}]}  # fmt: skip
    answer = planner.post(URL, json=body)
    assert answer.status_code == 202, answer.get_json()
    results = finished(planner, answer.headers["Location"])["results"]
    assert results["base"]["kind"] == "network_ref" and results["base"]["network_ref"] == "batch-book"
    assert results["baseline"]["validation"] == {"checked": True, "errors": []}
    run = planner.post("/v1/reallocations", json={**{k: v for k, v in ref.items() if k != "id"},
                                                  "network_ref": "batch-book"}).get_json()  # fmt: skip
    assert results["baseline"]["kpis"] == run["kpis"]  # the same reading of the store as a run's
    unknown = planner.post(URL, json={**body, "base": {"network_ref": {**ref, "id": "nowhere"}}})
    assert unknown.status_code == 404 and unknown.mimetype == "application/problem+json"
