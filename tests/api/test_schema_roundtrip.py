"""Property: every valid request, written as JSON by the codec, loads back unchanged through the schemas and
through the fast reader, and decides (real engine, validated) without error, also when one of its values is
made hostile."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decision_service.codec.encode_request import problem_body, request_body
from decision_service.codec.schemas.request import AllocationRequestSchema, load_request
from decision_service.orders.request import OrderRequest
from optimizers.problem import AllocationProblem
from tests import strategies
from tests.api.test_hostile_input import trees
from tests.api.test_http_errors import URL


class SchemaOnly(AllocationRequestSchema):
    fast_path = False


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.order_requests())
def test_valid_requests_load_back_unchanged_by_either_reader(request: OrderRequest) -> None:
    body = json.loads(json.dumps(request_body(request)))
    assert load_request(body) == request
    assert SchemaOnly().load(body) == request


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(strategies.problems(max_lines=4, max_locations=3, max_items=3), st.data())
def test_hostile_values_never_make_the_engine_fail_the_service(
    engine_client: FlaskClient, problem: AllocationProblem, data: Any
) -> None:
    body = problem_body(problem)
    node, key = _pick(body, data)
    node[key] = data.draw(trees | st.sampled_from([0, 10**9, "2026-11-23", "9000-12-31", "WH-1", "SKU-1"]))
    response = engine_client.post(URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code in {200, 422}, response.data[:1000]


def _pick(body: dict[str, Any], data: Any) -> tuple[Any, Any]:
    """A random (container, key) inside the request, for a value to overwrite."""
    node: Any = body
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            return body, "order"
        key = data.draw(st.sampled_from(keys))
        child = node[key]
        if not isinstance(child, dict | list) or not child or data.draw(st.booleans()):
            return node, key
        node = child
