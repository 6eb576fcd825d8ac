"""`input_hash` identifies the request as decided: everything that can change the decision, nothing else."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date
from typing import Any

from hypothesis import given, settings

from decision_service.codec.defaults import RequestDefaults, request_defaults
from decision_service.codec.encode_request import request_body
from decision_service.codec.schemas.request import load_request
from decision_service.orders.hashing import request_hash
from decision_service.orders.request import CustomerCredit, LinePrices, OrderRequest, OrderTerms
from tests import strategies
from tests.unit.order_policy_fixtures import every_exception_problem

BASE = OrderRequest(every_exception_problem(), OrderTerms("direct", (CustomerCredit("C-1", 100.0),), ()))


def _with_policy(request: OrderRequest, **changes: Any) -> OrderRequest:
    problem = request.problem
    return replace(request, problem=replace(problem, policy=replace(problem.policy, **changes)))


def test_every_commercial_term_changes_the_hash() -> None:
    variants = [
        OrderTerms("edi", BASE.terms.credit, ()),
        OrderTerms("direct", (CustomerCredit("C-1", 101.0),), ()),
        OrderTerms("direct", (CustomerCredit("C-1", 100.0, open_balance=5.0),), ()),
        OrderTerms("direct", (CustomerCredit("C-1", 100.0, days_overdue=1),), ()),
        OrderTerms("direct", (CustomerCredit("C-1", 100.0, risk_score=10.0),), ()),
        OrderTerms("direct", (CustomerCredit("C-1", 100.0, contractual_penalty=True),), ()),
        OrderTerms("direct", BASE.terms.credit, (LinePrices(1, list_price=12.0),)),
        OrderTerms("direct", BASE.terms.credit, (LinePrices(1, contract_price=12.0),)),
    ]
    hashes = {request_hash(replace(BASE, terms=terms)) for terms in variants} | {request_hash(BASE)}
    assert len(hashes) == len(variants) + 1


def test_the_work_limit_changes_it_and_the_wall_clock_limit_does_not() -> None:
    assert request_hash(_with_policy(BASE, time_limit_ms=5)) == request_hash(BASE)
    assert request_hash(_with_policy(BASE, work_limit=50)) != request_hash(BASE)


def test_an_explicit_default_hashes_as_the_default_left_out() -> None:
    body = request_body(BASE)
    bare = json.loads(json.dumps(body))
    del bare["as_of"], bare["order"]["channel"], bare["policy"]
    for line in bare["order"]["lines"]:
        del line["list_price"], line["contract_price"], line["allow_substitution"]
    with request_defaults(RequestDefaults(today=lambda: date(2026, 11, 23), time_limit_ms=250)):
        assert request_hash(load_request(bare)) == request_hash(load_request(body))


@settings(max_examples=40, deadline=None)
@given(strategies.order_requests(max_lines=5))
def test_key_order_whitespace_and_list_order_do_not_change_it(request: OrderRequest) -> None:
    body = request_body(request)
    rng = random.Random(7)
    shuffled = _shuffled(body, rng)
    text = json.dumps(shuffled, indent=3, sort_keys=True)
    assert request_hash(load_request(json.loads(text))) == request_hash(load_request(body)) == request_hash(request)


def _shuffled(node: Any, rng: random.Random) -> Any:
    """The same JSON with every list but `policy.tiers` (a ranking) shuffled and every object's keys reordered."""
    if isinstance(node, dict):
        keys = list(node)
        rng.shuffle(keys)
        return {k: node[k] if k == "tiers" else _shuffled(node[k], rng) for k in keys}
    if isinstance(node, list):
        items = [_shuffled(v, rng) for v in node]
        rng.shuffle(items)
        return items
    return node
