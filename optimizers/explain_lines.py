"""Per-line explanation: every candidate supply considered for a line, and why each unused one was not used.

Reasons are decided from the solved flow by exchange arguments: a candidate whose supply is left over, whose
lane has room and whose location could still be shipped from was not used because the line needed nothing
more from it (LATER_DELIVERY, LOWER_MARGIN, TIE_BREAK), or because the line ships complete.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from optimizers.candidates import CandidateSet, Rejected
from optimizers.decision import Candidate, Lane, LineDecision, ReasonCode
from optimizers.usage import Usage

SUMMARY_ABOVE_LINES = 500


def line_candidates(
    cs: CandidateSet,
    x: np.ndarray,
    u: Usage,
    ld: LineDecision,
    li: int,
    rejected: list[Rejected],
    degraded: bool,
) -> list[Candidate]:
    """Every arc and every rejected supply for line index li, each with its reason."""
    out = [_arc_candidate(cs, x, u, ld, li, k, degraded) for k in u.line_arcs.get(li, ())]
    out += [_rejected_candidate(r) for r in rejected]
    return out


def summarise(cands: list[Candidate]) -> tuple[tuple[Candidate, ...], tuple[tuple[str, int], ...]]:
    """Keep the used candidates and count the others by reason, for very large orders."""
    counts = Counter(c.reason.value for c in cands if c.reason != ReasonCode.USED)
    return tuple(c for c in cands if c.reason == ReasonCode.USED), tuple(sorted(counts.items()))


def _arc_candidate(
    cs: CandidateSet, x: np.ndarray, u: Usage, ld: LineDecision, li: int, k: int, degraded: bool
) -> Candidate:
    a = cs.arcs[k]
    node = cs.nodes[a.node]
    lane = Lane(*cs.lanes[a.lane][:2]) if a.lane >= 0 else None
    q = int(x[k])
    reason, detail, others = _reason(cs, x, u, ld, li, k, degraded) if q == 0 else _used(a.on_time, q)
    return Candidate(
        node.item,
        node.location,
        node.source,
        node.available_date,
        lane,
        a.ship_from,
        a.delivery_date,
        a.on_time,
        a.unit_margin,
        q,
        reason,
        detail,
        others,
    )


def _used(on_time: bool, q: int) -> tuple[ReasonCode, str, tuple[int, ...]]:
    return ReasonCode.USED, f"{q} units {'on time' if on_time else 'late'}", ()


def _reason(
    cs: CandidateSet, x: np.ndarray, u: Usage, ld: LineDecision, li: int, k: int, degraded: bool
) -> tuple[ReasonCode, str, tuple[int, ...]]:
    a = cs.arcs[k]
    node = cs.nodes[a.node]
    if u.node_left(cs, a.node) <= 0:
        takers = sorted(u.node_lines.get(a.node, set()) - {li})
        guard = f"; {node.protected} more protected for a higher tier" if node.protected else ""
        if not takers:
            return ReasonCode.EXHAUSTED_BY_THIS_LINE, f"all {node.qty} units taken by this line{guard}", ()
        numbers = tuple(cs.problem.order.lines[t].line for t in takers)
        names = ", ".join(str(n) for n in numbers)
        return (
            ReasonCode.EXHAUSTED_BY_OTHER_LINES,
            f"all {node.qty} units taken by line(s) {names}{guard}",
            numbers,
        )
    if a.lane >= 0 and u.lane_full(cs, a.lane):
        frm, to, cap = cs.lanes[a.lane]
        return ReasonCode.LANE_CAPACITY, f"lane {frm}->{to} carries its full capacity of {cap}", ()
    if a.ship_from not in u.ship_from and u.shipments_full(cs):
        limit = cs.problem.customer().max_shipments
        return (
            ReasonCode.SHIPMENT_LIMIT,
            f"order already ships from {limit} location(s), the customer's limit",
            (),
        )
    if ld.backorder_qty == 0:
        return _compared(cs, x, u, li, k)
    if cs.problem.order.lines[li].ship_complete:
        return ReasonCode.SHIP_COMPLETE, "line ships complete and the full quantity could not be reached", ()
    if degraded:
        return ReasonCode.TIME_LIMIT, "not reached before the time limit", ()
    return ReasonCode.TIE_BREAK, "not needed by the optimal decision", ()


def _compared(cs: CandidateSet, x: np.ndarray, u: Usage, li: int, k: int) -> tuple[ReasonCode, str, tuple[int, ...]]:
    """The line is full: compare the candidate with the worst unit the line did get."""
    a = cs.arcs[k]
    chosen = [cs.arcs[j] for j in u.line_arcs[li] if x[j] > 0]
    if not chosen:
        return ReasonCode.LINE_ALREADY_FILLED, "the line requests no units", ()
    if not a.on_time and any(c.on_time for c in chosen):
        return (
            ReasonCode.LATER_DELIVERY,
            f"delivers {a.delivery_date.isoformat()}, after the requested date",
            (),
        )
    latest = max(c.delivery_date for c in chosen)
    if a.delivery_date > latest and a.margin_units <= min(c.margin_units for c in chosen):
        return (
            ReasonCode.LATER_DELIVERY,
            f"delivers {a.delivery_date.isoformat()}, after the chosen supply's {latest.isoformat()}",
            (),
        )
    worst = min(chosen, key=lambda c: c.margin_units)
    if a.margin_units < worst.margin_units:
        gap = (worst.margin_units - a.margin_units) / 10_000
        return ReasonCode.LOWER_MARGIN, f"lower margin by {gap:.4f} per unit than the chosen supply", ()
    return ReasonCode.TIE_BREAK, "equal on-time and margin; the tie-break prefers the chosen supply", ()


def _rejected_candidate(r: Rejected) -> Candidate:
    lane = Lane(*r.lane) if r.lane else None
    ship_from = r.lane[1] if r.lane else None
    return Candidate(
        r.item, r.location, r.source, r.available_date, lane, ship_from, None, None, None, 0, r.reason, r.detail
    )


def summary_needed(n_lines: int) -> bool:
    """Explanations are summarised per line above this many lines; backorders never are."""
    return n_lines > SUMMARY_ABOVE_LINES
