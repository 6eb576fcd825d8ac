"""The OpenAPI document is the contract: schemathesis generates requests from it and checks every answer (status
documented, body valid against the documented schema, content type, no 500) against the app as served."""

from __future__ import annotations

import gzip
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation

from decision_service.orders.ports import FixedClock
from decision_service.web import create_app
from tests.api.fakes import TODAY, keyed_client, memory_config, new_key

APP = create_app(memory_config(), clock=FixedClock(TODAY))  # the real engine and the shipped rules
SCHEMA = schemathesis.openapi.from_wsgi("/openapi.json", APP)
IDENTITY = {"Accept-Encoding": "identity"}  # the in-process client does not undo compression, which is transport
ADMIN = {"Authorization": f"Bearer {new_key(APP)}"}  # every operation, so every documented answer is reachable


@SCHEMA.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_is_what_the_document_says(case: schemathesis.Case) -> None:
    """Every case is sent with an admin key, so every documented answer is reachable, except a negative case
    whose headers were made invalid (the key left out or malformed): replacing those would send valid data as
    if it were invalid, and the service must refuse them as they are (401)."""
    headers = IDENTITY if _headers_made_invalid(case) else {**ADMIN, **IDENTITY}
    case.call_and_validate(headers=headers)


def _headers_made_invalid(case: schemathesis.Case) -> bool:
    header = case.meta.components.get(ParameterLocation.HEADER) if case.meta is not None else None
    return header is not None and header.mode is GenerationMode.NEGATIVE


def _case(path: str, method: str, **parts: Any) -> schemathesis.Case:
    return SCHEMA[path][method].Case(**parts)


def test_an_invalid_draft_answers_findings_the_document_allows() -> None:
    draft = keyed_client(APP).get("/v1/rules/tables/pricing").get_json()["versions"][-1]["content"]
    draft["hit_policy"] = "UNIQUE"  # overlapping rows: a 422 with findings
    case = _case("/v1/rules/tables/{key}/validate", "POST", path_parameters={"key": "pricing"}, body=draft)
    response = case.call(headers=ADMIN)
    assert response.status_code == 422 and response.json()["findings"]
    case.validate_response(response)


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({"Content-Type": "text/plain"}, b"{}", 415),
        ({"Content-Type": "application/json", "Content-Encoding": "gzip"}, gzip.compress(b"{}"), 415),
        ({"Content-Type": "application/json"}, b"{", 400),
        ({"Content-Type": "application/json"}, b'{"a": 1, "a": 2}', 422),
    ],
)
@pytest.mark.parametrize(
    "path", ["/v1/allocations", "/v1/rules/tables/{key}/evaluate", "/v1/rules/tables/{key}/validate"]
)
def test_body_problems_are_documented_for_every_endpoint_that_reads_one(
    path: str, headers: dict[str, str], body: bytes, status: int
) -> None:
    documented = SCHEMA[path]["POST"].definition.raw["responses"]
    assert str(status) in documented
    url = path.replace("{key}", "credit")
    response = keyed_client(APP).post(url, data=body, headers=headers)
    assert response.status_code == status and response.mimetype == "application/problem+json"


def test_an_order_refused_for_its_size_answers_what_the_document_allows() -> None:
    small = create_app(memory_config(MAX_CANDIDATES_PER_SECOND=1), clock=FixedClock(TODAY))
    body = keyed_client(small).get("/openapi.json").get_json()["paths"]["/v1/allocations"]["post"]
    example = body["requestBody"]["content"]["application/json"]["example"]
    case = schemathesis.openapi.from_wsgi("/openapi.json", small)["/v1/allocations"]["POST"].Case(body=example)
    response = case.call(headers={"Authorization": f"Bearer {new_key(small)}"})
    assert response.status_code == 413 and response.json()["candidates"] > 1
    case.validate_response(response)
