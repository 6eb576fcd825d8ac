"""`POST /v1/reallocations`: the spec's run over HTTP, with the order-level rules applied to every order, recorded
before it is answered, synchronous or in the background, refusing bad input with the field named."""

from __future__ import annotations

import gzip
import threading
import time
from typing import Any

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decision_service.codec.encode_run import input_body
from decision_service.orders.ports import FixedClock
from decision_service.runs.service import reallocate
from decision_service.web import create_app
from decision_service.web.context import current_ports
from decision_service.web.running import runner
from optimizers.reallocation import run, validate
from scenarios.orderbook import order_book
from tests.api.fakes import TODAY, keyed_client, memory_config

URL = "/v1/reallocations"


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app(memory_config(MAX_RUN_BYTES=400_000), clock=FixedClock(TODAY))


@pytest.fixture(scope="module")
def planner(app: Flask) -> FlaskClient:
    return keyed_client(app, "planner")


def _book(lines: int = 40, seed: int = 3) -> dict[str, Any]:
    return input_body(order_book(seed, lines, 12, 4))


def test_a_run_is_decided_recorded_and_answered_as_the_spec_says(app: Flask, planner: FlaskClient) -> None:
    body = _book()
    answer = planner.post(URL, json=body).get_json()
    assert answer["status"] in ("OPTIMAL", "FEASIBLE") and answer["run_id"].startswith("run-")
    assert [lv["level"] for lv in answer["objective"]][:3] == ["win.on_time_units", "win.units", "gain.kept_units"]
    assert {"requested_units", "fill_rate", "by_tier", "by_segment"} <= set(answer["kpis"])
    assert set(answer["rules_versions"]) == {"credit", "pricing", "exception_severity"}
    line = answer["orders"][0]["lines"][0]
    assert line["change"] == line["allocated_qty"] - line["confirmed_qty"]
    assert line["backorder_qty"] == line["requested_qty"] - line["allocated_qty"]
    assert sum(ln["allocated_qty"] for o in answer["orders"] for ln in o["lines"]) == answer["kpis"]["allocated_units"]
    auditor = keyed_client(app, "auditor")
    found = auditor.get("/v1/decisions?domain=reallocation&limit=200").get_json()["decisions"]
    assert answer["run_id"] in [d["id"] for d in found]
    entry = auditor.get(f"/v1/decisions/{answer['run_id']}").get_json()
    assert entry["audit"]["kind"] == "reallocation_run" and entry["decision"] == answer
    assert orjson.loads(entry["request"]) == body


def test_the_rules_reject_lines_and_hold_orders(planner: FlaskClient) -> None:
    body = _book()
    first = body["orders"][0]
    first["lines"][0].update(unit_price=1000, list_price=10_000)  # 90% under list: rejected as a keying error
    customer = next(c for c in body["network"]["customers"] if c["id"] == first["customer"])
    customer.update(credit_limit=1, open_balance=5000)  # far over its limit: held (unless strategic)
    answer = planner.post(URL, json=body).get_json()
    order = next(o for o in answer["orders"] if o["id"] == first["id"])
    rejected = next(ln for ln in order["lines"] if ln["line"] == first["lines"][0]["line"])
    assert rejected["allocated_qty"] == 0 and rejected["rejection"].startswith("pricing rule PR-")
    assert order["held"] is (customer.get("tier") != "strategic")


def test_an_async_run_answers_202_and_its_result_when_done(planner: FlaskClient) -> None:
    accepted = planner.post(URL, json={**_book(30, seed=5), "async": True})
    assert accepted.status_code == 202 and accepted.headers["Location"].startswith("/v1/reallocations/run-")
    for _ in range(200):
        state = planner.get(accepted.headers["Location"]).get_json()
        if state["state"] == "done":
            break
        assert state["state"] == "running" and state["accepted_at"]
        time.sleep(0.05)
    assert state["state"] == "done" and state["result"]["run_id"] == accepted.get_json()["run_id"]
    assert planner.get("/v1/reallocations/run-nope").status_code == 404


def test_a_gzip_body_is_read_and_an_oversized_one_refused(planner: FlaskClient) -> None:
    body = orjson.dumps(_book(20))
    zipped = planner.post(URL, data=gzip.compress(body), content_type="application/json",
                          headers={"Content-Encoding": "gzip"})  # fmt: skip
    assert zipped.status_code == 200, zipped.data[:300]
    huge = gzip.compress(b'{"pad": "' + b" " * 500_000 + b'"}')
    refused = planner.post(URL, data=huge, content_type="application/json", headers={"Content-Encoding": "gzip"})
    assert refused.status_code == 413 and refused.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b["orders"][0].update(customer="C-NOBODY"), "orders[0].customer"),
        (lambda b: b["orders"][0]["lines"][0].update(confirmed_qty=10**6), "orders[0].lines[0].confirmed_qty"),
        (
            lambda b: b["strategy"].update(segments=[{"name": "x", "strategy": "win", "tiers": ["platinum"]}]),
            "strategy.segments[0].tiers",
        ),
        (lambda b: b.update(mode="apply"), "network_ref"),
        (lambda b: b["network"]["customers"][0].update(credit_limit=-5), "network.customers[0].credit_limit"),
        (lambda b: b["policy"].update(counterfactuals="every"), "policy.counterfactuals"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(planner: FlaskClient, change: Any, field: str) -> None:
    body = _book(10)
    change(body)
    response = planner.post(URL, json=body)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert any(e["field"].startswith(field) for e in response.get_json()["errors"]), response.get_json()


def test_a_run_can_ask_for_every_counterfactual_to_be_verified(planner: FlaskClient) -> None:
    """`policy.counterfactuals`: `all` re-solves every claim within the time limit, `none` states them only; the
    allocation is the same either way."""
    answers = {}
    for mode in ("all", "none"):
        body = _book(60, seed=5)
        body["policy"]["counterfactuals"] = mode
        answers[mode] = planner.post(URL, json=body).get_json()
    every, none = answers["all"]["counterfactuals"], answers["none"]["counterfactuals"]
    assert every["claimed"] == none["claimed"] > 0
    assert every["checked"] == every["claimed"] and every["skipped"] is None
    assert none["checked"] == 0 and none["skipped"] == "none asked for"
    assert answers["all"]["input_hash"] == answers["none"]["input_hash"]
    assert answers["all"]["kpis"] == answers["none"]["kpis"]


def test_only_planners_run(app: Flask) -> None:
    assert keyed_client(app, "order_entry").post(URL, json=_book(5)).status_code == 403
    assert keyed_client(app, "auditor").post(URL, json=_book(5)).status_code == 403


def test_the_service_s_run_passes_the_solver_free_validator_with_the_rules_applied(app: Flask) -> None:
    body = _book(40, seed=7)
    body["orders"][1]["lines"][0].update(unit_price=1000, list_price=10_000)
    with app.app_context():
        decided = reallocate(body, current_ports())
    assert any(ln.rejection for o in decided.problem.orders for ln in o.lines)
    assert validate(decided.problem, decided.run) == []


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 10**6)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.text(max_size=12)
    | st.dates().map(str),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_json_gets_an_answer_or_a_field_named_never_a_500(planner: FlaskClient, data: st.DataObject) -> None:
    body = _book(6)
    # mutate one place of a valid run into an arbitrary JSON value, or replace it whole
    target = data.draw(st.sampled_from(["whole", "order", "line", "network", "customer", "policy", "strategy"]))
    value = data.draw(json_values)
    if target == "whole":
        body = value
    elif target == "order":
        body["orders"][0] = value
    elif target == "line":
        body["orders"][0]["lines"][0] = value
    elif target == "customer":
        body["network"]["customers"][0] = value
    else:
        body[target] = value
    response = planner.post(URL, data=orjson.dumps(body), content_type="application/json")
    assert response.status_code in (200, 400, 422), response.data[:300]
    if response.status_code == 422:
        assert response.get_json()["errors"][0]["field"]


def test_an_asynchronous_run_shows_its_progress_while_it_waits_and_runs(app: Flask, planner: FlaskClient) -> None:
    busy, release = threading.Event(), threading.Event()
    with app.app_context():
        pool = runner().pool  # one run at a time per worker: hold it with another job
    pool.submit(lambda: (busy.set(), release.wait(30)))
    assert busy.wait(30)
    accepted = planner.post(URL, json={**_book(), "async": True})
    where = accepted.headers["Location"]
    waiting = planner.get(where).get_json()
    assert waiting["state"] == "running" and waiting["progress"]["stage"] == "queued", waiting
    release.set()
    for _ in range(300):
        state = planner.get(where).get_json()
        if state["state"] != "running":
            break
        assert state["progress"]["stage"] in ("queued", "solving", "recording")
        time.sleep(0.05)
    assert state["state"] == "done" and "progress" not in state
    with app.app_context():
        last = runner().board.read(accepted.get_json()["run_id"])
    assert last is not None and last.stage == "recording" and last.total == 0  # after every level was settled


def test_a_run_hears_of_every_level_as_it_is_settled() -> None:
    heard: list[tuple[int, int]] = []
    problem = order_book(3, 40, 12, 4)
    answer = run(problem, progress=lambda done, total: heard.append((done, total)))
    total = len(answer.objective)
    assert heard[0] == (0, heard[0][1]) and heard[-1] == (heard[0][1], heard[0][1])
    assert [d for d, _ in heard] == list(range(heard[0][1] + 1)) and heard[0][1] >= total - 1
