"""Lazy shipment limits: an order's limit gets its binaries only once an answer breaks it.

An order whose shipment limit could bind (distinct ship-from locations with a positive fill <= K_o) starts
without its binaries y_of and rows; while some are left out, the batch's model is a relaxation of the full one.
So a bound it gives is a bound, an infeasibility it finds is one, and an answer of it that keeps every limit is
optimal for the full model too; its optimal face holds every full optimum of that level, so confining the next
levels to it loses none. An answer (LP, dive or integer program) that ships an order from more than K_o
locations is not taken: the order gets its binaries, rows sum_{a of l at f} x_a <= M_lf y_of per (line,
location), where M_lf = min(cap_l, the sum of the upper bounds of l's arcs from f) (the tightest big-M), and
sum_f y_of <= K_o, and the solve is repeated. An order keeps its binaries for every later level.
"""

from __future__ import annotations

import highspy
import numpy as np

from optimizers.reallocation.candidates import RunCandidates
from optimizers.reallocation.model import INF, BatchModel

POSITIVE = 1e-6  # a flow above this ships (HiGHS's feasibility tolerance is 1e-7)
Choice = tuple[np.ndarray, int]  # an order's y columns and its limit K_o


class LazyLimits:
    """The shipment limits of a batch's orders, and which of them are not modelled yet."""

    def __init__(self, rc: RunCandidates, m: BatchModel, limits: dict[str, int]) -> None:
        order_ids = sorted({o for li in m.lines.tolist() if (o := rc.lines[li].order.id) in limits})
        at = {o: j for j, o in enumerate(order_ids)}
        line_order = np.array([at.get(rc.lines[li].order.id, -1) for li in m.lines.tolist()], np.int64)
        arc_order = line_order[m.arc_line] if len(m.arc_line) else np.zeros(0, np.int64)
        self.cols = np.flatnonzero(arc_order >= 0)  # arc columns of limited orders, in column order
        self.order = arc_order[self.cols]
        self.origin = rc.arc_origin[m.arcs][self.cols]
        self.k = np.array([limits[o] for o in order_ids], np.int64)
        self.pending = np.ones(len(order_ids), bool)
        self.n_loc = max(1, len(rc.locations))
        self.line_cap = np.array([rc.lines[li].cap for li in m.lines.tolist()], float)
        self.arc_ub = np.asarray(m.h.getLp().col_upper_, float)[: len(m.arcs)]  # as built: min(node, line, lane)
        self.arc_line = m.arc_line

    def broken(self, x: np.ndarray) -> np.ndarray:
        """The orders not modelled yet that x ships from more locations than their limit (indices)."""
        if not self.pending.any():
            return np.zeros(0, np.int64)
        ships = x[self.cols] > POSITIVE
        pairs = np.unique(self.order[ships] * self.n_loc + self.origin[ships])
        count = np.bincount(pairs // self.n_loc, minlength=len(self.k))
        return np.flatnonzero(self.pending & (count > self.k))

    def add(self, h: highspy.Highs, orders: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, list[Choice]]:
        """Model the orders' limits in h: their y columns' values at x (x keeps their limits), and per order its
        y columns and K_o (for the dive). Columns are appended per order, by location; rows per (line, location)."""
        values: list[np.ndarray] = []
        choices: list[Choice] = []
        for j in orders.tolist():
            mine, origin = self.cols[self.order == j], self.origin[self.order == j]
            places = np.unique(origin)
            y = np.arange(h.getNumCol(), h.getNumCol() + len(places))
            h.addVars(len(places), np.zeros(len(places)), np.ones(len(places)))
            shipped = np.zeros(len(places))
            np.maximum.at(shipped, np.searchsorted(places, origin), (x[mine] > 0.5).astype(float))
            values.append(shipped)
            key = self.arc_line[mine] * self.n_loc + origin
            by_key = np.argsort(key, kind="stable")
            groups, starts = np.unique(key[by_key], return_index=True)
            index, coef = [], []
            for g, part in zip(groups.tolist(), np.split(by_key, starts[1:]), strict=True):
                room = min(self.line_cap[g // self.n_loc], float(self.arc_ub[mine[part]].sum()))
                index.append(np.append(mine[part], y[np.searchsorted(places, g % self.n_loc)]))
                coef.append(np.append(np.ones(len(part)), -room))
            first = np.cumsum([0] + [len(i) for i in index[:-1]]).astype(np.int32)
            n = len(index)
            h.addRows(
                n, np.full(n, -INF), np.zeros(n), int(first[-1]) + len(index[-1]), first,
                np.concatenate(index).astype(np.int32), np.concatenate(coef),
            )  # fmt: skip
            k = int(self.k[j])
            h.addRow(-INF, float(k), len(y), y.astype(np.int32), np.ones(len(y)))
            choices.append((y, k))
            self.pending[j] = False
        return (np.concatenate(values) if values else np.zeros(0)), choices

    def shut(self, x: np.ndarray, incumbent: np.ndarray, orders: np.ndarray) -> np.ndarray:
        """For each order, its arc columns outside K_o locations: those the incumbent ships from (it keeps the
        limit), then those with the most flow in x (ties by location)."""
        out = []
        for j in orders.tolist():
            mine = self.cols[self.order == j]
            origin = self.origin[self.order == j]
            places = np.unique(origin)
            where = np.searchsorted(places, origin)
            used = np.zeros(len(places))
            np.maximum.at(used, where, (incumbent[mine] > 0.5).astype(float))
            flow = np.bincount(where, weights=x[mine], minlength=len(places))
            rank = np.lexsort((np.arange(len(places)), -flow, -used))
            keep = places[rank[: int(self.k[j])]]
            out.append(mine[~np.isin(origin, keep)])
        return np.concatenate(out) if out else np.zeros(0, np.int64)
