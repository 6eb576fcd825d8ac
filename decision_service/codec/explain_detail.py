"""How much of a decision's line explanations an answer shows (`ExplainDetail`), without changing the decision.

The order-level service always explains fully, so the decision (and, once kept, its record) holds every
candidate. An answer in `summary` counts each line's candidates by reason (the used ones are the line's
fills, already in the answer) and keeps every backorder's explanation whole: what bound it and the verified
counterfactual. `none` leaves the line explanations out; the decision-level explanation (levels,
binding constraints) stays, and so does a price-rejected line's `rejection`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from decision_service.orders.request import ExplainDetail
from optimizers.decision import AllocationDecision, LineDecision, LineExplanation


def shown(allocation: AllocationDecision, detail: ExplainDetail) -> AllocationDecision:
    """The allocation as an answer in `detail` shows it."""
    if detail is ExplainDetail.FULL:
        return allocation
    if detail is ExplainDetail.NONE:
        lines = tuple(line._replace(explanation=None) for line in allocation.lines)
    else:
        lines = tuple(_summarised(line) for line in allocation.lines)
    return replace(allocation, lines=lines)


def _summarised(line: LineDecision) -> LineDecision:
    e = line.explanation
    if e is None or e.summarised:
        return line
    counts = Counter(c.reason.value for c in e.candidates)
    return line._replace(explanation=LineExplanation((), e.backorder, True, tuple(sorted(counts.items()))))
