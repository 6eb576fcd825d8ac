"""The model of one batch of lines, built for HiGHS (highspy) as an integer program.

Data: the batch's arcs a (line l, supply node n, route), lines, nodes, lanes, protection rows, orders whose
shipment limit K_o could bind.
Variables: x_a in Z, 0 <= x_a <= min(node, line cap, lane); z_l in {0,1} per ship-complete line;
k_l in [0, confirmed_l] per `gain` line (kept units); u_l in [0, confirmed_l] and v_l >= 0 per line, the units
up to and beyond the confirmed ones (|allocated - confirmed| = confirmed - u_l + v_l at the stability optimum);
y_of in {0,1} per (order with a binding limit, ship-from location).
Constraints: sum_{a at n} x_a <= qty_n; sum_{a via k} x_a <= cap_k; sum_{a of l} x_a <= cap_l, or = qty_l z_l
when ship-complete; per protection row (nodes, rank r, cap) sum over its nodes' arcs of lines of class >= r
<= cap; k_l <= sum_{a of l} x_a; sum_{a of l} x_a = u_l + v_l;
sum_{a of l at f} x_a <= cap_l y_of and sum_f y_of <= K_o.
Every coefficient and bound is an integer. k, u, v each appear in one row, so where the supply, lane and line
rows form a network matrix the whole matrix stays totally unimodular and LP vertices are integral; a level is
proven by an integral optimal LP vertex or, when the LP's optimum is fractional, by HiGHS's optimal status on
the integer program
(`optimizers.reallocation.lexicographic`).
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
from scipy.sparse import csr_matrix

from optimizers.reallocation.candidates import RunCandidates
from optimizers.reallocation.problem import Strategy

INF = highspy.kHighsInf


@dataclass
class BatchModel:
    """A batch's HiGHS model and where its columns are."""

    h: highspy.Highs
    lines: np.ndarray  # global line indices
    arcs: np.ndarray  # global arc indices; column j < len(arcs) is arc arcs[j]
    arc_line: np.ndarray  # per arc column, the position of its line in `lines`
    kept: dict[int, int]  # line position -> k column
    under: np.ndarray  # per line position, its u column (units up to the confirmed ones)
    over: np.ndarray  # per line position, its v column (units beyond them)
    line_row: dict[int, int]  # line position -> the row sum x <= cap of a line that is not ship-complete
    n_cols: int
    integer: np.ndarray  # per column, must it be integral


class _Rows:
    """Row-wise triplets gathered before one `passModel`."""

    def __init__(self) -> None:
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.lo: list[float] = []
        self.hi: list[float] = []

    def add(self, cols: np.ndarray, vals: np.ndarray, lo: float, hi: float) -> None:
        self.r.append(np.full(len(cols), len(self.lo)))
        self.c.append(np.asarray(cols))
        self.v.append(np.asarray(vals, float))
        self.lo.append(lo)
        self.hi.append(hi)


def build_model(rc: RunCandidates, lines: np.ndarray, limits: dict[str, int]) -> BatchModel:
    """The batch's model with every constraint family; no objective yet."""
    arcs = np.flatnonzero(np.isin(rc.arc_line, lines))
    pos = np.searchsorted(lines, rc.arc_line[arcs])
    caps = np.array([rc.lines[li].cap for li in lines.tolist()], np.int64)
    ub = np.minimum(np.array([n.qty for n in rc.nodes], np.int64)[rc.arc_node[arcs]], caps[pos])
    lane_cap = np.array([c if c is not None else 1 << 40 for _, _, c in rc.lanes] + [1 << 40], np.int64)
    ub = np.minimum(ub, lane_cap[rc.arc_lane[arcs]])
    lo_c, hi_c, integer = [0.0] * len(arcs), ub.astype(float).tolist(), [True] * len(arcs)

    def column(hi: float, is_int: bool) -> int:
        lo_c.append(0.0)
        hi_c.append(hi)
        integer.append(is_int)
        return len(hi_c) - 1

    rows = _Rows()
    cols_of_line = np.split(np.arange(len(arcs)), np.flatnonzero(np.diff(pos)) + 1) if len(arcs) else []
    kept: dict[int, int] = {}
    under = np.zeros(len(lines), np.int64)
    over = np.zeros(len(lines), np.int64)
    line_row: dict[int, int] = {}
    for p, cols in enumerate(cols_of_line):
        ref = rc.lines[int(lines[p])]
        if ref.line.ship_complete:
            z = column(1.0, True)
            rows.add(np.append(cols, z), np.append(np.ones(len(cols)), -ref.line.qty), 0.0, 0.0)
        else:
            line_row[p] = len(rows.lo)
            rows.add(cols, np.ones(len(cols)), -INF, float(ref.cap))
        if ref.cls.strategy == Strategy.GAIN and ref.line.confirmed_qty > 0:
            kept[p] = column(float(ref.line.confirmed_qty), False)
            rows.add(np.append(cols, kept[p]), np.append(-np.ones(len(cols)), 1.0), -INF, 0.0)
        under[p] = column(float(ref.line.confirmed_qty), False)
        over[p] = column(INF, False)
        rows.add(np.concatenate([cols, [under[p], over[p]]]), np.append(np.ones(len(cols)), [-1.0, -1.0]), 0.0, 0.0)
    _supply_rows(rc, arcs, rows)
    _limit_rows(rc, lines, arcs, pos, limits, rows, column)
    h = _load(rows, lo_c, hi_c)
    return BatchModel(h, lines, arcs, pos, kept, under, over, line_row, len(hi_c), np.array(integer, bool))


def _supply_rows(rc: RunCandidates, arcs: np.ndarray, rows: _Rows) -> None:
    """Node, lane and nested protection rows over the batch's arcs."""
    node = rc.arc_node[arcs]
    order = np.argsort(node, kind="stable")
    at: dict[int, np.ndarray] = {}  # node -> its arc columns
    for group in np.split(order, np.flatnonzero(np.diff(node[order])) + 1) if len(arcs) else []:
        at[int(node[group[0]])] = group
        rows.add(group, np.ones(len(group)), -INF, float(rc.nodes[int(node[group[0]])].qty))
    lane = rc.arc_lane[arcs]
    for k in np.unique(lane[lane >= 0]).tolist():
        if rc.lanes[k][2] is not None:
            cols = np.flatnonzero(lane == k)
            rows.add(cols, np.ones(len(cols)), -INF, float(rc.lanes[k][2]))
    rank = np.array([rc.lines[li].cls.rank for li in rc.arc_line[arcs].tolist()], np.int64)
    for row in rc.protections:
        pool = [at[n] for n in row.nodes if n in at]
        cols = np.sort(np.concatenate(pool)) if pool else np.zeros(0, np.int64)
        cols = cols[rank[cols] >= row.rank]
        if len(cols):
            rows.add(cols, np.ones(len(cols)), -INF, float(row.cap))


def _limit_rows(rc, lines, arcs, pos, limits, rows, column) -> None:  # type: ignore[no-untyped-def]
    """Shipment limits: a line ships from f only when f is chosen, and an order chooses at most K_o."""
    origin = rc.arc_origin[arcs]
    chosen: dict[tuple[str, int], int] = {}
    starts = np.searchsorted(pos, np.arange(len(lines) + 1))  # arcs are sorted by line
    for p, li in enumerate(lines.tolist()):
        ref = rc.lines[li]
        k = limits.get(ref.order.id)
        if k is None:
            continue
        mine = np.arange(starts[p], starts[p + 1])
        for f in np.unique(origin[mine]).tolist():
            y = chosen.get((ref.order.id, f))
            if y is None:
                y = chosen[(ref.order.id, f)] = column(1.0, True)
            cols = mine[origin[mine] == f]
            rows.add(np.append(cols, y), np.append(np.ones(len(cols)), -float(ref.cap)), -INF, 0.0)
    per_order: dict[str, list[int]] = {}
    for (oid, _), y in chosen.items():
        per_order.setdefault(oid, []).append(y)
    for oid, ys in per_order.items():
        if len(ys) > limits[oid]:
            rows.add(np.array(ys), np.ones(len(ys)), -INF, float(limits[oid]))


def _load(rows: _Rows, lo: list[float], hi: list[float]) -> highspy.Highs:
    """The model as an LP; `optimizers.reallocation.lexicographic` makes it integral only when the LP's
    optimum is not."""
    n = len(hi)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, len(rows.lo)
    lp.col_cost_ = np.zeros(n)
    lp.col_lower_, lp.col_upper_ = np.array(lo), np.array(hi)
    lp.row_lower_, lp.row_upper_ = np.array(rows.lo), np.array(rows.hi)
    if rows.lo:
        m = csr_matrix(
            (np.concatenate(rows.v), (np.concatenate(rows.r), np.concatenate(rows.c))), shape=(len(rows.lo), n)
        )
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = m.indptr, m.indices, m.data
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("threads", 1)
    h.passModel(lp)
    return h
