"""Web fixtures: an app wired to a fixed clock and a recording fake core, and the spec's example request."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from decimal import Decimal
from importlib import resources
from typing import Any

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient

from decision_service.codec.decode_decision import read_decision
from decision_service.codec.defaults import RequestDefaults, request_defaults
from decision_service.codec.encode_decision import decision_json
from decision_service.codec.schemas.request import load_request
from decision_service.orders.ports import FixedClock
from decision_service.orders.request import DEFAULT_EXPLAIN, ExplainDetail
from decision_service.orders.validation import validate_order
from decision_service.web import create_app
from tests.api.fakes import TODAY, RecordingDecide, ValidatingDecide, keyed_client, memory_config

_EXAMPLE = json.loads(resources.files("decision_service").joinpath("examples/spec_example.json").read_text())


@pytest.fixture
def fake_decide() -> RecordingDecide:
    return RecordingDecide()


@pytest.fixture
def app(fake_decide: RecordingDecide) -> Iterator[Flask]:
    yield create_app(memory_config(), clock=FixedClock(TODAY), decide=fake_decide)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return keyed_client(app)


@pytest.fixture
def spec_request() -> dict[str, Any]:
    """A fresh, mutable copy of the spec's example request."""
    return copy.deepcopy(_EXAMPLE)


@pytest.fixture(scope="module")
def engine_client() -> FlaskClient:
    """A client of an app running the real engine, validating every allocation the engine makes."""
    return keyed_client(create_app(memory_config(), clock=FixedClock(TODAY), decide=ValidatingDecide()))


def decided_and_validated(client: FlaskClient, body: dict[str, Any] | str) -> dict[str, Any]:
    """POST `body` (a dict, or JSON text sent as it is); the answer must be 200, read back into the same decision
    by the codec, and validate as the final answer to the request as received (`orders.validation`)."""
    text = body if isinstance(body, str) else json.dumps(body)
    response = client.post("/v1/allocations", data=text, content_type="application/json")
    assert response.status_code == 200, response.data[:2000]
    answer: dict[str, Any] = response.get_json()
    decision = read_decision(answer)
    detail = ExplainDetail(json.loads(text).get("explain", DEFAULT_EXPLAIN.value))
    assert orjson.loads(decision_json(decision, detail)) == answer  # what was answered reads back the same
    with request_defaults(RequestDefaults(today=lambda: TODAY)):
        request = load_request(json.loads(text, parse_float=Decimal))
    report = validate_order(request, decision)
    assert report.ok, report.errors
    return answer
