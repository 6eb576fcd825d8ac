"""One order request: the allocation problem and the commercial terms the rules read (credit, prices, channel).

Parsed beside the `AllocationProblem` (never inside it), so the optimizer's types stay as the spec defines
them. Every field is optional in the request; the defaults here are the documented ones (docs/rules.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from optimizers.problem import AllocationProblem

DEFAULT_CHANNEL = "direct"


class ExplainDetail(StrEnum):
    """How much of each line's explanation an answer shows; the decision itself is always fully explained."""

    FULL = "full"  # every candidate supply of every line, with its reason
    SUMMARY = "summary"  # per line the used candidates, the others counted by reason; backorders in full
    NONE = "none"  # no line explanations (the decision-level levels and binding constraints stay)


DEFAULT_EXPLAIN = ExplainDetail.SUMMARY  # what an answer shows when the request does not say


@dataclass(frozen=True, slots=True)
class CustomerCredit:
    """A customer's credit position: limit (None: no limit recorded), open balance, arrears, risk, penalties."""

    customer: str
    credit_limit: float | None = None
    open_balance: float = 0.0
    days_overdue: int = 0
    risk_score: float | None = None
    contractual_penalty: bool = False


@dataclass(frozen=True, slots=True)
class LinePrices:
    """The reference prices of one order line; without both, the line's own price is the reference."""

    line: int
    list_price: float | None = None
    contract_price: float | None = None

    @property
    def reference(self) -> float | None:
        """The contract price when there is one, else the list price, else None."""
        return self.contract_price if self.contract_price is not None else self.list_price


@dataclass(frozen=True, slots=True)
class OrderTerms:
    """The commercial context of one order request."""

    channel: str = DEFAULT_CHANNEL
    credit: tuple[CustomerCredit, ...] = ()
    prices: tuple[LinePrices, ...] = ()

    @classmethod
    def of(cls, channel: str, credit: tuple[CustomerCredit, ...], prices: tuple[LinePrices, ...]) -> OrderTerms:
        """The terms of a request, keeping only the rows that say more than the defaults."""
        kept_credit = tuple(row for row in credit if row != CustomerCredit(row.customer))
        kept_prices = tuple(row for row in prices if row != LinePrices(row.line))
        return cls(channel, kept_credit, kept_prices)

    def credit_of(self, customer: str) -> CustomerCredit:
        """The customer's credit position; a customer sending none has the defaults."""
        for row in self.credit:
            if row.customer == customer:
                return row
        return CustomerCredit(customer)

    def prices_by_line(self) -> dict[int, LinePrices]:
        """Reference prices by line number (build once per order; absent lines take `LinePrices(line)`)."""
        return {row.line: row for row in self.prices}


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """One allocation request: the problem the optimizer solves, the terms the rules read, and how much of the
    explanation the answer shows (presentation only: it never changes the decision or `input_hash`)."""

    problem: AllocationProblem
    terms: OrderTerms = OrderTerms()
    explain: ExplainDetail = ExplainDetail.SUMMARY
