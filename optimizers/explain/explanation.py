"""The decision's explanation: per line candidates and backorders, per decision levels and binding constraints."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain

import numpy as np

from optimizers.candidates.candidate_set import CandidateSet
from optimizers.decision import (
    BindingItem,
    Candidate,
    DecisionExplanation,
    LineDecision,
    LineExplanation,
    ObjectiveLevel,
    SolveStatus,
)
from optimizers.explain.backorders import backorder_explanation, what_if
from optimizers.explain.lines import (
    arc_candidates,
    facts,
    reason_counts,
    summary_needed,
)
from optimizers.explain.solved import Solved
from optimizers.explain.usage import Usage, usage

TIE_BREAK_TEXT = (
    "level 4 minimises sum(qty * tie_cost), tie_cost = days from as_of to delivery + substitute rank "
    "+ 1 if via a lane + 1 if intercompany; remaining ties follow the canonical order of supply and routes"
)


def explain_decision(
    solved: Solved, lines: tuple[LineDecision, ...], brief: bool = False
) -> tuple[DecisionExplanation, tuple[LineDecision, ...]]:
    """Attach a line explanation to every line and build the decision-level explanation.

    Above `SUMMARY_ABOVE_LINES` lines, or when `brief` (the time limit leaves no time to list them), a line
    keeps its used candidates in full and counts the others by reason; backorders are always explained.
    """
    cs, x = solved.cs, solved.x
    u = usage(cs, x)
    degraded = solved.outcome.status != SolveStatus.OPTIMAL
    none: tuple[Candidate, ...] = ()
    known = facts(cs, x, u, degraded)
    by_time = brief and not summary_needed(len(lines))
    brief = brief or summary_needed(len(lines))
    shown = np.flatnonzero(x) if brief else np.arange(len(cs.arcs))
    candidates = arc_candidates(cs, known, u, x, shown)
    first = np.searchsorted(cs.arcs.line[shown], np.arange(len(lines) + 1)).tolist()
    counts = reason_counts(cs, known, x) if brief else None
    wi = what_if(cs, u)
    seen: dict[tuple[tuple[str, int], ...], dict[str, int]] = {}
    out = []
    for li, ld in enumerate(lines):
        refused = [cs.refused.get(item, none) for item, _ in cs.usable_items[li]]
        kept: tuple[Candidate, ...]
        tally: tuple[tuple[str, int], ...] = ()
        if counts is not None:
            kept = tuple(candidates[first[li] : first[li + 1]])
            tally = _tally(counts[li], _refused_reasons(seen, cs, li), cs.barred[li])
        else:
            parts: list[Sequence[Candidate]] = [candidates[first[li] : first[li + 1]]]
            parts += refused
            parts.append(cs.barred[li])
            kept = tuple(chain.from_iterable(parts))
        back = None
        if ld.backorder_qty:
            rejected = [*chain.from_iterable(refused), *cs.barred[li]]
            back = backorder_explanation(cs, u, ld, li, rejected, degraded, wi)
        out.append(ld._replace(explanation=LineExplanation(kept, back, brief, tally)))
    return _decision_explanation(solved, u, brief, by_time), tuple(out)


def _refused_reasons(
    seen: dict[tuple[tuple[str, int], ...], dict[str, int]], cs: CandidateSet, li: int
) -> dict[str, int]:
    """The refused supply of a line's usable items counted by reason; lines with the same items share it."""
    usable = cs.usable_items[li]
    tally = seen.get(usable)
    if tally is None:
        tally = seen[usable] = Counter(r.reason.value for item, _ in usable for r in cs.refused.get(item, ()))
    return tally


def _tally(arcs: Counter[str], refused: dict[str, int], barred: tuple[Candidate, ...]) -> tuple[tuple[str, int], ...]:
    total = dict(arcs)
    for reason, count in refused.items():
        total[reason] = total.get(reason, 0) + count
    for r in barred:
        total[r.reason.value] = total.get(r.reason.value, 0) + 1
    return tuple(sorted(total.items()))


def _decision_explanation(solved: Solved, u: Usage, brief: bool, by_time: bool) -> DecisionExplanation:
    values = solved.objective
    numbers = (values.on_time_units, values.units, values.margin, values.tie_break)
    levels = tuple(
        ObjectiveLevel(lv.level, lv.name, lv.sense, numbers[lv.level - 1], lv.optimal) for lv in solved.outcome.levels
    )
    out = solved.outcome
    notes = [f"engine {out.engine.value}, {out.solves} solve(s), {out.work} work unit(s)"]
    if brief:
        why = "the time limit left no time to list them" if by_time else "order above 500 lines"
        notes.append(f"candidate lists summarised per line ({why}); backorders are explained in full")
    if out.degraded_reason:
        notes.append(f"degraded ({out.degraded_reason.value}): {out.detail or out.degraded_reason.value}")
    return DecisionExplanation(levels, binding_constraints(solved.cs, u), TIE_BREAK_TEXT, tuple(notes))


def binding_constraints(cs: CandidateSet, u: Usage) -> tuple[BindingItem, ...]:
    """Supply pools, lanes and the shipment limit that the decision uses to the full."""
    out = []
    for n in np.flatnonzero((u.node_used > 0) & (u.node_left <= 0)).tolist():
        node = cs.nodes[n]
        subject = f"{node.item}@{node.location} {node.source} {node.available_date.isoformat()}"
        detail = f"{node.protected} units protected for higher tiers" if node.protected else ""
        out.append(BindingItem("supply", subject, node.qty, int(u.node_used[n]), detail))
    for k in np.flatnonzero(u.lane_full).tolist():
        frm, to, cap = cs.lanes[k]
        out.append(BindingItem("lane_capacity", f"{frm}->{to}", cap or 0, int(u.lane_used[k]), ""))
    limit = cs.max_shipments
    if u.shipments_full and limit is not None:
        shipped = "ships from " + ", ".join(sorted(u.ship_from))
        out.append(BindingItem("shipment_limit", cs.problem.order.customer, limit, len(u.ship_from), shipped))
    return tuple(out)
