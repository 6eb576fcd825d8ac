"""The real OR-Tools engine behind `POST /v1/allocations`: the spec's response fields, validated decisions,
and a request that means the same thing answering the same decision."""

from __future__ import annotations

import gzip
import json
import random
from typing import Any

import pytest
from flask.testing import FlaskClient

from scenarios import examples
from tests.api.conftest import decided_and_validated


def _decide(client: FlaskClient, body: Any) -> dict[str, Any]:
    return decided_and_validated(client, body)


def test_spec_example_decision(engine_client: FlaskClient, spec_request: dict[str, Any]) -> None:
    spec_request["explain"] = "full"
    d = _decide(engine_client, spec_request)
    assert (d["order_id"], d["as_of"], d["status"]) == ("SO-1001", "2026-11-23", "complete")
    assert d["input_hash"].startswith("sha256:") and len(d["decision_id"]) == 32
    (line,) = d["lines"]
    assert (line["line"], line["item"], line["requested_qty"], line["allocated_qty"], line["backorder_qty"]) == (
        1, "SKU-1", 40, 40, 0,
    )  # fmt: skip
    first = line["fills"][0]
    assert first["location"] == "WH-EAST" and first["via_lane"] is None and first["qty"] == 25
    assert (first["source"], first["available_date"], first["delivery_date"]) == ("stock", "2026-11-23", "2026-11-24")
    assert first["on_time"] is True and first["unit_margin"] == 4.0 and first["intercompany"] is False
    assert d["objective"]["on_time_units"] == 25 and d["objective"]["units"] == 40
    assert d["objective"]["margin"] == 160.0
    assert d["solver"]["status"] == "OPTIMAL" and d["solver"]["engine"]
    assert any(c["reason"] == "NOT_SELLABLE_STATUS" for c in line["explanation"]["candidates"])
    assert [lv["name"] for lv in d["explanation"]["levels"]][:3] == ["on_time_units", "units", "margin"]


def test_shortage_is_backordered_with_its_reason(engine_client: FlaskClient, spec_request: dict[str, Any]) -> None:
    spec_request["network"]["inbound"] = []
    d = _decide(engine_client, spec_request)
    (line,) = d["lines"]
    assert d["status"] == "partial" and line["allocated_qty"] == 25 and line["backorder_qty"] == 15
    assert line["explanation"]["backorder"]["qty"] == 15


def test_same_meaning_same_decision(engine_client: FlaskClient, spec_request: dict[str, Any]) -> None:
    shuffled = json.dumps(_shuffled(spec_request, random.Random(7)), indent=3)
    a, b = _decide(engine_client, spec_request), _decide(engine_client, shuffled)
    assert a["input_hash"] == b["input_hash"] and a["decision_id"] != b["decision_id"]
    assert a["lines"] == b["lines"] and a["objective"] == b["objective"]


def _shuffled(node: Any, rng: random.Random) -> Any:
    """The same JSON document with the keys of every object in another order."""
    if isinstance(node, dict):
        keys = list(node)
        rng.shuffle(keys)
        return {k: _shuffled(node[k], rng) for k in keys}
    if isinstance(node, list):
        return [_shuffled(v, rng) for v in node]
    return node


@pytest.mark.parametrize("name", ["small", "warehouse_closed", "regional_shortage"])
def test_committed_scenarios_decide_and_validate(engine_client: FlaskClient, name: str) -> None:
    body = examples.load_request(name)
    d = _decide(engine_client, body)
    assert len(d["lines"]) == len(body["order"]["lines"])
    assert d["objective"]["units"] == sum(f["qty"] for line in d["lines"] for f in line["fills"])


def test_explain_detail_changes_what_is_shown_and_nothing_else(
    engine_client: FlaskClient, spec_request: dict[str, Any]
) -> None:
    answers = {
        detail: _decide(engine_client, {**spec_request, "explain": detail}) for detail in ("full", "summary", "none")
    }
    full, summary, none = (answers[k] for k in ("full", "summary", "none"))
    assert full["input_hash"] == summary["input_hash"] == none["input_hash"]
    strip = ("decision_id", "lines", "solver", "pricing", "exceptions")
    assert {k: v for k, v in full.items() if k not in strip} == {k: v for k, v in none.items() if k not in strip}
    for key in ("pricing", "exceptions"):  # the rule decisions are the same; summary and none name table and row
        assert [{**e, "explanation": None} for e in full[key]] == [{**e, "explanation": None} for e in none[key]]
        for whole, short, brief in zip(full[key], summary[key], none[key], strict=True):
            named = {k: whole["explanation"][k] for k in ("table", "rule")}
            assert short["explanation"] == brief["explanation"] == named
            assert whole["explanation"]["version"] == full["rules_versions"][whole["explanation"]["table"]]
    assert [f for ln in full["lines"] for f in ln["fills"]] == [f for ln in none["lines"] for f in ln["fills"]]
    (line,) = summary["lines"]
    counts = line["explanation"]["reason_counts"]
    assert line["explanation"]["summarised"] is True and counts["NOT_SELLABLE_STATUS"] == 1
    assert counts["USED"] == len(line["fills"]) and line["explanation"]["candidates"] == []
    assert none["lines"][0]["explanation"] is None and none["explanation"]["levels"]


def test_the_default_answer_for_200_lines_is_under_300_kb_a_quarter_of_full_with_backorders_in_full(
    engine_client: FlaskClient,
) -> None:
    """Uncompressed the default answer is about 290 KB, not tens of kilobytes: that holds only on the wire,
    compressed (the next test). Most of it is the spec's fills, then pricing and exceptions, not candidates."""
    body = examples.load_request("medium")
    body.pop("explain", None)  # the default
    summary = engine_client.post("/v1/allocations", json=body)
    full = engine_client.post("/v1/allocations", json={**body, "explain": "full"})
    assert summary.status_code == full.status_code == 200
    assert len(summary.data) < 300_000 and len(full.data) > 4 * len(summary.data)
    short, whole = summary.get_json(), full.get_json()
    backordered = [n for n, line in enumerate(whole["lines"]) if line["backorder_qty"]]
    assert backordered and all(
        short["lines"][n]["explanation"]["backorder"] == whole["lines"][n]["explanation"]["backorder"]
        for n in backordered
    )


def test_a_200_line_answer_travels_in_tens_of_kilobytes_to_a_client_that_accepts_compression(
    engine_client: FlaskClient,
) -> None:
    body = examples.load_request("medium")
    plain = engine_client.post("/v1/allocations", json=body)
    squeezed = engine_client.post("/v1/allocations", json=body, headers={"Accept-Encoding": "gzip"})
    assert squeezed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in squeezed.headers["Vary"]
    assert len(squeezed.data) < 50_000 < len(plain.data) and "Content-Encoding" not in plain.headers
    unpacked, answer = json.loads(gzip.decompress(squeezed.data)), plain.get_json()
    assert {k: v for k, v in unpacked.items() if k not in ("decision_id", "solver")} == {
        k: v for k, v in answer.items() if k not in ("decision_id", "solver")
    }
