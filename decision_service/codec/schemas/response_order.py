"""The order decision `POST /v1/allocations` answers: the allocation decision (`response.DecisionSchema`) with
the credit, pricing and exception rules' decisions, the rule and software versions; loads into `OrderDecision`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from marshmallow import Schema, fields, post_load, validate

from decision_service.codec.schemas.records import RecordSchema
from decision_service.codec.schemas.response import Bool, DecisionSchema, Int, LineDecisionSchema, Num, Str
from decision_service.orders.decision import (
    CreditOutcome,
    ExceptionOutcome,
    OrderDecision,
    PricingOutcome,
    Rejection,
    RuleCell,
    RuleRef,
)
from optimizers.decision import AllocationDecision, LineDecision


class RuleCellSchema(RecordSchema):
    RECORD = RuleCell

    column = Str(required=True)
    test = Str(required=True)
    value = fields.Raw(required=True, allow_none=True, metadata={"description": "The input value tested."})


class RuleRefSchema(RecordSchema):
    """The compact explanation of one table evaluation; the full one is `POST /v1/rules/tables/{key}/evaluate`.
    A line's pricing and an exception name only `table` and `rule` unless the request asked `explain: full`."""

    RECORD = RuleRef
    FULL_ONLY = "Given with `explain: full` (and always for credit)"

    table = Str(required=True)
    rule = Str(allow_none=True, required=True, metadata={"description": "Id of the selected row."})
    version = Str(load_default="", metadata={"description": f"Content hash of the table version. {FULL_ONLY}; "
                                             "otherwise the decision's `rules_versions` gives it."})  # fmt: skip
    policy = Str(allow_none=True, load_default=None,
                 metadata={"description": f"The row's reason (policy text). {FULL_ONLY}."})  # fmt: skip
    cells = fields.List(fields.Nested(RuleCellSchema), load_default=list,
                        metadata={"description": f"Decisive cells. {FULL_ONLY}."})  # fmt: skip


class RejectionSchema(Schema):
    table = Str(required=True)
    rule = Str(required=True)
    version = Str(required=True)
    reason = Str(required=True)
    text = Str(required=True)


class OrderLineDecisionSchema(LineDecisionSchema):
    rejection = fields.Nested(
        RejectionSchema, allow_none=True, required=True, metadata={"description": "Set when the price was rejected."}
    )

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> tuple[LineDecision, Rejection | None]:
        """The line and, when its price was rejected, the rejection."""
        rejection = data.pop("rejection")
        line: LineDecision = super().make(data)
        return line, None if rejection is None else Rejection(line.line, **rejection)


class CreditSchema(RecordSchema):
    RECORD = CreditOutcome

    action = Str(required=True, metadata={"description": "release, hold or review"})
    owner_role = Str(required=True)
    reason = Str(required=True)
    inputs = fields.Dict(required=True, metadata={"description": "The credit table's inputs as derived."})
    explanation = fields.Nested(RuleRefSchema, required=True)


class LinePricingSchema(RecordSchema):
    RECORD = PricingOutcome

    line = Int(required=True)
    decision = Str(required=True, metadata={"description": "approve, needs_approval or reject"})
    approver_role = Str(allow_none=True, required=True)
    reason = Str(required=True)
    allocated = Bool(required=True, metadata={"description": "False when the price was rejected."})
    inputs = fields.Dict(required=True)
    explanation = fields.Nested(RuleRefSchema, required=True)

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> PricingOutcome:
        """The pricing decision (`allocated` is derived from it)."""
        data.pop("allocated")
        outcome: PricingOutcome = super().make(data)
        return outcome


class OrderExceptionSchema(RecordSchema):
    RECORD = ExceptionOutcome

    type = Str(required=True)
    lines = fields.List(Int(), required=True)
    qty = Int(required=True)
    value_at_risk = Num(required=True)
    days_late = Int(required=True)
    detail = Str(required=True)
    severity = Str(required=True, validate=validate.OneOf(["critical", "high", "medium", "low"]))
    owner_role = Str(required=True)
    sla_hours = Int(required=True)
    suggested_action = Str(required=True)
    explanation = fields.Nested(RuleRefSchema, required=True)


ORDER_FIELDS = ("held", "credit", "pricing", "exceptions", "rules_versions", "versions")


class OrderDecisionSchema(DecisionSchema):
    """The order decision: the allocation of the order as requested, and the rules' decisions around it."""

    lines = fields.List(fields.Nested(OrderLineDecisionSchema), required=True)
    held = Bool(required=True, metadata={"description": "Credit holds the order; the allocation is what would ship."})
    credit = fields.Nested(CreditSchema, required=True)
    pricing = fields.List(fields.Nested(LinePricingSchema), required=True)
    exceptions = fields.List(fields.Nested(OrderExceptionSchema), required=True)
    rules_versions = fields.Dict(
        keys=Str(), values=Str(), required=True, metadata={"description": "Table key -> version hash used."}
    )
    versions = fields.Dict(
        keys=Str(), values=Str(), required=True, metadata={"description": "The service and libraries that decided."}
    )

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> OrderDecision:
        """The `OrderDecision` this JSON describes."""
        order = {key: data.pop(key) for key in ORDER_FIELDS}
        lines = data.pop("lines")
        allocation: AllocationDecision = super().make({**data, "lines": [line for line, _ in lines]})
        versioned = _with_version(order["rules_versions"])
        return OrderDecision(
            allocation=allocation,
            credit=order["credit"],
            pricing=tuple(replace(p, explanation=versioned(p.explanation)) for p in order["pricing"]),
            exceptions=tuple(replace(e, explanation=versioned(e.explanation)) for e in order["exceptions"]),
            rejections=tuple(r for _, r in lines if r is not None),
            rules_versions=order["rules_versions"],
            versions=order["versions"],
        )


def _with_version(versions: dict[str, str]) -> Callable[[RuleRef], RuleRef]:
    """A brief rule reference (no version) completed with the version of its table the decision used."""

    def versioned(ref: RuleRef) -> RuleRef:
        return ref if ref.version else replace(ref, version=versions.get(ref.table, ""))

    return versioned
