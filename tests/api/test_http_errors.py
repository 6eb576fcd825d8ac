"""Every error class of the transport answers an RFC 9457 problem document with a stable type."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from decision_service.orders.ports import FixedClock
from decision_service.web import create_app
from tests.api.fakes import TODAY, failing_decide, keyed_client, memory_config

URL = "/v1/allocations"
PREFIX = "urn:decision-service:problem:"


def assert_problem(response: TestResponse, status: int, slug: str) -> dict[str, Any]:
    """The response is a problem+json document of this status and type; returns its body."""
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = json.loads(response.data)
    assert body["type"] == PREFIX + slug
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b"",
        b"   ",
        b'{"a": 1,}',
        b"\xff\xfe{}",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a": 1} {"b": 2}',
    ],
    ids=[
        "truncated",
        "empty",
        "blank",
        "trailing-comma",
        "not-utf8",
        "deep",
        "two-docs",
    ],  # fmt: skip
)
def test_malformed_json_is_400(client: FlaskClient, raw: bytes) -> None:
    assert_problem(client.post(URL, data=raw, content_type="application/json"), 400, "malformed-json")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml", None])
def test_non_json_content_type_is_415(client: FlaskClient, spec_request: dict[str, Any], content_type: str) -> None:
    response = client.post(URL, data=json.dumps(spec_request), content_type=content_type)
    body = assert_problem(response, 415, "unsupported-media-type")
    assert "application/json" in body["detail"]


def test_json_with_charset_parameter_is_accepted(client: FlaskClient, spec_request: dict[str, Any]) -> None:
    response = client.post(URL, data=json.dumps(spec_request), content_type="application/json; charset=utf-8")
    assert response.status_code == 200


def test_body_over_the_configured_limit_is_413(spec_request: dict[str, Any]) -> None:
    app = create_app(memory_config(MAX_CONTENT_LENGTH=1000), clock=FixedClock(TODAY), decide=failing_decide)
    body = json.dumps(spec_request).encode()
    assert len(body) > 1000
    response = keyed_client(app).post(URL, data=body, content_type="application/json")
    assert_problem(response, 413, "payload-too-large")


def test_default_limit_is_two_mebibytes(client: FlaskClient) -> None:
    padding = json.dumps({"pad": "x" * (2 * 1024 * 1024)})
    assert_problem(client.post(URL, data=padding, content_type="application/json"), 413, "payload-too-large")


def test_unknown_path_is_404(client: FlaskClient) -> None:
    assert_problem(client.get("/v1/nothing-here"), 404, "not-found")


def test_wrong_method_is_405_with_allow_header(client: FlaskClient) -> None:
    response = client.get(URL)
    assert_problem(response, 405, "method-not-allowed")
    assert "POST" in response.headers["Allow"]


def test_core_failure_is_500_problem_without_internals(spec_request: dict[str, Any]) -> None:
    app = create_app(memory_config(), clock=FixedClock(TODAY), decide=failing_decide)
    app.logger.disabled = True
    response = keyed_client(app).post(URL, json=spec_request)
    body = assert_problem(response, 500, "internal-error")
    assert b"secret" not in response.data and b"Traceback" not in response.data
    assert set(body) == {"type", "title", "status", "detail"}


def test_validation_problem_lists_fields(client: FlaskClient) -> None:
    body = assert_problem(client.post(URL, json={"order": {}}), 422, "validation-error")
    fields = {e["field"] for e in body["errors"]}
    assert {"order.id", "order.lines", "network"} <= fields
    assert body["error_count"] == len(body["errors"])


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        (b'{"as_of": NaN}', "as_of", "NaN is not a JSON number"),
        (b'{"order": {"x": Infinity}}', "order.x", "Infinity is not a JSON number"),
        (b'{"order": {"lines": [{"qty": -Infinity}]}}', "order.lines[0].qty", "-Infinity"),
        (b'{"policy": {"horizon_days": ' + b"9" * 5000 + b"}}", "policy.horizon_days", "5000 digits"),
    ],
    ids=["nan", "inf", "neg-inf-in-a-list", "5000-digit-int"],
)
def test_numbers_json_does_not_have_are_422_naming_the_field(
    client: FlaskClient, raw: bytes, field: str, words: str
) -> None:
    body = assert_problem(client.post(URL, data=raw, content_type="application/json"), 422, "validation-error")
    assert [e["field"] for e in body["errors"]] == [field] and words in body["errors"][0]["message"]
    assert "Python" not in body["errors"][0]["message"] and "sys.set_int_max_str_digits" not in str(body)


def test_a_repeated_key_is_422_naming_it_in_the_fast_path_and_the_exact_one(
    client: FlaskClient, fake_decide: Any, spec_request: dict[str, Any]
) -> None:
    text = json.dumps(spec_request)
    for value in ("4000", "4000.12345"):  # plain numbers go through orjson, a five-place one is read exactly
        raw = text.replace('"qty": 40,', f'"qty": 40, "qty": {value},', 1).encode()
        body = assert_problem(client.post(URL, data=raw, content_type="application/json"), 422, "validation-error")
        assert [e["field"] for e in body["errors"]] == ["order.lines[0].qty"]
        assert "more than once" in body["errors"][0]["message"]
    spaced = text.replace('"qty": 40,', '"qty" : 40, "qty": 4000,', 1).encode()  # white space before the colon
    assert client.post(URL, data=spaced, content_type="application/json").status_code == 422
    assert fake_decide.problems == []


def test_a_colon_inside_a_string_is_not_a_repeated_key(client: FlaskClient, spec_request: dict[str, Any]) -> None:
    spec_request["order"]["id"] = 'SO-"1":2'
    assert client.post(URL, json=spec_request).status_code == 200


def test_a_compressed_body_is_415_naming_the_accepted_coding(client: FlaskClient, spec_request: dict[str, Any]) -> None:
    raw = gzip.compress(json.dumps(spec_request).encode())
    response = client.post(URL, data=raw, content_type="application/json", headers={"Content-Encoding": "gzip"})
    body = assert_problem(response, 415, "unsupported-content-encoding")
    assert response.headers["Accept-Encoding"] == "identity" and "gzip" in body["detail"]


def test_an_oversize_body_is_413_stating_the_limit(spec_request: dict[str, Any]) -> None:
    client = keyed_client(create_app(memory_config(MAX_CONTENT_LENGTH=1000), clock=FixedClock(TODAY)))
    body = assert_problem(client.post(URL, json=spec_request), 413, "payload-too-large")
    assert "1,000 bytes" in body["detail"] and "DECISION_SERVICE_MAX_CONTENT_LENGTH" in body["detail"]


def test_options_answers_no_content_with_the_allowed_methods(client: FlaskClient) -> None:
    response = client.options(URL)
    assert response.status_code == 204 and "POST" in response.headers["Allow"] and not response.data
    assert "text/html" not in response.headers.get("Content-Type", "")


def test_an_unknown_stock_status_is_422(client: FlaskClient, spec_request: dict[str, Any]) -> None:
    spec_request["network"]["stock"][0]["status"] = "Available"  # an ERP's spelling: not silently unsellable
    body = assert_problem(client.post(URL, json=spec_request), 422, "validation-error")
    assert [e["field"] for e in body["errors"]] == ["network.stock[0].status"]


def test_an_order_over_the_admitted_size_is_413_naming_its_size_the_limit_and_the_setting(
    spec_request: dict[str, Any],
) -> None:
    client = keyed_client(create_app(memory_config(MAX_CANDIDATES_PER_SECOND=1), clock=FixedClock(TODAY)))
    response = client.post(URL, json=spec_request)
    body = assert_problem(response, 413, "problem-too-large")
    assert (body["candidates"], body["limit"]) == (2, 1)
    assert "2 candidate" in body["detail"] and "1 " in body["detail"]
    assert "DECISION_SERVICE_MAX_CANDIDATES_PER_SECOND" in body["detail"]


def test_the_admission_limit_is_off_at_zero(spec_request: dict[str, Any]) -> None:
    client = keyed_client(create_app(memory_config(MAX_CANDIDATES_PER_SECOND=0), clock=FixedClock(TODAY)))
    assert client.post(URL, json=spec_request).status_code == 200


def test_a_query_parameter_given_twice_is_422_naming_it() -> None:
    client = keyed_client(create_app(memory_config(), clock=FixedClock(TODAY)), "auditor")
    answer = client.get("/v1/decisions?item=SKU-1&item=SKU-2")
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert answer.get_json()["errors"] == [{"field": "item", "message": "Given more than once; give it once."}]
    assert client.get("/v1/decisions?item=SKU-1").status_code == 200
