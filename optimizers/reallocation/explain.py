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
        drawn = np.flatnonzero(flow > 0)  # the arcs' columns read for these arcs at once, not an element at a time
        columns = (rc.arc_line, flow, rc.arc_node, rc.arc_lane, rc.arc_origin)
        for li, q, node, lane, origin in zip(*(column[drawn].tolist() for column in columns), strict=True):
            self.on_node[node][li] += q
            if lane >= 0:
                self.on_lane[lane][li] += q
            self.origins[rc.lines[li].order.id].add(origin)
        self.first_arc = np.searchsorted(rc.arc_line, np.arange(len(rc.lines) + 1))
        self.rank = [priority(ref.cls) for ref in rc.lines]
        self.node_drawn = np.bincount(rc.arc_node, weights=flow, minlength=len(rc.nodes))
        via = rc.arc_lane >= 0
        self.lane_drawn = np.bincount(rc.arc_lane[via], weights=flow[via], minlength=len(rc.lanes))
        self._ranked: dict[tuple[str, int], list[tuple[int, int]]] = {}
        # Per (node or lane, the asking line's rank, the asking line when it is among the first TAKERS named):
        # the lines named. Most short lines on a full pool name the same ten.
        self._named: dict[tuple[tuple[str, int], tuple[int, int], int], tuple[TakenBy, ...]] = {}
        # Built on the first claim (`_index_places`): per (item, location) its lines, and per line its units, cap
        # and rank.
        self._places: dict[tuple[str, str], int] | None = None
        self._place_lines = self._place_start = self._alloc = self._cap = self._rank = np.zeros(0, np.int64)

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
        said = claim(self.rc, li, arcs, res.allocated_qty, self._node_full, self._lane_full, self._rivals)
        if said is None:
            return LineExplanation(tuple(reasons), policy_sentence(self.rc, li, arcs), False)
        return LineExplanation(tuple(reasons), stated(said, ref.line.qty), False, said)

    def _rivals(self, li: int, item: str, location: str) -> tuple[int, int]:
        """The shortfall, and the number, of the other short lines ranked with or above `li` that have an arc on
        some node of `item` at `location`."""
        if self._places is None:
            self._index_places()
        assert self._places is not None
        at = self._places.get((item, location))
        if at is None:
            return 0, 0
        lines = self._place_lines[self._place_start[at] : self._place_start[at + 1]]
        short = self._cap[lines] - self._alloc[lines]
        mine = (lines != li) & (self._rank[lines] <= self._rank[li]) & (short > 0)
        return int(short[mine].sum()), int(mine.sum())

    def _index_places(self) -> None:
        """Per (item, location), the lines with an arc on one of its nodes; each line's units, cap and rank."""
        rc = self.rc
        self._alloc = np.bincount(rc.arc_line, weights=self.flow, minlength=len(rc.lines)).astype(np.int64)
        self._cap = np.array([ref.cap for ref in rc.lines], np.int64)
        # `win` and `fill` lines share their levels whatever their tier; `gain` and `redistribute` rank by tier.
        level = [(group, rank if group == 1 else 0) for group, rank in self.rank]
        order = {key: k for k, key in enumerate(sorted(set(level)))}
        self._rank = np.array([order[key] for key in level], np.int64)
        self._places = {}
        place = np.array([self._places.setdefault((n.item, n.location), len(self._places)) for n in rc.nodes], np.int64)
        pairs = np.unique(place[rc.arc_node] * len(rc.lines) + rc.arc_line)  # by place, then line
        self._place_lines = pairs % len(rc.lines)
        self._place_start = np.searchsorted(pairs // len(rc.lines), np.arange(len(self._places) + 1))

    def _node_full(self, n: int) -> bool:
        return bool(self.node_drawn[n] >= self.rc.nodes[n].qty)

    def _lane_full(self, k: int) -> bool:
        cap = self.rc.lanes[k][2]
        return cap is not None and bool(self.lane_drawn[k] >= cap)

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
        asking = li if any(o == li for o, _ in ranked[:TAKERS]) else -1  # else the same ten for every line
        named = self._named.get((key, mine, asking))
        if named is None:
            others = [(o, q) for o, q in ranked[: TAKERS + 1] if o != li][:TAKERS]
            named = tuple(TakenBy(lines[o].order.id, lines[o].line.line, q, self.rank[o] < mine) for o, q in others)
            self._named[(key, mine, asking)] = named
        more = len(ranked) - len(named) - (li in drawn)
        return Reason(code.value, where + (f"; {more} more lines drew on it" if more else ""), named)
