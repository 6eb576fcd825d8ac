"""How much of a decision's explanations an answer shows (`ExplainDetail`), without changing the decision.

The order-level service always explains fully, so the decision (and, once kept, its record) holds every
candidate. An answer is its full body shown in the detail asked, whether that body was just written from the
decision (dates and codes as objects) or read back from the log (JSON values):

- `summary` counts each line's candidates by reason (the used ones are the line's fills, already in the answer)
  and keeps every backorder's explanation whole: what bound it and the verified counterfactual; each line's
  pricing decision and each exception name only the rule table and row (the version is the decision's
  `rules_versions`; the credit decision stays whole);
- `none` leaves the line explanations out, and names rules as `summary` does; the decision-level explanation
  (levels, binding constraints) stays, and so does a price-rejected line's `rejection`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from decision_service.orders.request import ExplainDetail

Body = dict[str, Any]


def shown_body(full: Body, detail: ExplainDetail) -> Body:
    """The full body `full` as an answer in `detail` shows it (a new dict; `full` is left as it is)."""
    if detail is ExplainDetail.FULL:
        return full
    line_shown = _summarised if detail is ExplainDetail.SUMMARY else _unexplained
    return {
        **full,
        "lines": [line_shown(line) for line in full["lines"]],
        "pricing": [_brief(p) for p in full["pricing"]],
        "exceptions": [_brief(e) for e in full["exceptions"]],
    }


def _brief(outcome: Body) -> Body:
    """A rule decision whose explanation names only the table and selected row: the rule a reader looks up."""
    ref = outcome["explanation"]
    return {**outcome, "explanation": {"table": ref["table"], "rule": ref["rule"]}}


def _unexplained(line: Body) -> Body:
    return {**line, "explanation": None}


def _summarised(line: Body) -> Body:
    e = line["explanation"]
    if e is None or e["summarised"]:
        return line
    counts = Counter(str(c["reason"]) for c in e["candidates"])
    brief = {
        "candidates": [],
        "backorder": e["backorder"],
        "summarised": True,
        "reason_counts": dict(sorted(counts.items())),
    }
    return {**line, "explanation": brief}
