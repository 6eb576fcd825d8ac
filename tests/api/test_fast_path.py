"""Property: the fast request converter and the marshmallow schemas agree on every input, so the fast path
changes latency and nothing else."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from decision_service.codec import encode_request as requests
from decision_service.codec.schemas import request as request_module
from decision_service.codec.schemas.request import AllocationRequestSchema
from decision_service.orders.request import OrderRequest
from tests import strategies
from tests.api.conftest import _EXAMPLE
from tests.api.test_hostile_input import PATHS
from tests.api.test_http_errors import URL


class SchemaOnly(AllocationRequestSchema):
    fast_path = False


EDGE_VALUES: list[Any] = [  # one of each way a leaf can be wrong, and a few that are right elsewhere
    None, True, 1, -1, 1.5, Decimal("0.12345"), 10**9 + 1, 60_001, "", "x" * 129, "é", "9001-01-01", "platinum", [],
]  # fmt: skip
PLAUSIBLE = st.sampled_from(EDGE_VALUES) | st.decimals(
    min_value=-10, max_value=10**9 + 1, places=6, allow_nan=False
).map(lambda d: Decimal(str(d)))
# The allocation endpoint reads plain four-place numbers as floats: the float leaves must agree too.
FLOATS = st.floats(min_value=-10, max_value=10**9 + 1, allow_nan=False) | st.decimals(
    min_value=0, max_value=10**9, places=4, allow_nan=False
).map(float)


def _example_at(path: tuple[Any, ...]) -> Any:
    node: Any = _EXAMPLE
    for key in path:
        node = node[key]
    return node


def _outcome(schema: AllocationRequestSchema, data: Any) -> tuple[str, Any]:
    try:
        return "ok", schema.load(data)
    except ValidationError as exc:
        return "invalid", exc.messages


def _mutated(body: dict[str, Any], path: tuple[Any, ...], value: Any, action: str, via_json: bool = True) -> Any:
    body = copy.deepcopy(body)
    node = body
    for key in path[:-1]:
        node = node[key]
    if action == "drop" and isinstance(node, dict):
        del node[path[-1]]
    elif action == "extra" and isinstance(node, dict):
        node["unexpected"] = value
    else:
        node[path[-1]] = value
    if not via_json:
        return body
    return json.loads(json.dumps(body, default=str), parse_float=Decimal)  # as the HTTP parser reads it


AS_PARSED = json.loads(json.dumps(_EXAMPLE), parse_float=Decimal)
LEAVES = [path for path in PATHS if not isinstance(_example_at(path), dict | list)]
ACTIONS = st.sampled_from(["set", "drop", "extra"])
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.sampled_from(PATHS), PLAUSIBLE, ACTIONS)
def test_fast_and_schema_paths_agree_on_the_spec_example(path: tuple[Any, ...], value: Any, action: str) -> None:
    data = _mutated(_EXAMPLE, path, value, action)
    assert _outcome(AllocationRequestSchema(), data) == _outcome(SchemaOnly(), data)


@SETTINGS
@given(st.sampled_from(LEAVES), FLOATS)
def test_fast_and_schema_paths_agree_on_float_leaves(path: tuple[Any, ...], value: float) -> None:
    data = _mutated(AS_PARSED, path, value, "set", via_json=False)
    assert _outcome(AllocationRequestSchema(), data) == _outcome(SchemaOnly(), data)


@pytest.mark.parametrize(
    ("price", "status"),
    [("12.3456", 200), ("12.34567", 422), ("0.10000000000000000001", 422), ("1.2e1", 200), ("12", 200)],
)
def test_allocation_bodies_read_as_floats_keep_exact_places(client: FlaskClient, price: str, status: int) -> None:
    body = json.dumps(_EXAMPLE).replace('"unit_price": 12.5', f'"unit_price": {price}', 1)
    assert body != json.dumps(_EXAMPLE)
    resp = client.post(URL, data=body, content_type="application/json")
    assert resp.status_code == status, resp.get_json()
    if status == 422:
        assert "order.lines[0].unit_price" in json.dumps(resp.get_json())


def test_fast_and_schema_paths_agree_on_every_edge_value_everywhere() -> None:
    mismatches = []
    for path in LEAVES:
        for value in EDGE_VALUES:
            data = _mutated(AS_PARSED, path, value, "set", via_json=False)
            if _outcome(AllocationRequestSchema(), data) != _outcome(SchemaOnly(), data):
                mismatches.append((path, value))
    assert mismatches == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.problems(max_lines=4, max_locations=3, max_items=3))
def test_fast_and_schema_paths_agree_on_valid_problems(problem: Any) -> None:
    data = json.loads(json.dumps(requests.problem_body(problem)), parse_float=Decimal)
    fast, slow = _outcome(AllocationRequestSchema(), data), _outcome(SchemaOnly(), data)
    assert fast == slow == ("ok", OrderRequest(problem))  # no terms sent: all defaults


def test_http_requests_take_the_fast_path(
    client: FlaskClient, spec_request: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Any] = []
    real = request_module.fast_request
    monkeypatch.setattr(request_module, "fast_request", lambda *a: calls.append(a) or real(*a))
    assert client.post(URL, json=spec_request).status_code == 200
    assert len(calls) == 1


WITH_TERMS = copy.deepcopy(AS_PARSED)
WITH_TERMS["order"]["channel"] = "edi"
WITH_TERMS["order"]["lines"][0].update(list_price=Decimal("13.5"), contract_price=12)
WITH_TERMS["network"]["customers"][0].update(
    credit_limit=5000, open_balance=Decimal("120.25"), days_overdue=12, risk_score=Decimal("55.5"),
    contractual_penalty=True,
)  # fmt: skip
TERM_LEAVES = [("order", "channel"), ("order", "lines", 0, "list_price"), ("order", "lines", 0, "contract_price")] + [
    ("network", "customers", 0, name)
    for name in ("credit_limit", "open_balance", "days_overdue", "risk_score", "contractual_penalty")
]


def test_fast_and_schema_paths_agree_on_the_commercial_terms() -> None:
    fast, slow = _outcome(AllocationRequestSchema(), WITH_TERMS), _outcome(SchemaOnly(), WITH_TERMS)
    assert fast == slow and fast[0] == "ok"
    terms = fast[1].terms
    assert terms.channel == "edi" and terms.prices[0].reference == 12.0 and terms.credit[0].risk_score == 55.5
    mismatches = []
    for path in TERM_LEAVES:
        for value in [*EDGE_VALUES, 100, Decimal("100.0001")]:
            for action in ("set", "drop"):
                data = _mutated(WITH_TERMS, path, value, action, via_json=False)
                if _outcome(AllocationRequestSchema(), data) != _outcome(SchemaOnly(), data):
                    mismatches.append((path, value, action))
    assert mismatches == []


@pytest.mark.parametrize(("text", "kind"), [(b"12.5", float), (b"12.34567", Decimal), (b"1e3", Decimal)])
def test_float_reading_is_taken_only_for_plain_four_place_numbers(text: bytes, kind: type) -> None:
    from flask import Flask

    from decision_service.web.parsing import read_json_body

    with Flask(__name__).test_request_context(data=b'{"x": ' + text + b"}", content_type="application/json") as ctx:
        assert type(read_json_body(ctx.request, floats=True)["x"]) is kind
        assert type(read_json_body(ctx.request)["x"]) is Decimal


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=24) | st.text(alphabet='0123456789.eE-+ ,:[]{}"a', max_size=24).map(str.encode))
def test_the_inexact_number_scan_matches_its_regular_expression(raw: bytes) -> None:
    import re

    from decision_service.codec.strict_json import maybe_inexact as _maybe_inexact

    assert _maybe_inexact(raw) == bool(re.search(rb"\d\.\d{5}|\d[eE]", raw))
