"""The order decision: every final figure of one order, as plain immutable records.

`OrderDecision` is what every entry point answers and what the decision record will keep: the allocation of
the order *as requested* (a line whose price was rejected keeps its requested quantity, allocates nothing,
backorders all of it and is explained by `PRICE_REJECTED`), the credit and pricing decisions, the classified
exceptions, the rule versions, the software versions and `input_hash`. It holds values only (no compiled
tables, no callables), so the codec writes it to JSON and reads the same object back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from optimizers.decision import AllocationDecision


class RuleCell(NamedTuple):
    """One decisive cell of a selected row: the input column, its test and the value it tested."""

    column: str
    test: str
    value: Any


@dataclass(frozen=True, slots=True)
class RuleRef:
    """Which row of which table version decided, its policy text and the cells that decided."""

    table: str
    version: str
    rule: str | None
    policy: str | None
    cells: tuple[RuleCell, ...] = ()


@dataclass(frozen=True, slots=True)
class CreditOutcome:
    """The credit table's decision on this order and the inputs it was derived from."""

    action: str  # release, hold or review
    owner_role: str
    reason: str
    inputs: dict[str, Any]
    explanation: RuleRef

    @property
    def held(self) -> bool:
        """Whether the order waits for credit release."""
        return self.action == "hold"


@dataclass(frozen=True, slots=True)
class PricingOutcome:
    """The pricing table's decision on one line; a rejected line is not allocated."""

    line: int
    decision: str  # approve, needs_approval or reject
    approver_role: str | None
    reason: str
    inputs: dict[str, Any]
    explanation: RuleRef

    @property
    def rejected(self) -> bool:
        """Whether the line is kept out of the allocation."""
        return self.decision == "reject"


@dataclass(frozen=True, slots=True)
class ExceptionOutcome:
    """One exception the decision raised, classified by the exception severity table."""

    type: str
    lines: tuple[int, ...]
    qty: int
    value_at_risk: float
    days_late: int
    detail: str
    severity: str
    owner_role: str
    sla_hours: int
    suggested_action: str
    explanation: RuleRef


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a line was not allocated at all: the pricing rule that rejected its price."""

    line: int
    table: str
    rule: str
    version: str
    reason: str
    text: str


@dataclass(frozen=True, slots=True)
class OrderDecision:
    """One order's decision, final: the allocation of the order as requested and the rules' decisions."""

    allocation: AllocationDecision  # carries decision_id, status, lines, objective, solver and input_hash
    credit: CreditOutcome
    pricing: tuple[PricingOutcome, ...]
    exceptions: tuple[ExceptionOutcome, ...]
    rejections: tuple[Rejection, ...]
    rules_versions: dict[str, str]  # table key -> version hash in force on the order's as_of
    versions: dict[str, str]  # the service and the libraries that decided (decision_service, ortools, ...)

    @property
    def held(self) -> bool:
        """Whether credit holds the order (its allocation is what would ship once released)."""
        return self.credit.held

    @property
    def input_hash(self) -> str:
        """The digest of the request as decided (`orders.hashing`)."""
        return self.allocation.input_hash

    @property
    def proven(self) -> bool:
        """Whether every objective level was proven optimal: such a decision replays bit for bit anywhere."""
        return self.allocation.solver.proven
