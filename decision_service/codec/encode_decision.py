"""An `OrderDecision` to JSON: the allocation (`encode_allocation.allocation_body`) with credit, pricing,
exceptions, each rule decision's compact explanation, the rule and software versions.

An answer in `summary` or `none` detail is that body shown by `explain_detail.shown_body`.
"""

from __future__ import annotations

from typing import Any

import orjson

from decision_service.codec.encode_allocation import allocation_body
from decision_service.codec.explain_detail import shown_body
from decision_service.orders.decision import (
    CreditOutcome,
    ExceptionOutcome,
    OrderDecision,
    PricingOutcome,
    Rejection,
    RuleRef,
)
from decision_service.orders.request import ExplainDetail


def decision_json(decision: OrderDecision, detail: ExplainDetail = ExplainDetail.FULL) -> bytes:
    """The decision as a compact JSON document (orjson: a tenth of the stdlib's time on a 50 KB decision)."""
    return orjson.dumps(decision_body(decision, detail))


def decision_body(decision: OrderDecision, detail: ExplainDetail = ExplainDetail.FULL) -> dict[str, Any]:
    """The decision as values orjson writes as the API's JSON, its line explanations shown in `detail`."""
    body = allocation_body(decision.allocation)
    rejections = {r.line: _rejection(r) for r in decision.rejections}
    for line in body["lines"]:
        line["rejection"] = rejections.get(line["line"])
    body["held"] = decision.held
    body["credit"] = _credit(decision.credit)
    body["pricing"] = [_pricing(p) for p in decision.pricing]
    body["exceptions"] = [_exception(e) for e in decision.exceptions]
    body["rules_versions"] = dict(decision.rules_versions)
    body["versions"] = dict(decision.versions)
    return shown_body(body, detail)


def rule_ref(r: RuleRef) -> dict[str, Any]:
    """Table, version, selected rule, its policy text and the decisive cells."""
    cells = [{"column": c.column, "test": c.test, "value": c.value} for c in r.cells]
    return {"table": r.table, "version": r.version, "rule": r.rule, "policy": r.policy, "cells": cells}


def _rejection(r: Rejection) -> dict[str, Any]:
    return {"table": r.table, "rule": r.rule, "version": r.version, "reason": r.reason, "text": r.text}


def _credit(c: CreditOutcome) -> dict[str, Any]:
    return {"action": c.action, "owner_role": c.owner_role, "reason": c.reason, "inputs": c.inputs,
            "explanation": rule_ref(c.explanation)}  # fmt: skip


def _pricing(p: PricingOutcome) -> dict[str, Any]:
    return {"line": p.line, "decision": p.decision, "approver_role": p.approver_role, "reason": p.reason,
            "allocated": not p.rejected, "inputs": p.inputs, "explanation": rule_ref(p.explanation)}  # fmt: skip


def _exception(e: ExceptionOutcome) -> dict[str, Any]:
    return {
        "type": e.type, "lines": list(e.lines), "qty": e.qty, "value_at_risk": e.value_at_risk,
        "days_late": e.days_late, "detail": e.detail, "severity": e.severity, "owner_role": e.owner_role,
        "sla_hours": e.sla_hours, "suggested_action": e.suggested_action, "explanation": rule_ref(e.explanation),
    }  # fmt: skip
