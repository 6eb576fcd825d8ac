"""What the decision log keeps of an order decision: its facets, and a record whose chain hash covers it all."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import orjson

from decision_service.codec.encode_decision import decision_json
from decision_service.orders.log import GENESIS, chain_hash
from decision_service.orders.record import facets_of, record_of
from decision_service.orders.request import OrderRequest
from tests.unit.order_policy_fixtures import decided, every_exception_problem, terms

DECISION = decided(OrderRequest(every_exception_problem(), terms()))


def test_facets_answer_an_auditors_questions() -> None:
    facets = dict.fromkeys(facets_of(DECISION, "C-1"))
    by_name: dict[str, set[str]] = {}
    for name, value in facets:
        by_name.setdefault(name, set()).add(value)
    assert by_name["order_id"] == {"SO-1"} and by_name["customer"] == {"C-1"} and by_name["held"] == {"true"}
    assert {"credit_hold", "backorder", "shortage", "margin_below_floor"} <= by_name["exception"]
    assert {"PRICE_REJECTED"} <= by_name["reason"] and "CR-03" in by_name["rule"] and "PR-01" in by_name["rule"]
    assert {"A", "C", "C2"} <= by_name["item"]  # ordered items and the substitute shipped
    assert by_name["severity"] <= {"critical", "high", "medium", "low"}


def test_the_record_hash_covers_every_field() -> None:
    response = orjson.loads(decision_json(DECISION))
    at = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    record = record_of(DECISION, '{"order": {}}', response, actor="erp-east", customer="C-1", at=at)
    base = chain_hash(GENESIS, record.content())
    variants = [
        replace(record, actor="erp-west"),
        replace(record, request='{"order": {} }'),
        replace(record, recorded_at=at.replace(second=1)),
        replace(record, rules_versions={**record.rules_versions, "credit": "x"}),
        replace(record, facets=record.facets[1:]),
    ]
    assert all(chain_hash(GENESIS, v.content()) != base for v in variants)
    assert chain_hash("sha256:" + "1" * 64, record.content()) != base
