"""Eligibility for the fill ratio settled on the residual graph of the current face, without an LP.

Eligibility (`optimizers.reallocation.ratio`) asks, for lines the incumbent x does not serve, whether some answer
keeping every earlier level serves them. On a batch without binaries every level held by its optimal face is held
by bounds: every feasible point within the bounds as they stand keeps it (complementary slackness with the
level's own optimal dual). Take the node rows (a node's arcs within its row's bounds) and the line rows (a line's
arcs within its row's bounds) with the column bounds: a circulation on the graph super node -> supply node ->
line -> super node, with x one circulation in it. Another feasible circulation differs from x by a sum of cycles
of the residual graph (an arc forward where it may rise by a unit, backward where it may fall by one; bounds and
x are integers), each following the difference's signs.

- **Not eligible**: with every other row dropped (lanes, protections, kept units, levels held by rows), the
  graph is a relaxation of the face. If some answer gives line l a unit that x does not, a residual cycle runs
  forward along one of l's arcs (node -> line), so that node and l are in one strongly connected component. A
  line none of whose rising arcs has its node and itself in one component gets nothing in any answer.
- **Eligible**: with the arcs that sit in a dropped row taken out (arcs via a capacitated lane, arcs in a
  protection row) and a `gain` line's units lowered only down to its kept units, no cycle of the graph that is
  left touches a dropped row. When no level is held by a row, x plus one unit around such a cycle is an integral
  answer on the face, so a line with a rising arc whose node and itself are in one component of that graph is
  served by an answer that keeps every level: it is eligible.

Lines neither settles go to the LP as before. A batch with binaries is not tested (its levels are held by rows).
The one-unit exchange (`optimizers.reallocation.exchange`) is the special case of a four-arc cycle through two
lines of the class; it also follows cycles through a capacitated lane, which the graph does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from optimizers.reallocation.model import HELD, NODE

if TYPE_CHECKING:
    from optimizers.reallocation.lexicographic import BatchSolver

_SLACK = 0.5  # every bound and the incumbent are integers: a residual is there when it is at least one unit


def settled(s: BatchSolver, lines: list[int]) -> tuple[list[int], list[int]]:
    """Of `lines` (positions in the batch, each unserved by the incumbent): those some answer on the current face
    serves, and those none does, as far as the residual graph shows; ([], []) for a batch with binaries."""
    if not lines or s.stopped or s.m.integer[len(s.m.arcs) :].any():
        return [], []
    graph = _Residual(s)
    dead = graph.unserved(lines)
    rest = [p for p in lines if p not in set(dead)]
    if not rest or any(kind == HELD for kind, _ in s.extra_rows):
        return [], dead
    return graph.served(rest), dead


class _Residual:
    """The residual graph of the batch's node and line rows at the incumbent: vertex 0 the super node, then the
    batch's node rows, then its lines."""

    def __init__(self, s: BatchSolver) -> None:
        m, rc, h = s.m, s.rc, s.m.h
        n = len(m.arcs)
        _, _, _, col_lo, col_hi, _ = h.getCols(n, np.arange(n, dtype=np.int32))
        flow = np.rint(s.x[:n])
        kinds, entities = m.row_tags
        node_rows = np.flatnonzero(kinds == NODE)
        node_of_row = entities[node_rows]
        order = np.argsort(node_of_row)
        at = order[np.searchsorted(node_of_row, rc.arc_node[m.arcs], sorter=order)]
        n_nodes, n_lines = len(node_rows), len(m.lines)
        self.size = 1 + n_nodes + n_lines
        self.node_v, self.line_v = 1 + at, 1 + n_nodes + m.arc_line
        self.arc_line = m.arc_line
        _, _, node_lo, node_hi, _ = h.getRows(n_nodes, node_rows.astype(np.int32))
        node_act = np.bincount(at, weights=flow, minlength=n_nodes)
        line_lo, line_hi = np.zeros(n_lines), np.zeros(n_lines)  # a line without a row (ship-complete) is shut
        with_row = np.array(sorted(m.line_row), np.int64)
        if len(with_row):
            rows = np.array([m.line_row[p] for p in with_row.tolist()], np.int32)
            _, _, lo, hi, _ = h.getRows(len(rows), rows)
            line_lo[with_row], line_hi[with_row] = lo, hi
        line_act = np.bincount(m.arc_line, weights=flow, minlength=n_lines)
        self.rises = flow < np.asarray(col_hi) - _SLACK
        self.falls = flow > np.asarray(col_lo) + _SLACK
        self.node_up, self.node_down = node_act < np.asarray(node_hi) - _SLACK, node_act > np.asarray(node_lo) + _SLACK
        self.line_up, self.line_down = line_act < line_hi - _SLACK, line_act > line_lo + _SLACK
        # For `served`: the arcs in no dropped row, and the lines whose units may fall (kept units stay).
        capped = rc.capped_lanes()[rc.arc_lane[m.arcs]]
        self.free = ~capped & ~_protected(s)
        kept = np.full(n_lines, -np.inf)
        for p, col in m.kept.items():
            kept[p] = np.rint(s.x[col])
        self.line_down_kept = self.line_down & (line_act - 1 >= kept)

    def _components(self, arcs: np.ndarray, line_down: np.ndarray) -> np.ndarray:
        """Strongly connected components of the residual graph of `arcs` (a mask of the arc columns)."""
        nodes = 1 + np.arange(len(self.node_up))
        lines = 1 + len(self.node_up) + np.arange(len(self.line_up))
        rises, falls = self.rises & arcs, self.falls & arcs
        edges = [  # (tails, heads): an arc rises, falls; a node row's activity rises, falls; a line's
            (self.node_v[rises], self.line_v[rises]),
            (self.line_v[falls], self.node_v[falls]),
            (np.zeros(int(self.node_up.sum()), np.int64), nodes[self.node_up]),
            (nodes[self.node_down], np.zeros(int(self.node_down.sum()), np.int64)),
            (lines[self.line_up], np.zeros(int(self.line_up.sum()), np.int64)),
            (np.zeros(int(line_down.sum()), np.int64), lines[line_down]),
        ]
        tails = np.concatenate([t for t, _ in edges])
        heads = np.concatenate([h for _, h in edges])
        graph = csr_matrix((np.ones(len(tails), np.int8), (tails, heads)), shape=(self.size, self.size))
        return connected_components(graph, directed=True, connection="strong")[1]

    def _open(self, arcs: np.ndarray, line_down: np.ndarray) -> np.ndarray:
        """Per line, whether one of its arcs among `arcs` may rise on a cycle of the graph of `arcs`."""
        comp = self._components(arcs, line_down)
        rising = arcs & self.rises & (comp[self.node_v] == comp[self.line_v])
        can = np.zeros(len(self.line_up), bool)
        can[self.arc_line[rising]] = True
        return can

    def unserved(self, lines: list[int]) -> list[int]:
        can = self._open(np.ones(len(self.rises), bool), self.line_down)
        return [p for p in lines if not can[p]]

    def served(self, lines: list[int]) -> list[int]:
        can = self._open(self.free, self.line_down_kept)
        return [p for p in lines if can[p]]


def _protected(s: BatchSolver) -> np.ndarray:
    """Per arc column, whether it sits in a protection row: its node is one of a row's and its line's class ranks
    at or after that row's (each row counts the lines of class rank >= its rank)."""
    rc, m = s.rc, s.m
    if not rc.protections:
        return np.zeros(len(m.arcs), bool)
    least = np.full(len(rc.nodes), np.iinfo(np.int64).max)  # per node, the least rank of a row over it
    for prot in rc.protections:
        nodes = np.asarray(prot.nodes, np.int64)
        least[nodes] = np.minimum(least[nodes], prot.rank)
    return m.line_rank[m.arc_line] >= least[rc.arc_node[m.arcs]]
