"""How much of each constrained resource a solved decision uses: the facts explanations are made of."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizers.candidates.candidate_set import CandidateSet


@dataclass
class Usage:
    node_used: np.ndarray  # per supply node, units allocated
    node_left: np.ndarray  # per supply node, usable units left over
    lane_used: np.ndarray  # per lane, units carried
    lane_full: np.ndarray  # per lane, bool: carries its whole capacity
    origin_used: np.ndarray  # per origin (ship-from location), bool
    ship_from: set[str]  # the ship-from locations used
    shipments_full: bool  # the order ships from as many locations as the customer allows
    node_lines: dict[int, list[int]]  # supply node -> line indices that took some of it (used nodes only)
    node_sole_taker: np.ndarray  # per supply node, the one line that took it, -1 when several did, -2 when none
    line_start: np.ndarray  # arcs of line li are line_start[li]:line_start[li + 1] (arcs are sorted by line)

    def line_arcs(self, li: int) -> range:
        return range(int(self.line_start[li]), int(self.line_start[li + 1]))


def usage(cs: CandidateSet, x: np.ndarray) -> Usage:
    """Aggregate an integer flow per supply node, lane, ship-from location and line."""
    a = cs.arcs
    used = np.bincount(a.node, x, minlength=len(cs.nodes)).astype(np.int64)
    via = a.lane >= 0
    lane_used = np.bincount(a.lane[via], x[via], minlength=len(cs.lanes)).astype(np.int64)
    cap = np.array([c if c is not None else -1 for _, _, c in cs.lanes], np.int64)
    origin_used = np.zeros(len(cs.origins), bool)
    taken = np.flatnonzero(x)
    origin_used[a.origin[taken]] = True
    node_lines: dict[int, list[int]] = {}
    for n, li in sorted(set(zip(a.node[taken].tolist(), a.line[taken].tolist(), strict=True))):
        node_lines.setdefault(n, []).append(li)
    sole = np.full(len(cs.nodes), -2, np.int64)
    for n, lines in node_lines.items():
        sole[n] = lines[0] if len(lines) == 1 else -1
    ship_from = {cs.origins[o] for o in np.flatnonzero(origin_used).tolist()}
    limit = cs.max_shipments
    return Usage(
        used,
        cs.node_qty - used,
        lane_used,
        (cap >= 0) & (lane_used >= cap),
        origin_used,
        ship_from,
        limit is not None and len(ship_from) >= limit,
        node_lines,
        sole,
        np.searchsorted(a.line, np.arange(len(cs.line_qty) + 1)),
    )
