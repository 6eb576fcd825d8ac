"""The order-level rules on every order of a run (`decision_service.runs.policy`): remembered answers are the
tables' own, whatever the memory held before, and a table's other version is asked again."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from decision_service.codec.encode_run import input_body
from decision_service.orders.pinned import PinnedRules
from decision_service.orders.ports import Ports
from decision_service.runs.policy import Remembered
from decision_service.runs.service import read_run
from scenarios.orderbook import order_book


def _book() -> dict[str, Any]:
    """A generated book where the pricing table rejects some lines and the credit table holds some orders."""
    body = input_body(order_book(4, 120, 20, 4))
    for k, o in enumerate(body["orders"][:12]):
        o["lines"][0].update(unit_price=1000, list_price=10_000 + k)  # far under list: rejected
    for c in body["network"]["customers"][:3]:
        c.update(credit_limit=1, open_balance=5000)  # far over the limit: held unless strategic
    return body


def _outcome(data: dict[str, Any]) -> list[tuple[str, bool, tuple[str | None, ...]]]:
    problem, _ = read_run(data, Ports.default())
    return [(o.id, o.held, tuple(ln.rejection for ln in o.lines)) for o in problem.orders]


def test_remembered_answers_are_the_tables_own() -> None:
    body = _book()
    Remembered._memory.clear()
    cold = _outcome(body)
    assert any(held for _, held, _ in cold) and any(r for *_, rs in cold for r in rs)
    assert Remembered._memory  # the run's questions are remembered
    assert _outcome(body) == cold  # answered from memory
    Remembered._memory.clear()
    assert _outcome(body) == cold


def test_a_changed_input_or_table_version_is_asked_again() -> None:
    pinned = PinnedRules.of(Ports.default().rules, order_book(4, 10, 5, 2).as_of)
    rules = Remembered(pinned)
    inputs = {"price_variance_pct": -90.0, "unit_margin_pct": 5.0, "channel": "edi", "tier": "gold"}
    rejected = rules.evaluate("pricing", inputs)
    assert rejected.value["decision"] == "reject"
    assert rules.evaluate("pricing", {**inputs, "price_variance_pct": 0.0}).value["decision"] != "reject"
    other = replace(pinned.versions["pricing"], version="another version")
    renamed = Remembered(PinnedRules({**pinned.versions, "pricing": other}, pinned.day))
    before = len(Remembered._memory)
    renamed.evaluate("pricing", inputs)
    assert len(Remembered._memory) == before + 1  # the same inputs, another version: a question of its own
