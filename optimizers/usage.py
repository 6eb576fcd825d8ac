"""How much of each constrained resource a solved decision uses: the facts explanations are made of."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from optimizers.candidates import CandidateSet


@dataclass
class Usage:
    node_used: np.ndarray
    node_lines: dict[int, set[int]] = field(default_factory=dict)  # node -> line indices using it
    lane_used: dict[int, int] = field(default_factory=dict)
    ship_from: set[str] = field(default_factory=set)
    line_arcs: dict[int, list[int]] = field(default_factory=dict)  # line index -> arc indices

    def node_left(self, cs: CandidateSet, n: int) -> int:
        """Units of supply node n the decision leaves unused."""
        return cs.nodes[n].qty - int(self.node_used[n])

    def lane_full(self, cs: CandidateSet, k: int) -> bool:
        """True when lane k carries its whole capacity."""
        cap = cs.lanes[k][2]
        return cap is not None and self.lane_used.get(k, 0) >= cap

    def shipments_full(self, cs: CandidateSet) -> bool:
        """True when the order already ships from as many locations as the customer allows."""
        limit = cs.problem.customer().max_shipments
        return limit is not None and len(self.ship_from) >= limit


def usage(cs: CandidateSet, x: np.ndarray) -> Usage:
    """Aggregate an integer flow per supply node, lane, ship-from location and line."""
    used = np.zeros(len(cs.nodes), np.int64)
    u = Usage(used)
    node_lines: dict[int, set[int]] = defaultdict(set)
    line_arcs: dict[int, list[int]] = defaultdict(list)
    for k, a in enumerate(cs.arcs):
        line_arcs[a.line].append(k)
        q = int(x[k])
        if q:
            used[a.node] += q
            node_lines[a.node].add(a.line)
            if a.lane >= 0:
                u.lane_used[a.lane] = u.lane_used.get(a.lane, 0) + q
            u.ship_from.add(a.ship_from)
    u.node_lines, u.line_arcs = dict(node_lines), dict(line_arcs)
    return u
