"""The decision's explanation: per line candidates and backorders, per decision levels and binding constraints."""

from __future__ import annotations

from collections import defaultdict

from optimizers.backorders import backorder_explanation, what_if
from optimizers.candidates import CandidateSet, Rejected
from optimizers.decision import (
    BindingItem,
    DecisionExplanation,
    LineDecision,
    LineExplanation,
    ObjectiveLevel,
    SolveStatus,
)
from optimizers.explain_lines import facts, line_candidates, line_summary, summary_needed
from optimizers.solved import Solved
from optimizers.usage import Usage, usage

TIE_BREAK_TEXT = (
    "level 4 minimises sum(qty * tie_cost), tie_cost = days from as_of to delivery + substitute rank "
    "+ 1 if via a lane + 1 if intercompany; remaining ties follow the canonical order of supply and routes"
)


def explain_decision(
    solved: Solved, lines: tuple[LineDecision, ...]
) -> tuple[DecisionExplanation, tuple[LineDecision, ...]]:
    """Attach a line explanation to every line and build the decision-level explanation."""
    cs, x = solved.cs, solved.x
    u = usage(cs, x)
    degraded = solved.outcome.status != SolveStatus.OPTIMAL
    barred: dict[int, list[Rejected]] = defaultdict(list)
    for r in cs.rejected:
        barred[r.line].append(r)
    rejected = {
        li: [r for item, _ in cs.usable_items[li] for r in cs.refused.get(item, ())] + barred[li]
        for li in range(len(lines))
    }
    wi = what_if(cs, u)
    known = facts(cs, x, u)
    brief = summary_needed(len(lines))
    out = []
    for li, ld in enumerate(lines):
        counts: tuple[tuple[str, int], ...] = ()
        if brief:
            kept, counts = line_summary(cs, known, u, ld, li, rejected[li], degraded)
        else:
            kept = tuple(line_candidates(cs, known, u, ld, li, rejected[li], degraded))
        back = backorder_explanation(cs, u, ld, li, rejected[li], degraded, wi) if ld.backorder_qty else None
        out.append(ld._replace(explanation=LineExplanation(kept, back, brief, counts)))
    return _decision_explanation(solved, u, brief), tuple(out)


def _decision_explanation(solved: Solved, u: Usage, brief: bool) -> DecisionExplanation:
    values = solved.objective
    numbers = (values.on_time_units, values.units, values.margin, values.tie_break)
    levels = tuple(
        ObjectiveLevel(lv.level, lv.name, lv.sense, numbers[lv.level - 1], lv.optimal) for lv in solved.outcome.levels
    )
    notes = [f"engine {solved.outcome.engine}, {solved.outcome.solves} solve(s)"]
    if brief:
        notes.append("candidate lists summarised per line (order above 500 lines); backorders are explained in full")
    if solved.outcome.degraded_reason:
        notes.append(f"degraded: {solved.outcome.degraded_reason}")
    return DecisionExplanation(levels, binding_constraints(solved.cs, u), TIE_BREAK_TEXT, tuple(notes))


def binding_constraints(cs: CandidateSet, u: Usage) -> tuple[BindingItem, ...]:
    """Supply pools, lanes and the shipment limit that the decision uses to the full."""
    out = []
    for n, node in enumerate(cs.nodes):
        used = int(u.node_used[n])
        if used and used >= node.qty:
            subject = f"{node.item}@{node.location} {node.source} {node.available_date.isoformat()}"
            detail = f"{node.protected} units protected for higher tiers" if node.protected else ""
            out.append(BindingItem("supply", subject, node.qty, used, detail))
    for k, (frm, to, cap) in enumerate(cs.lanes):
        if u.lane_full(cs, k) and cap is not None:
            out.append(BindingItem("lane_capacity", f"{frm}->{to}", cap, u.lane_used.get(k, 0), ""))
    limit = cs.problem.customer().max_shipments
    if u.shipments_full(cs) and limit is not None:
        out.append(
            BindingItem(
                "shipment_limit",
                cs.problem.order.customer,
                limit,
                len(u.ship_from),
                "ships from " + ", ".join(sorted(u.ship_from)),
            )
        )
    return tuple(out)
