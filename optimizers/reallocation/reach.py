"""Eligibility for the fill ratio settled on the residual graph of the current face, without an LP.

Eligibility (`optimizers.reallocation.ratio`) asks, for lines the incumbent x does not serve, whether some answer
keeping every earlier level serves them. On a batch without binaries every level held by its optimal face is held
by bounds: every feasible point within the bounds as they stand keeps it (complementary slackness with the
level's own optimal dual). The node rows (a node's arcs within its row's bounds) and the line rows (a line's arcs
within its row's bounds), with the column bounds, make a circulation on the graph super node -> supply node ->
line -> super node, with x one circulation in it. Another feasible circulation differs from x by a sum of cycles
of its residual graph (an edge forward where its flow may rise by a unit, backward where it may fall by one;
bounds and x are integers), each following the difference's signs.

- **Not eligible.** Drop every other row (lanes, protections, kept units, levels held by rows): the graph is a
  relaxation of the face. If some answer gives line l a unit that x does not, a residual cycle runs forward along
  an edge into l, whose ends are then in one strongly connected component; a line none of whose rising edges has
  its ends in one component gets nothing in any answer. A second relaxation adds the capacitated lanes and the
  nested protection rows: an arc runs from its node through the protection rows over it (a pool's rows nest by
  class rank, so they chain: the draw of classes >= t passes the row of t, then that of the next class), then
  through its lane's row when the lane has a capacity, to its line; a row is an edge between two vertices of its
  own, bounded by the row's bounds, and the arcs sharing a stretch of path are summed into one edge with their
  bounds summed. Every answer maps onto a feasible circulation of it with the same units per line. Summing loses
  which of a pool's nodes an arc leaves (a unit may reach a line by an arc a face fixed at 0), so neither
  relaxation contains the other: a line either shows unserved is unserved.
- **Eligible.** Take out the arcs that sit in a lane or protection row, and let a `gain` line's units fall only
  down to its kept units: no cycle of what is left touches a row but node and line rows. When no level is held
  by a row, x plus one unit around such a cycle is an integral answer on the face, so a line with a rising arc
  whose ends are in one component of that graph is served by an answer that keeps every level. For up to
  `TRACED` lines that graph leaves, the shortest residual cycle through every arc is traced (breadth-first from
  the line) and taken when x plus one unit around it keeps every column and row of the model within its bounds
  as they stand (lane, protection, kept and held rows included).

Lines neither settles go to the LP as before. A batch with binaries is not tested (its levels are held by rows).
The one-unit exchange (`optimizers.reallocation.exchange`) follows some cycles through a capacitated lane, which
the second graph does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order, connected_components

from optimizers.reallocation.bounds import HighsRefused, checked
from optimizers.reallocation.model import HELD, LANE, NODE, PROTECTION

if TYPE_CHECKING:
    from optimizers.reallocation.lexicographic import BatchSolver

_SLACK = 0.5  # every bound and the incumbent are integers: a residual is there when it is at least one unit
_TOLERANCE = 1e-6  # a moved answer's columns and rows within their bounds up to this (integers, in the LP's noise)
TRACED = 20  # lines a call traces a cycle for, each one breadth-first search of the graph and a check of its rows
Edges = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # tails, heads, flows, lower, upper


def settled(s: BatchSolver, lines: list[int]) -> tuple[list[int], list[int]]:
    """Of `lines` (positions in the batch, each unserved by the incumbent): those some answer on the current face
    serves, and those none does, as far as the residual graphs show; ([], []) for a batch with binaries."""
    if not lines or s.stopped or s.m.integer[len(s.m.arcs) :].any():
        return [], []
    try:
        graph = _Residual(s)
        dead = set(graph.unserved(lines))
        rest = [p for p in lines if p not in dead]
        if not rest or any(kind == HELD for kind, _ in s.extra_rows):
            return [], sorted(dead)
        return graph.served(rest), sorted(dead)
    except HighsRefused:
        return [], []  # nothing is settled from what HiGHS did not give: the LP rounds settle them


class _Residual:
    """The batch at the incumbent, as flows on edges. Vertex 0 is the super node, then one per node row and one
    per line; the aggregated graph adds two per lane and protection row (in, out)."""

    def __init__(self, s: BatchSolver) -> None:
        self.s = s
        m, rc = s.m, s.rc
        n = len(m.arcs)
        col_lo, col_hi = s.col_bounds(np.arange(n))
        self.flow, self.col_lo, self.col_hi = np.rint(s.x[:n]), col_lo, col_hi
        self.arc_values = (self.flow, self.col_lo, self.col_hi)
        self._segments: tuple[np.ndarray, np.ndarray, np.ndarray, Edges] | None = None
        self._outside: np.ndarray | None = None
        kinds, entities = m.row_tags
        node_rows = np.flatnonzero(kinds == NODE)
        at = _positions(entities[node_rows], rc.arc_node[m.arcs])
        n_nodes, n_lines = len(node_rows), len(m.lines)
        self.node_v, self.line_v = 1 + at, 1 + n_nodes + m.arc_line
        self.first_line, self.n_lines = 1 + n_nodes, n_lines
        self.size = 1 + n_nodes + n_lines
        lo, hi = s.row_bounds(node_rows)
        activity = np.bincount(at, weights=self.flow, minlength=n_nodes)
        self.nodes: Edges = (np.zeros(n_nodes, np.int64), 1 + np.arange(n_nodes), activity, lo, hi)
        line_lo, line_hi = np.zeros(n_lines), np.zeros(n_lines)  # a line without a row (ship-complete) is shut
        with_row = np.array(sorted(m.line_row), np.int64)
        line_lo[with_row], line_hi[with_row] = s.line_bounds(with_row.tolist())
        units = np.bincount(m.arc_line, weights=self.flow, minlength=n_lines)
        self.lines: Edges = (self.first_line + np.arange(n_lines), np.zeros(n_lines, np.int64), units, line_lo, line_hi)

    def unserved(self, lines: list[int]) -> list[int]:
        """The lines among `lines` that no feasible circulation of one of the two relaxations serves: the graph of
        the node and line rows, where each arc keeps its own edge, and the aggregated graph, which adds the lane
        and protection rows but sums the arcs that share a stretch of path (a pool's stock and inbound nodes
        among them)."""
        arcs: Edges = (self.node_v, self.line_v, *self.arc_values)
        can = self._rising_into(arcs, _components(self.size, [arcs, self.nodes, self.lines]))
        tails, heads, arc, rows = self._paths()
        size = self.size + 2 * len(rows[0])
        edges, edge_of = np.unique(tails * size + heads, return_inverse=True)  # arcs sharing a stretch: one edge
        flow, lo, hi = (np.bincount(edge_of, weights=w[arc], minlength=len(edges)) for w in self.arc_values)
        summed: Edges = (edges // size, edges % size, flow, lo, hi)
        can &= self._rising_into(summed, _components(size, [summed, self.nodes, self.lines, rows]))
        return [p for p in lines if not can[p]]

    def _rising_into(self, arcs: Edges, comp: np.ndarray) -> np.ndarray:
        """Per line, whether an edge into it may rise on a cycle (its two ends in one component)."""
        tails, heads, flow, _, hi = arcs
        line = heads - self.first_line
        into = (line >= 0) & (line < self.n_lines) & (flow < hi - _SLACK) & (comp[tails] == comp[heads])
        can = np.zeros(self.n_lines, bool)
        can[line[into]] = True
        return can

    def served(self, lines: list[int]) -> list[int]:
        """The lines among `lines` that x plus one unit around a cycle serves: a cycle past node and line rows
        only, or, for at most `TRACED` of the rest, the shortest cycle through every arc, checked row by row."""
        s = self.s
        free = self._outside_rows()
        arcs: Edges = (self.node_v[free], self.line_v[free], self.flow[free], self.col_lo[free], self.col_hi[free])
        kept = np.full(self.n_lines, -np.inf)
        for p, col in s.m.kept.items():
            kept[p] = np.rint(s.x[col])
        tails, heads, units, lo, hi = self.lines
        floor: Edges = (tails, heads, units, np.maximum(lo, kept), hi)  # a `gain` line keeps its kept units
        can = self._rising_into(arcs, _components(self.size, [arcs, self.nodes, floor]))
        rest = [p for p in lines if not can[p]][:TRACED]
        if rest:
            every: Edges = (self.node_v, self.line_v, *self.arc_values)
            graph = _graph(self.size, [every, self.nodes, floor])
            for p in rest:
                can[p] = self._traced(graph, p)
        return [p for p in lines if can[p]]

    def _traced(self, graph: csr_matrix, p: int) -> bool:
        """Whether x plus one unit around the shortest residual cycle through one of line p's rising arcs keeps
        every row of the model within its bounds (lane, protection, kept and held rows included)."""
        line = self.first_line + p
        _, pred = breadth_first_order(graph, line, directed=True, return_predecessors=True)
        rising = self._preferred((self.line_v == line) & (self.flow < self.col_hi - _SLACK))
        reached = rising[pred[self.node_v[rising]] >= 0]
        if not len(reached):
            return False
        path = [int(self.node_v[reached[0]])]  # back from that arc's node to the line
        while path[-1] != line:
            path.append(int(pred[path[-1]]))
        change = {int(reached[0]): 1.0}
        for head, tail in zip(path[:-1], path[1:], strict=True):  # the cycle's edges tail -> head, line first
            col = self._column(tail, head)
            if col is not None:
                change[col[0]] = change.get(col[0], 0.0) + col[1]
        return _keeps_rows(self.s, change)

    def _column(self, tail: int, head: int) -> tuple[int, float] | None:
        """The arc column a residual edge between a node and a line moves, and by how much; None for an edge
        to or from the super node (a row's activity, which the rows' check covers)."""
        if tail == 0 or head == 0:
            return None
        if tail < self.first_line:  # node -> line: an arc rises
            cols = self._preferred((self.node_v == tail) & (self.line_v == head) & (self.flow < self.col_hi - _SLACK))
            return int(cols[0]), 1.0
        cols = self._preferred((self.node_v == head) & (self.line_v == tail) & (self.flow > self.col_lo + _SLACK))
        return int(cols[0]), -1.0

    def _preferred(self, mask: np.ndarray) -> np.ndarray:
        """The arc columns `mask` marks, those in no lane or protection row first (their rows cannot bind)."""
        cols = np.flatnonzero(mask)
        return cols[np.argsort(~self._outside_rows()[cols], kind="stable")]

    def _outside_rows(self) -> np.ndarray:
        """Per arc column, whether it is in no lane or protection row."""
        if self._outside is None:
            _, _, arc, _ = self._paths()
            inside = np.zeros(len(self.flow), bool)
            inside[arc[: len(arc) - len(self.flow)]] = True  # every segment but each arc's last, into its line
            self._outside = ~inside
        return self._outside

    def _paths(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, Edges]:
        if self._segments is None:
            self._segments = self._built_paths()
        return self._segments

    def _built_paths(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, Edges]:
        """Each arc's path from its node to its line as segments (tails, heads, the arc of each), the arcs' last
        segments last and in arc order; and the lane and protection rows as edges from their in vertex to their
        out vertex."""
        s = self.s
        m, rc = s.m, s.rc
        kinds, entities = m.row_tags
        prot_rows, lane_rows = np.flatnonzero(kinds == PROTECTION), np.flatnonzero(kinds == LANE)
        n_prot = len(prot_rows)
        v_in = self.size + 2 * np.arange(n_prot + len(lane_rows))
        prev = self.node_v.copy()
        tails: list[np.ndarray] = []
        heads: list[np.ndarray] = []
        arcs: list[np.ndarray] = []

        def step(idx: np.ndarray, row: np.ndarray) -> None:
            tails.append(prev[idx])
            heads.append(v_in[row])
            arcs.append(idx)
            prev[idx] = v_in[row] + 1

        if n_prot:  # a pool's rows by rank: the arcs of classes >= each row's rank pass it, in that order
            prots = [rc.protections[e] for e in entities[prot_rows].tolist()]
            pools: dict[tuple[int, ...], int] = {}
            pool = np.array([pools.setdefault(p.nodes, len(pools)) for p in prots], np.int64)
            rank = np.array([p.rank for p in prots], np.int64)
            order = np.lexsort((rank, pool))
            depth = np.zeros(len(pools), np.int64)
            table = np.full((len(pools), len(prots)), -1, np.int64)
            for r in order.tolist():
                table[pool[r], depth[pool[r]]] = r
                depth[pool[r]] += 1
            node_pool = np.full(len(rc.nodes), -1, np.int64)
            for nodes, p in pools.items():
                node_pool[list(nodes)] = p
            arc_pool = node_pool[rc.arc_node[m.arcs]]
            arc_rank = m.line_rank[m.arc_line]
            for j in range(int(depth.max())):
                r = np.where(arc_pool >= 0, table[np.maximum(arc_pool, 0), j], -1)
                idx = np.flatnonzero((r >= 0) & (arc_rank >= rank[np.maximum(r, 0)]))
                step(idx, r[idx])
        if len(lane_rows):
            lane_at = np.full(len(rc.lanes) + 1, -1, np.int64)
            lane_at[entities[lane_rows]] = n_prot + np.arange(len(lane_rows))
            r = lane_at[rc.arc_lane[m.arcs]]
            idx = np.flatnonzero(r >= 0)
            step(idx, r[idx])
        every = np.arange(len(self.flow))
        tails.append(prev)
        heads.append(self.line_v)
        arcs.append(every)
        tail, head, arc = np.concatenate(tails), np.concatenate(heads), np.concatenate(arcs)
        into = np.searchsorted(v_in, head[: len(head) - len(every)])  # segments into a row's in vertex
        activity = np.bincount(into, weights=self.flow[arc[: len(arc) - len(every)]], minlength=len(v_in))
        lo, hi = s.row_bounds(np.concatenate([prot_rows, lane_rows]))
        return tail, head, arc, (v_in, v_in + 1, activity, lo, hi)


def _positions(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The position in `keys` (distinct) of each of `wanted` (each present)."""
    order = np.argsort(keys)
    return order[np.searchsorted(keys, wanted, sorter=order)]


def _graph(size: int, edges: list[Edges]) -> csr_matrix:
    """The residual graph of these edges: each one forward where its flow may rise by a unit, backward where it
    may fall by one."""
    tails, heads = [], []
    for tail, head, flow, lo, hi in edges:
        up, down = flow < hi - _SLACK, flow > lo + _SLACK
        tail, head = np.broadcast_to(tail, flow.shape), np.broadcast_to(head, flow.shape)
        tails += [tail[up], head[down]]
        heads += [head[up], tail[down]]
    t, h = np.concatenate(tails), np.concatenate(heads)
    return csr_matrix((np.ones(len(t), np.int8), (t, h)), shape=(size, size))


def _components(size: int, edges: list[Edges]) -> np.ndarray:
    """Strongly connected components of the residual graph of these edges."""
    return connected_components(_graph(size, edges), directed=True, connection="strong")[1]


def _keeps_rows(s: BatchSolver, change: dict[int, float]) -> bool:
    """Whether the incumbent with these columns changed keeps every column and row of the model within its
    bounds as they stand."""
    h = s.m.h
    cols = np.array(sorted(change), np.int32)
    delta = np.array([change[c] for c in cols.tolist()])
    lo, hi = s.col_bounds(cols)
    moved = s.x[cols] + delta
    if np.any(moved < lo - _TOLERANCE) or np.any(moved > hi + _TOLERANCE):
        return False
    status, start, index, value = h.getColsEntries(len(cols), cols)
    checked(status)
    counts = np.diff(np.append(start, len(index)))
    rows, at = np.unique(index, return_inverse=True)
    shift = np.bincount(at, weights=value * np.repeat(delta, counts), minlength=len(rows))
    status, r_start, r_index, r_value = h.getRowsEntries(len(rows), rows.astype(np.int32))
    checked(status)
    r_counts = np.diff(np.append(r_start, len(r_index)))
    activity = np.bincount(np.repeat(np.arange(len(rows)), r_counts), weights=r_value * s.x[r_index],
                           minlength=len(rows))  # fmt: skip
    row_lo, row_hi = s.row_bounds(rows)
    after = activity + shift
    return bool(np.all(after >= row_lo - _TOLERANCE) and np.all(after <= row_hi + _TOLERANCE))
