"""The codec: every decision the order-level service makes is written to JSON and read back as the same decision,
and what it writes is what the documented response schema describes."""

from __future__ import annotations

from dataclasses import fields

import orjson
import pytest
from hypothesis import HealthCheck, given, settings

from decision_service.codec.decode_decision import read_decision
from decision_service.codec.encode_decision import decision_body, decision_json
from decision_service.codec.errors import InvalidRequest
from decision_service.codec.schemas.response_order import OrderDecisionSchema
from decision_service.orders.ports import FixedClock, Ports, engine_decide
from decision_service.orders.request import OrderRequest
from decision_service.orders.service import decide_order
from decision_service.orders.validation import validate_order
from tests import strategies
from tests.unit.order_policy_fixtures import AS_OF, RULES, decided, every_exception_problem, terms

PORTS = Ports(FixedClock(AS_OF), engine_decide, RULES)


def _reads_back(decision_bytes: bytes) -> None:
    body = orjson.loads(decision_bytes)
    assert OrderDecisionSchema().validate(body) == {}
    again = read_decision(body)
    assert decision_json(again) == decision_bytes
    solver = again.allocation.solver  # every field of the telemetry is written, none left to its default
    assert orjson.loads(decision_json(again))["solver"].keys() == {f.name for f in fields(solver)}
    assert read_decision(orjson.loads(decision_json(again))) == again


def test_the_order_that_raises_everything_reads_back() -> None:
    decision = decided(OrderRequest(every_exception_problem(), terms()))
    assert decision.rejections and decision.held and decision.exceptions  # every part of the format is used
    _reads_back(decision_json(decision))
    again = read_decision(orjson.loads(decision_json(decision)))
    assert again.rejections == decision.rejections and again.credit == decision.credit
    assert again.allocation.lines[6] == decision.allocation.lines[6]  # the rejected line, explanation included


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.order_requests(max_lines=6, max_locations=4, max_items=4))
def test_generated_decisions_validate_and_read_back(request: OrderRequest) -> None:
    decision = decide_order(request, PORTS)
    report = validate_order(request, decision)
    assert report.ok, report.errors
    _reads_back(decision_json(decision))
    assert decision_body(decision)["input_hash"] == decision.input_hash


def test_a_body_that_is_not_a_decision_names_the_field() -> None:
    body = orjson.loads(decision_json(decided(OrderRequest(every_exception_problem(), terms()))))
    body["lines"][0]["fills"] = "none"
    body["solver"]["engine"] = "abacus"
    with pytest.raises(InvalidRequest) as caught:
        read_decision(body)
    assert {e.field for e in caught.value.errors} == {"lines[0].fills", "solver.engine"}
