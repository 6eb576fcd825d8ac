"""Per-line explanation: every candidate supply considered for a line, and why each unused one was not used.

Reasons are decided from the solved flow by exchange arguments: a candidate whose supply is left over, whose
lane has room and whose location could still be shipped from was not used because the line needed nothing
more from it (LATER_DELIVERY, LOWER_MARGIN, TIE_BREAK), or because the line ships complete.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from optimizers.candidates import MARGIN_SCALE, Arc, CandidateSet, Rejected
from optimizers.decision import Candidate, Lane, LineDecision, ReasonCode
from optimizers.usage import Usage

SUMMARY_ABOVE_LINES = 500


@dataclass
class Facts:
    """What every line's reasons read, computed once per decision (plain lists: cheap to index)."""

    x: list[int]
    left: list[int]  # units each supply node leaves unused
    lane_full: list[bool]
    lanes: list[Lane]
    shipments_full: bool
    rejected: dict[int, Candidate] = field(default_factory=dict)  # id(Rejected) -> its shared Candidate


def facts(cs: CandidateSet, x: np.ndarray, u: Usage) -> Facts:
    """The per-decision facts of a solved flow."""
    left = [nd.qty - used for nd, used in zip(cs.nodes, u.node_used.tolist(), strict=True)]
    full = [u.lane_full(cs, k) for k in range(len(cs.lanes))]
    return Facts(x.tolist(), left, full, [Lane(f, t) for f, t, _ in cs.lanes], u.shipments_full(cs))


def line_candidates(
    cs: CandidateSet,
    f: Facts,
    u: Usage,
    ld: LineDecision,
    li: int,
    rejected: list[Rejected],
    degraded: bool,
) -> list[Candidate]:
    """Every arc and every rejected supply for line index li, each with its reason."""
    arcs = u.line_arcs.get(li, [])
    chosen = [cs.arcs[k] for k in arcs if f.x[k] > 0]
    out = [_arc_candidate(cs, f, u, ld, li, k, chosen, degraded) for k in arcs]
    out += [_rejected_candidate(f, r) for r in rejected]
    return out


def line_summary(
    cs: CandidateSet,
    f: Facts,
    u: Usage,
    ld: LineDecision,
    li: int,
    rejected: list[Rejected],
    degraded: bool,
) -> tuple[tuple[Candidate, ...], tuple[tuple[str, int], ...]]:
    """For very large orders: the used candidates in full, the others counted by reason."""
    arcs = u.line_arcs.get(li, [])
    chosen = [cs.arcs[k] for k in arcs if f.x[k] > 0]
    kept = tuple(_arc_candidate(cs, f, u, ld, li, k, chosen, degraded) for k in arcs if f.x[k] > 0)
    counts = Counter(_reason(cs, f, u, ld, li, cs.arcs[k], chosen, degraded)[0].value for k in arcs if not f.x[k])
    counts.update(r.reason.value for r in rejected)
    return kept, tuple(sorted(counts.items()))


def _arc_candidate(
    cs: CandidateSet, f: Facts, u: Usage, ld: LineDecision, li: int, k: int, chosen: list[Arc], degraded: bool
) -> Candidate:
    a = cs.arcs[k]
    node = cs.nodes[a.node]
    q = f.x[k]
    others: tuple[int, ...] = ()
    if q:
        reason, detail = ReasonCode.USED, f"{q} units {'on time' if a.on_time else 'late'}"
    else:
        reason, detail, others = _reason(cs, f, u, ld, li, a, chosen, degraded)
    lane = f.lanes[a.lane] if a.lane >= 0 else None
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


def _reason(
    cs: CandidateSet, f: Facts, u: Usage, ld: LineDecision, li: int, a: Arc, chosen: list[Arc], degraded: bool
) -> tuple[ReasonCode, str, tuple[int, ...]]:
    node = cs.nodes[a.node]
    if f.left[a.node] <= 0:
        takers = sorted(u.node_lines.get(a.node, set()) - {li})
        guard = f"; {node.protected} more protected for a higher tier" if node.protected else ""
        if not takers:
            return ReasonCode.EXHAUSTED_BY_THIS_LINE, f"all {node.qty} units taken by this line{guard}", ()
        numbers = tuple(cs.problem.order.lines[t].line for t in takers)
        names = ", ".join(str(n) for n in numbers)
        return ReasonCode.EXHAUSTED_BY_OTHER_LINES, f"all {node.qty} units taken by line(s) {names}{guard}", numbers
    if a.lane >= 0 and f.lane_full[a.lane]:
        frm, to, cap = cs.lanes[a.lane]
        return ReasonCode.LANE_CAPACITY, f"lane {frm}->{to} carries its full capacity of {cap}", ()
    if f.shipments_full and a.ship_from not in u.ship_from:
        limit = cs.problem.customer().max_shipments
        return ReasonCode.SHIPMENT_LIMIT, f"order already ships from {limit} location(s), the customer's limit", ()
    if ld.backorder_qty == 0:
        return _compared(a, chosen)
    if cs.problem.order.lines[li].ship_complete:
        return ReasonCode.SHIP_COMPLETE, "line ships complete and the full quantity could not be reached", ()
    if degraded:
        return ReasonCode.TIME_LIMIT, "not reached before the time limit", ()
    return ReasonCode.TIE_BREAK, "not needed by the optimal decision", ()


def _compared(a: Arc, chosen: list[Arc]) -> tuple[ReasonCode, str, tuple[int, ...]]:
    """The line is full: compare the candidate with the worst unit the line did get."""
    if not chosen:
        return ReasonCode.LINE_ALREADY_FILLED, "the line requests no units", ()
    if not a.on_time and any(c.on_time for c in chosen):
        return ReasonCode.LATER_DELIVERY, f"delivers {a.delivery_date.isoformat()}, after the requested date", ()
    latest = max(c.delivery_date for c in chosen)
    worst = min(c.margin_units for c in chosen)
    if a.delivery_date > latest and a.margin_units <= worst:
        text = f"delivers {a.delivery_date.isoformat()}, after the chosen supply's {latest.isoformat()}"
        return ReasonCode.LATER_DELIVERY, text, ()
    if a.margin_units < worst:
        gap = (worst - a.margin_units) / MARGIN_SCALE
        return ReasonCode.LOWER_MARGIN, f"lower margin by {gap:.4f} per unit than the chosen supply", ()
    return ReasonCode.TIE_BREAK, "equal on-time and margin; the tie-break prefers the chosen supply", ()


def _rejected_candidate(f: Facts, r: Rejected) -> Candidate:
    """The same refused supply reads the same for every line: build its candidate once."""
    cand = f.rejected.get(id(r))
    if cand is None:
        lane = Lane(*r.lane) if r.lane else None
        ship_from = r.lane[1] if r.lane else None
        cand = Candidate(
            r.item, r.location, r.source, r.available_date, lane, ship_from, None, None, None, 0, r.reason, r.detail
        )
        f.rejected[id(r)] = cand
    return cand


def summary_needed(n_lines: int) -> bool:
    """Explanations are summarised per line above this many lines; backorders never are."""
    return n_lines > SUMMARY_ABOVE_LINES
