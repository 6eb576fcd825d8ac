"""The order policy service: credit, pricing and exception rules around a real, validated allocation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from decision_service.orders.inputs import (
    PriceBasis,
    exposure_ratio,
    price_variance_pct,
    rule_tier,
    unit_margin_pct,
)
from decision_service.orders.request import CustomerCredit, LinePrices, OrderRequest, OrderTerms
from optimizers.decision import BindingConstraint, DecisionStatus
from optimizers.problem import OrderLine
from rules.errors import InputError
from tests.unit.order_policy_fixtures import RULES, decided, every_exception_problem, terms

EVERY_TYPE = {"shortage", "backorder", "late_promise", "substitution", "transfer", "intercompany_transfer",
              "split_shipment", "credit_hold", "price_variance", "margin_below_floor"}  # fmt: skip


def test_exposure_ratio_counts_the_open_balance_and_this_order() -> None:
    assert exposure_ratio(CustomerCredit("C", 1000.0, open_balance=700.0), 500.0) == 1.2
    assert exposure_ratio(CustomerCredit("C"), 10**6) == 0.0  # no limit recorded
    assert exposure_ratio(CustomerCredit("C", 0.0), 1.0) == 1000.0  # no credit at all: capped
    assert exposure_ratio(CustomerCredit("C", 0.0), 0.0) == 0.0


def test_price_inputs_use_contract_before_list_and_the_cheapest_shipping() -> None:
    problem = every_exception_problem()
    line = OrderLine(1, "A", 1, 8.0)
    assert price_variance_pct(line, LinePrices(1, list_price=10.0, contract_price=8.0)) == 0.0
    assert price_variance_pct(line, LinePrices(1, list_price=10.0)) == -20.0
    assert price_variance_pct(line, LinePrices(1)) == 0.0
    assert unit_margin_pct(line, PriceBasis.of(problem)) == 31.25  # (8 - 5 - 0.5) / 8
    assert unit_margin_pct(line._replace(unit_price=1.0), PriceBasis.of(problem)) == -100.0  # clamped
    assert unit_margin_pct(line._replace(unit_price=0.0), PriceBasis.of(problem)) == -100.0


def test_tiers_outside_the_tables_are_unrated() -> None:
    assert [rule_tier(t) for t in ("gold", None, "platinum")] == ["gold", "none", "none"]


def test_every_exception_type_is_raised_and_classified() -> None:
    result = decided(OrderRequest(every_exception_problem(), terms()))
    by_type = {e.type: e for e in result.exceptions}
    assert set(by_type) == EVERY_TYPE
    for e in result.exceptions:
        assert e.severity in {"critical", "high", "medium", "low"} and e.sla_hours > 0 and e.suggested_action
        assert e.explanation.version == result.rules_versions["exception_severity"]
        assert (e.explanation.rule or "").startswith("EX-")
    assert by_type["shortage"].lines == (2,) and by_type["backorder"].lines == (1,)
    assert by_type["late_promise"].days_late == 8  # inbound +10, transit 1, requested +3
    assert by_type["credit_hold"].owner_role == "finance"
    assert by_type["margin_below_floor"].lines == (7,) and by_type["price_variance"].lines == (8,)


def test_rejected_line_is_backordered_whole_and_explained_by_its_rule() -> None:
    result = decided(OrderRequest(every_exception_problem(), terms()))
    (rejected,) = [p for p in result.pricing if p.rejected]
    assert rejected.line == 7 and rejected.explanation.rule == "PR-01"
    assert rejected.explanation.version == result.rules_versions["pricing"]
    (rejection,) = result.rejections
    assert (rejection.line, rejection.table, rejection.rule) == (7, "pricing", "PR-01")
    line7 = next(line for line in result.allocation.lines if line.line == 7)
    assert (line7.requested_qty, line7.allocated_qty, line7.backorder_qty, line7.fills) == (5, 0, 5, ())
    assert line7.explanation is not None and line7.explanation.backorder is not None
    assert line7.explanation.backorder.binding == BindingConstraint.PRICE_REJECTED
    assert "PR-01" in line7.explanation.backorder.limit and rejection.version[:12] in line7.explanation.backorder.limit
    assert result.allocation.status == DecisionStatus.PARTIAL  # never complete with a line rejected


def test_held_order_is_still_allocated() -> None:
    result = decided(OrderRequest(every_exception_problem(), terms()))
    assert result.held and result.credit.explanation.rule == "CR-03"
    assert result.credit.inputs["exposure_ratio"] > 1.2 and result.credit.inputs["tier"] == "silver"
    assert sum(line.allocated_qty for line in result.allocation.lines) > 0


def test_rejected_lines_do_not_count_towards_credit_exposure() -> None:
    result = decided(OrderRequest(every_exception_problem(), terms()))
    assert result.credit.inputs["order_value"] == 10 * 10 + 5 * 10 * 5 + 5 * 8.5  # line 7 left out


def test_as_of_selects_the_credit_version_of_its_quarter() -> None:
    overdue = terms(credit_limit=None, days_overdue=75)
    now = decided(OrderRequest(every_exception_problem(tier="gold"), overdue))
    before = decided(OrderRequest(every_exception_problem(tier="gold", as_of=date(2026, 5, 15)), overdue))
    assert now.credit.action == "hold" and now.credit.explanation.rule == "CR-01"
    assert before.credit.action == "review" and before.credit.explanation.rule == "CR-06"
    assert now.rules_versions["credit"] != before.rules_versions["credit"]
    assert before.rules_versions["credit"] == RULES.registry.in_force("credit", date(2026, 5, 15)).version


def test_defaults_release_and_approve_a_plain_order() -> None:
    problem = every_exception_problem(tier=None)
    problem = replace(problem, order=replace(problem.order, lines=problem.order.lines[:1]))
    result = decided(OrderRequest(problem))
    assert result.credit.action == "release" and result.credit.inputs["exposure_ratio"] == 0.0
    assert [p.decision for p in result.pricing] == ["approve"] and not result.held


def test_no_rules_in_force_names_as_of() -> None:
    with pytest.raises(InputError) as caught:
        decided(OrderRequest(every_exception_problem(as_of=date(2025, 6, 1))))
    assert caught.value.field == "as_of"


def test_unknown_channel_names_the_request_field() -> None:
    with pytest.raises(InputError) as caught:
        decided(OrderRequest(every_exception_problem(), OrderTerms(channel="telepathy")))
    assert caught.value.field == "order.channel"


def test_terms_keep_only_what_differs_from_the_defaults() -> None:
    kept = OrderTerms.of("edi", (CustomerCredit("C-1"), CustomerCredit("C-2", 5.0)), (LinePrices(1),))
    assert kept == OrderTerms("edi", (CustomerCredit("C-2", 5.0),), ())
