"""Property: whatever bytes arrive at `POST /v1/allocations`, the answer is never a 500 and every error is a
problem document. Payloads are random JSON trees, the spec's example with one value made hostile, and raw text."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decision_service.orders.ports import FixedClock
from decision_service.web import create_app
from tests.api.conftest import _EXAMPLE
from tests.api.fakes import TODAY, RecordingDecide, keyed_client, memory_config
from tests.api.test_http_errors import URL

APP = create_app(memory_config(MAX_CONTENT_LENGTH=256 * 1024), clock=FixedClock(TODAY), decide=RecordingDecide())
CLIENT = keyed_client(APP)
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(["2026-02-30", "2026-13-01", "0000-00-00", "9999-12-31", "2026-1-1", "-1", "1e999", "\ud800"]),
    st.sampled_from([1.5, -1, -0.0, 1e308, 5e-324, 10**19, 12.34567, 0.1 + 0.2, "", "x" * 500, "٣", "SKU-1"]),
)
trees = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=25,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = [prefix] if prefix else []
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in children:
        out += _paths(child, (*prefix, key))
    return out


PATHS = _paths(_EXAMPLE)
LITERALS = st.integers(1, 3000).map(lambda n: "[" * n + "1" + "]" * n) | st.sampled_from(
    ["NaN", "Infinity", "-Infinity", "1e999999", "-0", "1E-400", "0x10", "9" * 4400, '"\\ud800"', "[" * 5000, "tru"]
)


def _replaced(path: tuple[Any, ...], value: Any, drop: bool) -> dict[str, Any]:
    request = copy.deepcopy(_EXAMPLE)
    node = request
    for key in path[:-1]:
        node = node[key]
    if drop and isinstance(node, dict):
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return request


def _check(raw: bytes, content_type: str = "application/json") -> None:
    response = CLIENT.post(URL, data=raw, content_type=content_type)
    assert response.status_code in {200, 400, 413, 415, 422}, response.data[:500]
    body = json.loads(response.data)
    if response.status_code != 200:
        assert response.mimetype == "application/problem+json"
        assert body["status"] == response.status_code and body["type"].startswith("urn:decision-service:problem:")


@SETTINGS
@given(trees)
def test_random_json_trees_never_fail_the_service(tree: Any) -> None:
    _check(json.dumps(tree).encode())


@SETTINGS
@given(st.sampled_from(PATHS), trees, st.booleans())
def test_one_hostile_value_in_a_valid_request(path: tuple[Any, ...], value: Any, drop: bool) -> None:
    _check(json.dumps(_replaced(path, value, drop)).encode())


@SETTINGS
@given(st.sampled_from(PATHS), LITERALS)
def test_non_standard_literals_in_a_valid_request(path: tuple[Any, ...], literal: str) -> None:
    marker = "__HOSTILE__"
    text = json.dumps(_replaced(path, marker, drop=False)).replace(json.dumps(marker), literal)
    _check(text.encode())


@SETTINGS
@given(st.binary(max_size=300), st.sampled_from(["application/json", "application/problem+json", "text/plain", ""]))
def test_random_bytes_never_fail_the_service(raw: bytes, content_type: str) -> None:
    _check(raw, content_type)
