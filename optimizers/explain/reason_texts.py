"""The detail text of each reason code an arc can get, each distinct text built once per decision.

`optimizers.explain.lines` decides which reason each arc gets (`CODES`, in order of precedence); this module
says how it reads: which lines took the supply, which lane is full, by how much the margin is lower.
"""

from __future__ import annotations

import numpy as np

from optimizers.candidates.candidate_set import CandidateSet
from optimizers.candidates.routes import MARGIN_SCALE
from optimizers.decision import ReasonCode
from optimizers.explain.usage import Usage

# Reasons an arc can get, in the order `lines.facts` decides them.
CODES = (
    ReasonCode.USED,
    ReasonCode.EXHAUSTED_BY_THIS_LINE,
    ReasonCode.EXHAUSTED_BY_OTHER_LINES,
    ReasonCode.LANE_CAPACITY,
    ReasonCode.SHIPMENT_LIMIT,
    ReasonCode.LINE_ALREADY_FILLED,
    ReasonCode.LATER_DELIVERY,  # after the requested date while the line got on-time supply
    ReasonCode.LATER_DELIVERY,  # after the latest chosen supply, at no better margin
    ReasonCode.LOWER_MARGIN,
    ReasonCode.TIE_BREAK,  # the line is full; equal on-time and margin
    ReasonCode.SHIP_COMPLETE,
    ReasonCode.TIME_LIMIT,
    ReasonCode.TIE_BREAK,  # not needed by the optimal decision
)
(USED, THIS_LINE, OTHER_LINES, LANE, LIMIT, NOTHING_ASKED) = range(6)
(LATE, LATER, MARGIN, TIE_FULL, COMPLETE, TIMEOUT, TIE) = range(6, 13)


class ReasonTexts:
    """The detail of each reason, each distinct text built once."""

    def __init__(self, cs: CandidateSet, u: Usage, latest: np.ndarray, worst: np.ndarray) -> None:
        self.cs, self.u, self.latest, self.worst = cs, u, latest, worst
        self.cache: dict[tuple[int, ...], tuple[ReasonCode, str, tuple[int, ...]]] = {}

    def of(
        self, code: int, lane: int, n: int, li: int, days: int, on_time: bool, margin: int, q: int
    ) -> tuple[ReasonCode, str, tuple[int, ...]]:
        if code == USED:
            return ReasonCode.USED, f"{q} units {'on time' if on_time else 'late'}", ()
        key: tuple[int, ...]
        if code == THIS_LINE:
            key = (code, n)
        elif code == OTHER_LINES:
            key = (code, n, li if li in self.u.node_lines.get(n, ()) else -1)
        elif code == LANE:
            key = (code, lane)
        elif code == LATE:
            key = (code, days)
        elif code == LATER:
            key = (code, days, int(self.latest[li]))
        elif code == MARGIN:
            key = (code, int(self.worst[li]) - margin)
        else:
            key = (code,)
        hit = self.cache.get(key)
        if hit is None:
            hit = self.cache[key] = self.build(key, n, li)
        return hit

    def build(self, key: tuple[int, ...], n: int, li: int) -> tuple[ReasonCode, str, tuple[int, ...]]:
        cs, code = self.cs, key[0]
        if code in (THIS_LINE, OTHER_LINES):
            node = cs.nodes[n]
            guard = f"; {node.protected} more protected for a higher tier" if node.protected else ""
            if code == THIS_LINE:
                return ReasonCode.EXHAUSTED_BY_THIS_LINE, f"all {node.qty} units taken by this line{guard}", ()
            takers = [t for t in self.u.node_lines.get(n, []) if t != li]
            numbers = tuple(cs.problem.order.lines[t].line for t in takers)
            names = ", ".join(str(number) for number in numbers)
            text = f"all {node.qty} units taken by line(s) {names}{guard}"
            return ReasonCode.EXHAUSTED_BY_OTHER_LINES, text, numbers
        if code == LANE:
            frm, to, cap = cs.lanes[key[1]]
            return ReasonCode.LANE_CAPACITY, f"lane {frm}->{to} carries its full capacity of {cap}", ()
        if code == LIMIT:
            text = f"order already ships from {cs.max_shipments} location(s), the customer's limit"
            return ReasonCode.SHIPMENT_LIMIT, text, ()
        if code == NOTHING_ASKED:
            return ReasonCode.LINE_ALREADY_FILLED, "the line requests no units", ()
        if code == LATE:
            text = f"delivers {cs.delivery_date(key[1]).isoformat()}, after the requested date"
            return ReasonCode.LATER_DELIVERY, text, ()
        if code == LATER:
            when, latest = cs.delivery_date(key[1]).isoformat(), cs.delivery_date(key[2]).isoformat()
            return ReasonCode.LATER_DELIVERY, f"delivers {when}, after the chosen supply's {latest}", ()
        if code == MARGIN:
            text = f"lower margin by {key[1] / MARGIN_SCALE:.4f} per unit than the chosen supply"
            return ReasonCode.LOWER_MARGIN, text, ()
        if code == TIE_FULL:
            return ReasonCode.TIE_BREAK, "equal on-time and margin; the tie-break prefers the chosen supply", ()
        if code == COMPLETE:
            return ReasonCode.SHIP_COMPLETE, "line ships complete and the full quantity could not be reached", ()
        if code == TIMEOUT:
            return ReasonCode.TIME_LIMIT, "not reached before the time limit", ()
        return ReasonCode.TIE_BREAK, "not needed by the optimal decision", ()
