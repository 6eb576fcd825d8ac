"""Upper bounds on what a set of ship-from locations can deliver, for `optimizers.solvers.ship_from_search`.

All bound the on-time units and the units of any decision that uses only the set's arcs. The first two come
from the data alone and are computed for every set at once; the flow bound costs two maximum flows per set.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import max_flow

from optimizers.candidates.candidate_set import CandidateSet
from optimizers.model.matrix import binding_lane_caps

CHUNK = 4_000_000  # table entries per step of the demand bound


def demand_bound(
    cs: CandidateSet, column: np.ndarray, arcs: np.ndarray, n_origins: int, sets: np.ndarray
) -> np.ndarray:
    """Per set, sum over lines of min(line quantity, supply reaching the line from the set by these arcs)."""
    reach = np.zeros((len(cs.line_qty), n_origins))
    a = cs.arcs
    np.add.at(reach, (a.line[arcs], column[arcs]), cs.node_qty[a.node[arcs]])
    out = np.empty(len(sets), np.int64)
    step = max(1, CHUNK // max(1, len(cs.line_qty) * sets.shape[1]))  # bounded memory: lines x sets x K at a time
    for first in range(0, len(sets), step):
        per_set = reach[:, sets[first : first + step]].sum(axis=2)  # lines x sets
        out[first : first + step] = np.minimum(per_set, cs.line_qty[:, None]).sum(axis=0)
    return out


def supply_bound(cs: CandidateSet, column: np.ndarray, arcs: np.ndarray, sets: np.ndarray) -> np.ndarray:
    """Per set, sum over its locations of the supply that can ship from there by these arcs: the supply at the
    location, plus per lane into it the supply the lane can carry, capped at its capacity (each node once per
    route, so a node reaching two locations of a set counts twice: still a bound)."""
    a = cs.arcs
    n_nodes, n_columns = len(cs.nodes), int(column.max(initial=-1)) + 1
    direct = arcs & (a.lane < 0)
    pairs = np.unique(column[direct] * n_nodes + a.node[direct])
    per_column = np.bincount(pairs // n_nodes, cs.node_qty[pairs % n_nodes], minlength=n_columns).astype(float)
    via = arcs & (a.lane >= 0)
    pairs = np.unique(a.lane[via] * n_nodes + a.node[via])
    per_lane = np.bincount(pairs // n_nodes, cs.node_qty[pairs % n_nodes], minlength=len(cs.lanes))
    per_lane = np.minimum(per_lane, binding_lane_caps(cs, a.node, a.lane))
    lane_column = np.zeros(len(cs.lanes), np.int64)
    lane_column[a.lane[via]] = column[via]  # a lane ends at one location: every arc by it ships from there
    per_column += np.bincount(lane_column, per_lane, minlength=n_columns)
    return per_column[sets].sum(axis=1).astype(np.int64)


def flow_bound(cs: CandidateSet, idx: np.ndarray) -> tuple[int, int]:
    """Upper bounds on the on-time units and the units of any decision that uses only arcs `idx`.

    Each is a maximum flow from supply nodes to lines in a relaxation of the decision: the arcs of a lane that
    could bind pass through one vertex of the lane's capacity, from which they may reach any line the lane
    serves. (Leaving lane capacities out instead was measured: on the presets it was almost never tighter.)
    """
    a = cs.arcs
    node, line, lane = a.node[idx], a.line[idx], a.lane[idx]
    caps = binding_lane_caps(cs, node, lane)
    capped = lane >= 0
    capped[capped] = np.isfinite(caps[lane[capped]])
    g = _Network(cs, node, line)
    bounds = []
    for arcs in (a.on_time[idx], np.ones(len(idx), bool)):
        direct, via = arcs & ~capped, arcs & capped
        lanes = g.through_lanes(node[via], lane[via], line[via], caps)
        bounds.append(g.max_flow(g.arcs_to_lines(node[direct], line[direct]), *lanes))
    return bounds[0], bounds[1]


Arcs = tuple[np.ndarray, np.ndarray, np.ndarray]  # tails, heads, capacities
BIG = np.iinfo(np.int32).max


class _Network:
    """Flow networks on one set's arcs: 0 the source, 1 the sink, then supply nodes, lines and lane vertices."""

    def __init__(self, cs: CandidateSet, node: np.ndarray, line: np.ndarray) -> None:
        self.nodes, self.lines = np.unique(node), np.unique(line)
        self.first_lane = 2 + len(self.nodes) + len(self.lines)
        self.demand = int(cs.line_qty[self.lines].sum())  # the bound when a flow cannot be computed
        self.ends: Arcs = (  # source -> node, line -> sink
            np.concatenate([np.zeros(len(self.nodes), np.int64), self._line(self.lines)]),
            np.concatenate([self._node(self.nodes), np.ones(len(self.lines), np.int64)]),
            np.concatenate([cs.node_qty[self.nodes], cs.line_qty[self.lines]]).astype(np.int64),
        )

    def _node(self, node: np.ndarray) -> np.ndarray:
        return 2 + np.searchsorted(self.nodes, node)

    def _line(self, line: np.ndarray) -> np.ndarray:
        return 2 + len(self.nodes) + np.searchsorted(self.lines, line)

    def arcs_to_lines(self, node: np.ndarray, line: np.ndarray) -> Arcs:
        return self._node(node), self._line(line), np.full(len(node), BIG)

    def through_lanes(self, node: np.ndarray, lane: np.ndarray, line: np.ndarray, caps: np.ndarray) -> list[Arcs]:
        """node -> lane in -> (the lane's capacity) -> lane out -> line, each pair once."""
        lanes, at = np.unique(lane, return_inverse=True)
        lane_in = self.first_lane + 2 * np.arange(len(lanes))
        into = np.unique(self._node(node) * len(lanes) + at)
        out = np.unique(at * self.first_lane + self._line(line))
        return [
            (lane_in, lane_in + 1, caps[lanes].astype(np.int64)),
            (into // len(lanes), lane_in[into % len(lanes)], np.full(len(into), BIG)),
            (lane_in[out // self.first_lane] + 1, out % self.first_lane, np.full(len(out), BIG)),
        ]

    def max_flow(self, *arcs: Arcs) -> int:
        flow = max_flow.SimpleMaxFlow()
        tails, heads, caps = (np.concatenate(parts) for parts in zip(self.ends, *arcs, strict=True))
        flow.add_arcs_with_capacity(tails, heads, caps)
        if flow.solve(0, 1) != flow.OPTIMAL:  # only a capacity overflow could cause this
            return self.demand
        return int(flow.optimal_flow())
