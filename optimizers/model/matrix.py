"""The allocation model, built as one sparse matrix for OR-Tools' model_builder.

Mathematics. Arcs a = (supply node n, line l, route r) with integer flow x_a >= 0.
  (1) supply:     sum_{a in n} x_a <= q_n                        for every supply node n
  (2) lane:       sum_{a via k} x_a <= cap_k                      for every lane whose capacity can bind
  (3) line:       sum_{a in l} x_a <= qty_l;  ship-complete: sum_{a in l} x_a = qty_l * y_l, y_l in {0,1}
  (4) shipments:  x_a <= min(q_n, qty_l) z_f for a from f,  sum_f z_f <= K  (only when K can bind)
The relaxed model drops (3b) and (4) and keeps x continuous; `optimizers.solvers.lexicographic` says when its answer
is exact. Objective rows, whose bounds fix each lexicographic level once it is solved:
  on_time = sum on_time_a x_a,  units = sum x_a,  margin = sum m_a x_a (m_a in 1e-4 units, integers).
The level-4 tie-break minimises sum tie_a x_a. In the LP the margin and tie rows define free columns, so moving
to level 3 or 4 changes one objective coefficient, not one per arc.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.linear_solver.python import model_builder_helper as mbh

from optimizers.candidates.candidate_set import CandidateSet
from optimizers.model.sparse_rows import SparseRows


@dataclass(frozen=True)
class Model:
    helper: mbh.ModelBuilderHelper
    n_arcs: int
    n_vars: int
    n_rows: int
    integer: bool
    row_on_time: int
    row_units: int
    row_margin: int
    on_time: np.ndarray
    margin: np.ndarray
    tie: np.ndarray
    total_qty: int
    row_lo: np.ndarray  # row bounds as built (a row made tight keeps its finite side)
    row_hi: np.ndarray
    line_row: dict[int, int]  # line index -> its row
    level_cols: tuple[int, ...]  # LP only: the columns v = c . x of levels 3 and 4 (margin, tie)
    fixed: np.ndarray  # per arc, fixed at 0 by construction (`hopeless_arcs`)


def build_model(cs: CandidateSet, discrete: bool) -> Model:
    """The sparse model; `discrete=False` relaxes ship-complete and the shipment limit, with continuous flows."""
    arcs, n = cs.arcs, len(cs.arcs)
    node, line, lane = arcs.node, arcs.line, arcs.lane
    on_time = arcs.on_time.astype(np.float64)
    margin = arcs.margin.astype(np.float64)
    tie = arcs.tie.astype(np.float64)
    qty = cs.line_qty.astype(np.float64)
    cols = np.arange(n)
    rows = SparseRows()
    rows.grouped(node, cols, cs.node_qty.astype(np.float64))
    caps = binding_lane_caps(cs, node, lane)
    on_lane = caps[np.maximum(lane, 0)] < np.inf if len(caps) else np.zeros(n, bool)
    on_lane &= lane >= 0
    rows.grouped(lane[on_lane], cols[on_lane], caps)
    y_lines, line_row = _line_rows(rows, cs, line, cols, qty, discrete)
    z_locations = _shipment_rows(rows, cs, node, line, qty, n + len(y_lines)) if discrete else ()
    n_vars = n + len(y_lines) + len(z_locations)
    total = int(qty.sum())
    level_cols: tuple[int, ...] = ()
    if discrete:
        # Finite bounds that never bind: some OR-Tools loaders drop free rows, and these must stay addressable.
        low_margin = -float(np.abs(margin).sum() * max(1, total)) - 1.0
        first = rows.block(
            np.repeat(np.arange(3), n),
            np.tile(cols, 3),
            np.concatenate([on_time, np.ones(n), margin]),
            np.array([0.0, 0.0, low_margin]),
            np.full(3, np.inf),
        )
    else:
        # A free column per tie-breaking level, v = c . x (margin, then tie): those levels' objectives are then
        # one coefficient instead of one per arc, which pywraplp sets one call at a time. Levels 1-2 need none:
        # the first objective is loaded with the model. Each such row is dense and costs GLOP time, so only two.
        level_cols = (n_vars, n_vars + 1)
        first = rows.block(
            np.concatenate([np.zeros(n, np.int64), np.ones(n, np.int64), np.arange(2)]),
            np.concatenate([cols, cols, np.array(level_cols)]),
            np.concatenate([margin, tie, np.full(2, -1.0)]),
            np.zeros(2),
            np.zeros(2),
        )
        n_vars += 2
    matrix = rows.csr(n_vars)
    helper = mbh.ModelBuilderHelper()
    lower = np.zeros(n_vars)
    fixed = hopeless_arcs(cs)
    upper = np.concatenate([np.where(fixed, 0.0, np.inf), np.ones(n_vars - n)])
    lower[list(level_cols)], upper[list(level_cols)] = -np.inf, np.inf
    row_lo, row_hi = np.concatenate(rows.lo), np.concatenate(rows.hi)
    fill: Any = helper.fill_model_from_sparse_data  # its stubs type ndarray unlike numpy does
    fill(lower, upper, np.zeros(n_vars), row_lo, row_hi, matrix)
    if discrete:
        for j in range(n_vars):
            helper.set_var_integrality(j, True)
    return Model(
        helper,
        n,
        n_vars,
        rows.count,
        discrete,
        first,
        first + 1,
        first + 2,
        on_time,
        margin,
        tie,
        total,
        row_lo,
        row_hi,
        line_row,
        level_cols,
        fixed,
    )


def hopeless_arcs(cs: CandidateSet) -> np.ndarray:
    """Per arc, True when its line ships complete but all the supply it can draw on is less than its quantity.

    Such a line gets nothing in every feasible decision, so its arcs are fixed at 0 in both models: the
    relaxation then needs no branching on it.
    """
    a = cs.arcs
    if not len(a):
        return np.zeros(0, bool)
    pairs = np.unique(a.line * len(cs.nodes) + a.node)  # each (line, node) once
    reach = np.bincount(pairs // len(cs.nodes), cs.node_qty[pairs % len(cs.nodes)], minlength=len(cs.line_qty))
    return (cs.ship_complete & (reach < cs.line_qty))[a.line]


def binding_lane_caps(cs: CandidateSet, node: np.ndarray, lane: np.ndarray) -> np.ndarray:
    """Per lane, its capacity if the supply that may route through it could exceed it, else inf."""
    caps = np.full(len(cs.lanes), np.inf)
    limited = np.array([cap is not None for _, _, cap in cs.lanes], bool)
    if not limited.any() or not len(node):
        return caps
    via = lane >= 0
    pairs = np.unique(lane[via] * len(cs.nodes) + node[via])  # each (lane, node) once: a node's supply counts once
    reach = np.bincount(pairs // len(cs.nodes), cs.node_qty[pairs % len(cs.nodes)], minlength=len(cs.lanes))
    cap = np.array([c if c is not None else 0 for _, _, c in cs.lanes], np.float64)
    binding = limited & (reach > cap)
    caps[binding] = cap[binding]
    return caps


def _line_rows(
    rows: SparseRows,
    cs: CandidateSet,
    line: np.ndarray,
    cols: np.ndarray,
    qty: np.ndarray,
    discrete: bool,
) -> tuple[tuple[int, ...], dict[int, int]]:
    """Line rows `sum x <= qty`; in the discrete model a ship-complete line gets `sum x - qty * y = 0`."""
    if not len(line):
        return (), {}
    present, inverse = np.unique(line, return_inverse=True)
    complete = cs.ship_complete[present] & discrete
    y_rows = np.flatnonzero(complete)
    y_cols = len(cols) + np.arange(len(y_rows))  # the y binaries follow the arc columns
    first = rows.block(
        np.concatenate([inverse, y_rows]),
        np.concatenate([cols, y_cols]),
        np.concatenate([np.ones(len(cols)), -qty[present][complete]]),
        np.where(complete, 0.0, -np.inf),
        np.where(complete, 0.0, qty[present]),
    )
    return tuple(present[complete].tolist()), {li: first + k for k, li in enumerate(present.tolist())}


def _shipment_rows(
    rows: SparseRows, cs: CandidateSet, node: np.ndarray, line: np.ndarray, qty: np.ndarray, first_z: int
) -> tuple[int, ...]:
    """Shipment-limit rows, only when the limit is below the number of possible ship-from locations."""
    limit = cs.max_shipments
    origins, origin = np.unique(cs.arcs.origin, return_inverse=True)
    if limit is None or limit >= len(origins):
        return ()
    n = len(cs.arcs)
    # x_a <= min(supply, line qty) * z_f, one row per arc: tighter than one big-M per location.
    bound = np.minimum(cs.node_qty[node].astype(np.float64), qty[line])
    arange = np.arange(n)
    rows.block(
        np.concatenate([arange, arange]),
        np.concatenate([arange, first_z + origin]),
        np.concatenate([np.ones(n), -bound]),
        np.full(n, -np.inf),
        np.zeros(n),
    )
    zs = np.arange(first_z, first_z + len(origins))
    rows.block(np.zeros(len(origins), np.int64), zs, np.ones(len(origins)), np.array([-np.inf]), np.array([limit]))
    return tuple(origins.tolist())
