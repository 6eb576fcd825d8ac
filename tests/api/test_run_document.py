"""Re-allocation runs answer what the OpenAPI document says (`codec.schemas.run_output`): real runs over
generated books (every strategy, tiers, segments, lanes, ship-complete lines, shipment limits), a degraded
one, an asynchronous one and an applied one, each validated against `/openapi.json`; and the document refuses
an answer with a field it does not name or a value of the wrong type, so it would catch the writer drifting."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

import orjson
import pytest
import schemathesis
from schemathesis.checks import content_type_conformance, response_schema_conformance, status_code_conformance
from schemathesis.core.failures import FailureGroup
from schemathesis.core.transport import Response
from schemathesis.openapi.checks import JsonSchemaError

from decision_service.codec.encode_run import input_body
from decision_service.orders.ports import FixedClock
from decision_service.web import create_app
from scenarios.orderbook import order_book
from tests.api.fakes import TODAY, keyed_client, memory_config, new_key

APP = create_app(memory_config(), clock=FixedClock(TODAY))
SCHEMA = schemathesis.openapi.from_wsgi("/openapi.json", APP)
HEADERS = {"Authorization": f"Bearer {new_key(APP)}", "Accept-Encoding": "identity"}
URL = "/v1/reallocations"
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]  # not the auth checks


def _book(seed: int, **policy: Any) -> dict[str, Any]:
    body = input_body(order_book(seed, 300, 30, 6, ship_complete=0.3, limited=0.5))
    body["policy"].update(policy)
    return body


def _post(body: dict[str, Any]) -> Response:
    case = SCHEMA[URL]["POST"].Case(body=body, media_type="application/json")
    response = case.call(headers=HEADERS)
    case.validate_response(response, checks=CHECKS)
    return response


@pytest.mark.parametrize("seed", [2, 4])
def test_a_run_answers_what_the_document_says(seed: int) -> None:
    answer = _post(_book(seed)).json()
    strategies = {o["strategy"] for o in answer["orders"]}
    lines = [ln for o in answer["orders"] for ln in o["lines"]]
    assert strategies >= {"win", "gain", "lose", "fill", "redistribute"}, strategies
    assert any(ln["explanation"] and ln["explanation"]["what_if"] for ln in lines)
    assert any(f["via_lane"] for ln in lines for f in ln["fills"])
    assert answer["kpis"]["by_tier"] and answer["kpis"]["by_segment"]


def test_a_run_degraded_by_its_time_limit_answers_what_the_document_says() -> None:
    answer = _post(_book(3, time_limit_ms=1)).json()
    assert answer["solver"]["degraded"] is True, answer["solver"]


def test_an_asynchronous_run_read_back_answers_what_the_document_says() -> None:
    accepted = _post({**_book(4), "async": True})
    assert accepted.status_code == 202
    case = SCHEMA[URL + "/{run_id}"]["GET"].Case(path_parameters={"run_id": accepted.json()["run_id"]})
    for _ in range(300):
        state = case.call(headers=HEADERS)
        if state.json()["state"] != "running":
            break
        time.sleep(0.1)
    case.validate_response(state, checks=CHECKS)
    assert state.json()["state"] == "done" and state.json()["result"]["orders"]


def test_an_applied_run_answers_what_the_document_says() -> None:
    body = _book(5)
    stored = keyed_client(APP, "integration").put("/v1/networks/doc-book", json=body["network"])
    assert stored.status_code == 200, stored.get_json()
    orders = [{**o, "lines": [{k: v for k, v in ln.items() if k != "confirmed_qty"} for ln in o["lines"]]}
              for o in body["orders"]]  # fmt: skip
    run = {k: v for k, v in body.items() if k != "network"}
    answer = _post({**run, "orders": orders, "network_ref": "doc-book", "mode": "apply"}).json()
    assert answer["network_ref"] == "doc-book" and answer["applied"]["reservations_made"] > 0


def _line(answer: dict[str, Any]) -> dict[str, Any]:
    return next(ln for o in answer["orders"] for ln in o["lines"] if ln["explanation"] and ln["explanation"]["what_if"])


DRIFTS: dict[str, Callable[[dict[str, Any]], None]] = {
    "unknown top field": lambda a: a.update(extra=1),
    "unknown line field": lambda a: _line(a).update(extra=1),
    "unknown field in a nullable explanation": lambda a: _line(a)["explanation"].update(extra=1),
    "unknown field in a what-if": lambda a: _line(a)["explanation"]["what_if"].update(extra=1),
    "unknown field in a tier's figures": lambda a: next(iter(a["kpis"]["by_tier"].values())).update(extra=1),
    "unknown solver field": lambda a: a["solver"].update(extra=1),
    "quantity as text": lambda a: _line(a).update(allocated_qty="3"),
    "flag as text": lambda a: a["solver"].update(degraded="no"),
    "missing counterfactuals": lambda a: a.pop("counterfactuals"),
    "lane as a list": lambda a: _line(a)["explanation"]["what_if"].update(lane=["A", "B"]),
}


@pytest.fixture(scope="module")
def answered() -> Response:
    return _post(_book(2))


@pytest.mark.parametrize("drift", DRIFTS)
def test_the_document_refuses_an_answer_that_drifted(answered: Response, drift: str) -> None:
    answer = copy.deepcopy(answered.json())
    DRIFTS[drift](answer)
    drifted = Response(answered.status_code, answered.headers, orjson.dumps(answer), answered.request, 0.0, False)
    case = SCHEMA[URL]["POST"].Case(body={}, media_type="application/json")
    with pytest.raises(FailureGroup) as refused:
        case.validate_response(drifted, checks=CHECKS)
    assert all(isinstance(e, JsonSchemaError) for e in refused.value.exceptions), refused.value
