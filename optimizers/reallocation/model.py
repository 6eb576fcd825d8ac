"""The model of one batch of lines, built for HiGHS (highspy) as an integer program.

Data: the batch's arcs a (line l, supply node n, route), lines, nodes, lanes, protection rows, orders whose
shipment limit K_o could bind.
Variables: x_a in Z, 0 <= x_a <= min(node, line cap, lane); z_l in {0,1} per ship-complete line;
k_l in [0, confirmed_l] per `gain` line (kept units); y_of in {0,1} per (order with a binding limit, ship-from
location); and, added by the solver only for the stability level (`optimizers.reallocation.lexicographic`),
u_l in [0, confirmed_l] and v_l >= 0 per line, the units up to and beyond the confirmed ones
(|allocated - confirmed| = confirmed - u_l + v_l at the stability optimum).
Constraints: sum_{a at n} x_a <= qty_n; sum_{a via k} x_a <= cap_k; sum_{a of l} x_a <= cap_l, or = qty_l z_l
when ship-complete; per protection row (nodes, rank r, cap) sum over its nodes' arcs of lines of class >= r
<= cap; k_l <= sum_{a of l} x_a; sum_{a of l} x_a = u_l + v_l (stability only);
sum_{a of l at f} x_a <= cap_l y_of and sum_f y_of <= K_o.
Every coefficient and bound is an integer. k, u, v each appear in one row, so where the supply, lane and line
rows form a network matrix the whole matrix stays totally unimodular and LP vertices are integral; a level is
proven by an integral optimal LP vertex or, when the LP's optimum is fractional, by HiGHS's optimal status on
the integer program
(`optimizers.reallocation.lexicographic`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy.sparse import csr_matrix

from optimizers.reallocation.bounds import checked
from optimizers.reallocation.build import children
from optimizers.reallocation.candidates import RunCandidates
from optimizers.reallocation.problem import Strategy
from optimizers.solvers.highs import quiet_highs

INF = highspy.kHighsInf

# What each column and row of a batch model stands for, as (kind, entity): `optimizers.reallocation.warm` turns
# them into keys that name the same column or row in another run's model (a scenario's, say). Entities index the
# run's candidates: a global arc, a global line, a node, a lane, a protection row; (line, origin) pairs are
# line * len(locations) + origin, and an order is named by one of its lines.
ARC, SHIP_COMPLETE, KEPT, CHOSEN, UNDER, OVER = range(6)  # column kinds
LINE, KEPT_ROW, NODE, LANE, PROTECTION, LINE_ORIGIN, ORDER_LIMIT, STABILITY, HELD = range(9)  # row kinds
# The fill ratio's columns and rows, added for one solve and deleted again (`BatchSolver.drop_scratch`): a line's
# eligibility column e_l and its row, the ratio's t (entity 0: one per batch) and a line's row x_l >= qty_l t.
ELIGIBLE, RATIO = 6, 7  # column kinds
ELIGIBLE_ROW, RATIO_ROW = 9, 10  # row kinds
SCRATCH_COLS, SCRATCH_ROWS = frozenset({ELIGIBLE, RATIO}), frozenset({ELIGIBLE_ROW, RATIO_ROW})


@dataclass
class BatchModel:
    """A batch's HiGHS model and where its columns are."""

    h: highspy.Highs
    lines: np.ndarray  # global line indices
    arcs: np.ndarray  # global arc indices; column j < len(arcs) is arc arcs[j]
    arc_line: np.ndarray  # per arc column, the position of its line in `lines`
    kept: dict[int, int]  # line position -> k column
    line_row: dict[int, int]  # line position -> the row sum x <= cap of a line that is not ship-complete
    n_cols: int
    integer: np.ndarray  # per column, must it be integral
    choices: list[tuple[np.ndarray, int]] = field(default_factory=list)  # per limited order: its y columns, K_o
    line_strategy: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # index in `Strategy`
    line_rank: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # tier class
    line_limited: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # its order's limit can bind
    col_tags: tuple[np.ndarray, np.ndarray] = (np.zeros(0, np.int8), np.zeros(0, np.int64))  # (kind, entity)
    row_tags: tuple[np.ndarray, np.ndarray] = (np.zeros(0, np.int8), np.zeros(0, np.int64))


class _Rows:
    """Row-wise triplets gathered in blocks before one `passModel`; rows and columns are numbered as added."""

    def __init__(self, n_cols: int) -> None:
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.lo: list[np.ndarray] = []
        self.hi: list[np.ndarray] = []
        self.n_rows = 0
        self.col_hi: list[np.ndarray] = []
        self.col_int: list[np.ndarray] = []
        self.n_cols = n_cols
        self.choices: list[tuple[np.ndarray, int]] = []
        self.col_kind: list[np.ndarray] = []
        self.col_entity: list[np.ndarray] = []
        self.row_kind: list[np.ndarray] = []
        self.row_entity: list[np.ndarray] = []

    def columns(
        self, hi: np.ndarray, is_int: bool | np.ndarray, kind: int | np.ndarray, entity: np.ndarray
    ) -> np.ndarray:
        """New columns in [0, hi], integral where `is_int` says, standing for (kind, entity): their indices."""
        self.col_hi.append(np.asarray(hi, float))
        self.col_int.append(np.broadcast_to(np.asarray(is_int, bool), (len(hi),)).copy())
        _tag(self.col_kind, self.col_entity, kind, entity)
        self.n_cols += len(hi)
        return np.arange(self.n_cols - len(hi), self.n_cols)

    def block(self, lo: np.ndarray, hi: np.ndarray, kind: int | np.ndarray, entity: np.ndarray) -> np.ndarray:
        """New rows with these bounds, standing for (kind, entity): their indices (entries are added by
        `entries`)."""
        self.lo.append(np.asarray(lo, float))
        self.hi.append(np.asarray(hi, float))
        _tag(self.row_kind, self.row_entity, kind, entity)
        self.n_rows += len(lo)
        return np.arange(self.n_rows - len(lo), self.n_rows)

    def entries(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray | float) -> None:
        self.r.append(np.asarray(rows, np.int64))
        self.c.append(np.asarray(cols, np.int64))
        self.v.append(np.broadcast_to(np.asarray(vals, float), (len(rows),)))


def _tag(kinds: list[np.ndarray], entities: list[np.ndarray], kind: int | np.ndarray, entity: np.ndarray) -> None:
    entity = np.asarray(entity, np.int64)
    kinds.append(np.broadcast_to(np.asarray(kind, np.int8), entity.shape).copy())
    entities.append(entity)


def _joined(kinds: list[np.ndarray], entities: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Blocks of (kind, entity) tags as one pair of arrays, in column (or row) order."""
    return np.concatenate([np.zeros(0, np.int8), *kinds]), np.concatenate([np.zeros(0, np.int64), *entities])


def build_model(rc: RunCandidates, lines: np.ndarray, limits: dict[str, int]) -> BatchModel:
    """The batch's model with every constraint family; no objective yet. Columns: arcs, then per line its z
    (ship-complete) and k (kept), then shipment-limit y; rows: per line its line (or ship-complete) and kept
    rows, then nodes, lanes, protections, shipment limits."""
    arcs = np.flatnonzero(np.isin(rc.arc_line, lines))
    pos = np.searchsorted(lines, rc.arc_line[arcs])
    refs = [rc.lines[li] for li in lines.tolist()]
    caps = np.array([ref.cap for ref in refs], np.int64)
    ub = np.minimum(np.array([n.qty for n in rc.nodes], np.int64)[rc.arc_node[arcs]], caps[pos])
    lane_cap = np.array([c if c is not None else 1 << 40 for _, _, c in rc.lanes] + [1 << 40], np.int64)
    ub = np.minimum(ub, lane_cap[rc.arc_lane[arcs]])
    rows = _Rows(len(arcs))
    _tag(rows.col_kind, rows.col_entity, ARC, arcs)
    sc = np.array([ref.line.ship_complete for ref in refs], bool)
    qty = np.array([ref.line.qty for ref in refs], float)
    confirmed = np.array([ref.line.confirmed_qty for ref in refs], float)
    kp = np.array([ref.cls.strategy == Strategy.GAIN for ref in refs], bool) & (confirmed > 0)
    # Per line, in line order, its columns z (if ship-complete), k (if kept); and rows line, kept (if kept).
    n_extra = sc.astype(np.int64) + kp
    first = len(arcs) + np.cumsum(n_extra) - n_extra
    z, k = first, first + sc
    hi = np.zeros(int(n_extra.sum()))
    integral = np.zeros(len(hi), bool)
    hi[z[sc] - len(arcs)], integral[z[sc] - len(arcs)] = 1.0, True
    hi[k[kp] - len(arcs)] = confirmed[kp]
    kind = np.zeros(len(hi), np.int8)
    kind[z[sc] - len(arcs)], kind[k[kp] - len(arcs)] = SHIP_COMPLETE, KEPT
    owner = np.repeat(lines, n_extra)  # each z and k column's line, in column order
    rows.columns(hi, integral, kind, owner)
    n_rows = 1 + kp.astype(np.int64)
    r_line = np.cumsum(n_rows) - n_rows
    r_kept = r_line + 1
    kind = np.full(int(n_rows.sum()), LINE, np.int8)
    kind[r_kept[kp]] = KEPT_ROW
    row = rows.block(np.zeros(len(kind)), np.zeros(len(kind)), kind, np.repeat(lines, n_rows))
    r_line, r_kept = r_line + row[0], r_kept + row[0]
    rows.lo[-1][r_line[~sc] - row[0]] = -INF
    rows.hi[-1][r_line[~sc] - row[0]] = caps[~sc]
    rows.lo[-1][r_kept[kp] - row[0]] = -INF
    line_row = {int(p): int(r) for p, r in zip(np.flatnonzero(~sc).tolist(), r_line[~sc].tolist(), strict=True)}
    col = np.arange(len(arcs))
    rows.entries(r_line[pos], col, 1.0)
    rows.entries(r_line[sc], z[sc], -qty[sc])
    mine = kp[pos]
    rows.entries(r_kept[pos[mine]], col[mine], -1.0)
    rows.entries(r_kept[kp], k[kp], 1.0)
    _supply_rows(rc, arcs, rows)
    _limit_rows(rc, lines, arcs, pos, caps, limits, rows)
    h = _load(rows, ub)
    kept = {int(p): int(c) for p, c in zip(np.flatnonzero(kp).tolist(), k[kp].tolist(), strict=True)}
    integer = np.concatenate([np.ones(len(arcs), bool), *rows.col_int])
    strategy = np.array([_STRATEGY_INDEX[ref.cls.strategy] for ref in refs], np.int64)
    rank = np.array([ref.cls.rank for ref in refs], np.int64)
    limited = np.array([ref.order.id in limits for ref in refs], bool)
    return BatchModel(h, lines, arcs, pos, kept, line_row, rows.n_cols, integer, rows.choices, strategy, rank, limited,
                      _joined(rows.col_kind, rows.col_entity), _joined(rows.row_kind, rows.row_entity))  # fmt: skip


_STRATEGY_INDEX = {strategy: k for k, strategy in enumerate(Strategy)}


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions sorted by key (stable), each position's group number, and each group's key."""
    order = np.argsort(keys, kind="stable")
    if not len(order):
        return order, order, order
    starts = np.flatnonzero(np.r_[True, np.diff(keys[order]) != 0])
    group = np.cumsum(np.r_[True, np.diff(keys[order]) != 0]) - 1
    return order, group, keys[order][starts]


def _supply_rows(rc: RunCandidates, arcs: np.ndarray, rows: _Rows) -> None:
    """Node, lane and nested protection rows over the batch's arcs."""
    node = rc.arc_node[arcs]
    order, group, present = _groups(node)
    qty = np.array([n.qty for n in rc.nodes], float)
    r = rows.block(np.full(len(present), -INF), qty[present], NODE, present)
    rows.entries(r[group], order, 1.0)
    lane = rc.arc_lane[arcs]
    capped = rc.capped_lanes()[lane]
    order, group, present = _groups(lane[capped])
    cap = np.array([c if c is not None else 0 for _, _, c in rc.lanes] + [0], float)
    r = rows.block(np.full(len(present), -INF), cap[present], LANE, present)
    rows.entries(r[group], np.flatnonzero(capped)[order], 1.0)
    if not rc.protections:
        return
    # One row per protection that covers an arc of the batch: the arcs of its nodes serving lines of its rank or
    # below (rank >= its). Worked out for every protection at once: a loop over the plain 20,000-line book's
    # 1,076 protections took 0.28 s of the 0.42 s its batches' models took (2026-12-05, a slow spell).
    rank = np.array([ref.cls.rank for ref in rc.lines], np.int64)[rc.arc_line[arcs]]
    by_node = np.argsort(node, kind="stable")
    starts = np.searchsorted(node[by_node], np.arange(len(rc.nodes) + 1))
    prot_nodes = [np.asarray(prot.nodes, np.int64) for prot in rc.protections]
    pair_prot = np.repeat(np.arange(len(rc.protections)), [len(n) for n in prot_nodes])  # (protection, node)
    pair_node = np.concatenate(prot_nodes)
    pair, offset = children(starts[pair_node + 1] - starts[pair_node])  # each (protection, arc) entry, pair by pair
    entry_prot = pair_prot[pair]
    cols = by_node[starts[pair_node][pair] + offset]
    prot_rank = np.array([prot.rank for prot in rc.protections], np.int64)
    keep = rank[cols] >= prot_rank[entry_prot]
    entry_prot, cols = entry_prot[keep], cols[keep]
    if not len(cols):
        return
    present, row_of = np.unique(entry_prot, return_inverse=True)
    cap = np.array([float(prot.cap) for prot in rc.protections])
    r = rows.block(np.full(len(present), -INF), cap[present], PROTECTION, present)
    rows.entries(r[row_of], cols, 1.0)


def _limit_rows(
    rc: RunCandidates,
    lines: np.ndarray,
    arcs: np.ndarray,
    pos: np.ndarray,
    caps: np.ndarray,
    limits: dict[str, int],
    rows: _Rows,
) -> None:
    """Shipment limits: a line ships from f only when f is chosen (y_of), and an order chooses at most K_o."""
    order_of = [rc.lines[li].order.id for li in lines.tolist()]
    limited = np.array([o in limits for o in order_of], bool)
    mine = np.flatnonzero(limited[pos])
    if not len(mine):
        return
    origin = rc.arc_origin[arcs]
    n_loc = len(rc.locations)
    # Rows per (line, origin), in line order then origin; y per (order, origin), numbered as first met there.
    lf_order, lf_group, lf_key = _groups(pos[mine] * n_loc + origin[mine])
    lf_line, lf_origin = lf_key // n_loc, lf_key % n_loc
    order_ids = sorted({order_of[p] for p in lf_line.tolist()})
    o_index = {o: j for j, o in enumerate(order_ids)}
    of_key = np.array([o_index[order_of[p]] for p in lf_line.tolist()], np.int64) * n_loc + lf_origin
    _, first_at = np.unique(of_key, return_index=True)
    firsts = np.sort(first_at)  # the (order, origin) pairs by their first (line, origin) row
    y = rows.columns(np.ones(len(firsts)), True, CHOSEN, lines[lf_line[firsts]] * n_loc + lf_origin[firsts])
    y_of = dict(zip(of_key[firsts].tolist(), y.tolist(), strict=True))
    ys = np.array([y_of[key] for key in of_key.tolist()], np.int64)
    r = rows.block(np.full(len(lf_key), -INF), np.zeros(len(lf_key)), LINE_ORIGIN, lines[lf_line] * n_loc + lf_origin)
    rows.entries(r[lf_group], mine[lf_order], 1.0)
    rows.entries(r, ys, -caps[lf_line].astype(float))
    per_order: dict[int, list[int]] = {}
    named_by: dict[int, int] = {}  # order -> one of its lines (global), which names its limit row
    for key, p in zip(of_key[firsts].tolist(), lf_line[firsts].tolist(), strict=True):
        per_order.setdefault(key // n_loc, []).append(y_of[key])
        named_by.setdefault(key // n_loc, int(lines[p]))
    for j, cols in per_order.items():
        k = limits[order_ids[j]]
        rows.choices.append((np.array(cols, np.int64), k))
        if len(cols) > k:
            rr = rows.block(np.array([-INF]), np.array([float(k)]), ORDER_LIMIT, np.array([named_by[j]]))
            rows.entries(np.full(len(cols), rr[0]), np.array(cols), 1.0)


def _load(rows: _Rows, arc_ub: np.ndarray) -> highspy.Highs:
    """The model as an LP; `optimizers.reallocation.lexicographic` makes it integral only when the LP's
    optimum is not. Passed as arrays: set on a `HighsLp` one field at a time, they were copied value by value (the
    plain 20,000-line book's largest batch, 120,000 columns and 324,000 entries: 199 ms against 30 ms,
    2026-12-05). HiGHS reads an integrality per column from that call whatever it is given, so every column is
    passed as continuous."""
    n = rows.n_cols
    hi = np.concatenate([arc_ub.astype(float), *rows.col_hi])
    h = quiet_highs()
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("threads", 1)
    if not rows.n_rows:
        lp = highspy.HighsLp()
        lp.num_col_, lp.col_cost_, lp.col_lower_, lp.col_upper_ = n, np.zeros(n), np.zeros(n), hi
        checked(h.passModel(lp))
        return h
    m = csr_matrix((np.concatenate(rows.v), (np.concatenate(rows.r), np.concatenate(rows.c))), shape=(rows.n_rows, n))
    m.sort_indices()
    checked(h.passModel(
        n, rows.n_rows, m.nnz, int(highspy.MatrixFormat.kRowwise), int(highspy.ObjSense.kMinimize), 0.0,
        np.zeros(n), np.zeros(n), hi, np.concatenate(rows.lo), np.concatenate(rows.hi),
        m.indptr[:-1].astype(np.int32), m.indices.astype(np.int32), m.data.astype(float), np.zeros(n, np.int32),
    ))  # fmt: skip
    return h
