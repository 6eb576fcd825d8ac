"""Why a line lost units or is backordered, in the allocation explanation's reason codes, naming the lines
that took the supply it could have used.

For each supply node and lane the line had an arc on and that ended full, the reason names the other lines
that drew on it (the ten highest ranked, largest first, and a count of the rest), with their units and whether
their strategy and tier rank ahead in the objective. Run-level
codes beside the allocation vocabulary: STRATEGY (`lose` gives up everything, `fill` never gains),
PRICE_REJECTED and NO_SUPPLY (no allocatable supply of a usable item reaches the order's region).
The counterfactual (`optimizers.reallocation.counterfactual`) names the stock or lane capacity that would have
given the line its cap; it is stated here, unverified, and checked by re-solving in
`optimizers.reallocation.verify`.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from optimizers.decision import ReasonCode
from optimizers.reallocation.candidates import RunCandidates
from optimizers.reallocation.counterfactual import claim, policy_sentence, stated
from optimizers.reallocation.problem import Strategy
from optimizers.reallocation.result import LineExplanation, Reason, RunLineResult, TakenBy
from optimizers.reallocation.segments import priority

TAKERS = 10  # lines named per full node or lane


class Explainer:
    """Built once per run from the flows: who drew on each node and lane."""

    def __init__(self, rc: RunCandidates, flow: np.ndarray, limits: dict[str, int]) -> None:
        self.rc, self.flow, self.limits = rc, flow, limits
        self.on_node: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.on_lane: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.origins: dict[str, set[int]] = defaultdict(set)
        for a in np.flatnonzero(flow > 0).tolist():
            li, q = int(rc.arc_line[a]), int(flow[a])
            self.on_node[int(rc.arc_node[a])][li] += q
            if rc.arc_lane[a] >= 0:
                self.on_lane[int(rc.arc_lane[a])][li] += q
            self.origins[rc.lines[li].order.id].add(int(rc.arc_origin[a]))
        self.first_arc = np.searchsorted(rc.arc_line, np.arange(len(rc.lines) + 1))
        self.rank = [priority(ref.cls) for ref in rc.lines]
        self._ranked: dict[tuple[str, int], list[tuple[int, int]]] = {}

    def __call__(self, li: int, res: RunLineResult) -> LineExplanation:
        ref = self.rc.lines[li]
        arcs = np.arange(self.first_arc[li], self.first_arc[li + 1])
        reasons = self._policy(li) if ref.cap < ref.line.qty or not len(arcs) else []
        if len(arcs):
            reasons += self._contested(li, arcs)
            if ref.line.ship_complete and res.allocated_qty == 0:
                reasons.append(Reason(ReasonCode.SHIP_COMPLETE.value, f"needs all {ref.line.qty} units at once"))
        if not reasons:
            reasons.append(Reason(ReasonCode.TIE_BREAK.value, "equally good allocations exist; the tie-break chose"))
        said = claim(self.rc, li, arcs, res.allocated_qty, self._node_full, self._lane_full)
        if said is None:
            return LineExplanation(tuple(reasons), policy_sentence(self.rc, li, arcs), False)
        return LineExplanation(tuple(reasons), stated(said, ref.line.qty), False, said)

    def _node_full(self, n: int) -> bool:
        return sum(self.on_node[n].values()) >= self.rc.nodes[n].qty

    def _lane_full(self, k: int) -> bool:
        cap = self.rc.lanes[k][2]
        return cap is not None and sum(self.on_lane[k].values()) >= cap

    def _policy(self, li: int) -> list[Reason]:
        ref = self.rc.lines[li]
        if ref.line.rejection is not None:
            return [Reason("PRICE_REJECTED", ref.line.rejection)]
        if ref.cls.strategy == Strategy.LOSE:
            return [Reason("STRATEGY", "a `lose` line gives up everything")]
        if ref.cls.strategy == Strategy.FILL and ref.cap < ref.line.qty:
            return [Reason("STRATEGY", f"a `fill` line keeps at most its {ref.line.confirmed_qty} confirmed units")]
        return [Reason("NO_SUPPLY", "no allocatable supply of a usable item reaches the order's region")]

    def _contested(self, li: int, arcs: np.ndarray) -> list[Reason]:
        rc = self.rc
        out = []
        for n in sorted(set(rc.arc_node[arcs].tolist())):
            node = rc.nodes[n]
            if self._node_full(n):
                where = f"{node.item} at {node.location} ({node.source}, {node.available_date.isoformat()})"
                out.append(self._reason(ReasonCode.EXHAUSTED_BY_OTHER_LINES, where, li, ("node", n), self.on_node[n]))
        for k in sorted(set(rc.arc_lane[arcs][rc.arc_lane[arcs] >= 0].tolist())):
            if self._lane_full(k):
                lane = f"lane {rc.lanes[k][0]} -> {rc.lanes[k][1]} carries {rc.lanes[k][2]}"
                out.append(self._reason(ReasonCode.LANE_CAPACITY, lane, li, ("lane", k), self.on_lane[k]))
        order = rc.lines[li].order.id
        if order in self.limits and len(self.origins[order]) >= self.limits[order]:
            used = ", ".join(rc.locations[f] for f in sorted(self.origins[order]))
            text = f"the order ships from at most {self.limits[order]} locations: {used}"
            out.append(Reason(ReasonCode.SHIPMENT_LIMIT.value, text))
        return out

    def _reason(self, code: ReasonCode, where: str, li: int, key: tuple[str, int], drawn: dict[int, int]) -> Reason:
        """The reason, naming the first TAKERS lines that drew on the node or lane, highest ranked and largest
        first, and counting the rest: a pool shared by hundreds of lines would otherwise name them all."""
        ranked = self._ranked.get(key)
        if ranked is None:
            ranked = self._ranked[key] = sorted(drawn.items(), key=lambda oq: (self.rank[oq[0]], -oq[1], oq[0]))
        mine, lines = self.rank[li], self.rc.lines
        named: list[TakenBy] = []
        for o, q in ranked:
            if len(named) == TAKERS:
                break
            if o != li:
                named.append(TakenBy(lines[o].order.id, lines[o].line.line, q, self.rank[o] < mine))
        more = len(ranked) - len(named) - (li in drawn)
        return Reason(code.value, where + (f"; {more} more lines drew on it" if more else ""), tuple(named))
