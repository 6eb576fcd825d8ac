"""The allocation model, built as one sparse matrix for OR-Tools' model_builder.

Mathematics. Arcs a = (supply node n, line l, route r) with integer flow x_a >= 0.
  (1) supply:     sum_{a in n} x_a <= q_n                        for every supply node n
  (2) lane:       sum_{a via k} x_a <= cap_k                      for every lane whose capacity can bind
  (3) line:       sum_{a in l} x_a <= qty_l;  ship-complete: sum_{a in l} x_a = qty_l * y_l, y_l in {0,1}
  (4) shipments:  x_a <= min(q_n, qty_l) z_f for a from f,  sum_f z_f <= K  (only when K can bind)
The relaxed model drops (3b) and (4) and keeps x continuous; `optimizers.lexicographic` says when its answer
is exact. Objective rows, whose bounds fix each lexicographic level once it is solved:
  on_time = sum on_time_a x_a,  units = sum x_a,  margin = sum m_a x_a (m_a in 1e-4 units, integers).
The level-4 tie-break minimises sum tie_a x_a.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from ortools.linear_solver.python import model_builder_helper as mbh

from optimizers.candidates import CandidateSet


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
    y_lines: tuple[int, ...]  # line index of each ship-complete binary
    z_locations: tuple[str, ...]  # ship-from location of each shipment binary


class _Rows:
    """Accumulates sparse rows as COO triplets."""

    def __init__(self) -> None:
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.lo: list[float] = []
        self.hi: list[float] = []

    def add(self, cols: np.ndarray, vals: np.ndarray, lo: float, hi: float) -> int:
        row = len(self.lo)
        self.r.append(np.full(len(cols), row))
        self.c.append(cols)
        self.v.append(vals)
        self.lo.append(lo)
        self.hi.append(hi)
        return row

    def grouped(self, keys: np.ndarray, caps: dict[int, float], cols: np.ndarray) -> None:
        """One `<= cap` row per key in caps, over the columns whose key matches."""
        order = np.argsort(keys, kind="stable")
        sk = keys[order]
        bounds = np.searchsorted(sk, list(caps), side="left"), np.searchsorted(sk, list(caps), side="right")
        for (_key, cap), a, b in zip(caps.items(), *bounds, strict=True):
            if b > a:
                idx = cols[order[a:b]]
                self.add(idx, np.ones(len(idx)), -np.inf, cap)


def build_model(cs: CandidateSet, discrete: bool) -> Model:
    """The sparse model; `discrete=False` relaxes ship-complete and the shipment limit, with continuous flows."""
    problem, arcs = cs.problem, cs.arcs
    lines = problem.order.lines
    n = len(arcs)
    node = np.fromiter((a.node for a in arcs), np.int64, n)
    line = np.fromiter((a.line for a in arcs), np.int64, n)
    lane = np.fromiter((a.lane for a in arcs), np.int64, n)
    on_time = np.fromiter((a.on_time for a in arcs), np.float64, n)
    margin = np.fromiter((a.margin_units for a in arcs), np.float64, n)
    tie = np.fromiter((a.tie_cost for a in arcs), np.float64, n)
    cols = np.arange(n)
    total = sum(ln.qty for ln in lines)
    rows = _Rows()
    rows.grouped(node, {i: float(nd.qty) for i, nd in enumerate(cs.nodes)}, cols)
    binding = _binding_lanes(cs, lane)
    rows.grouped(lane, binding, cols)
    y_lines = _line_rows(rows, cs, line, cols, n, discrete)
    z_locations = _shipment_rows(rows, cs, cols, n + len(y_lines)) if discrete else ()
    n_vars = n + len(y_lines) + len(z_locations)
    # Finite bounds that never bind: some OR-Tools loaders drop free rows, and these must stay addressable.
    r_on = rows.add(cols, on_time, 0.0, np.inf)
    r_units = rows.add(cols, np.ones(n), 0.0, np.inf)
    r_margin = rows.add(cols, margin, -float(np.abs(margin).sum() * max(1, total)) - 1.0, np.inf)
    matrix = sp.csr_matrix(
        (np.concatenate(rows.v), (np.concatenate(rows.r), np.concatenate(rows.c))),
        shape=(len(rows.lo), n_vars),
    )
    upper = np.concatenate([np.full(n, np.inf), np.ones(n_vars - n)])
    helper = mbh.ModelBuilderHelper()
    helper.fill_model_from_sparse_data(
        np.zeros(n_vars), upper, np.zeros(n_vars), np.array(rows.lo), np.array(rows.hi), matrix
    )
    integer = discrete
    if integer:
        for j in range(n_vars):
            helper.set_var_integrality(j, True)
    return Model(
        helper,
        n,
        n_vars,
        len(rows.lo),
        integer,
        r_on,
        r_units,
        r_margin,
        on_time,
        margin,
        tie,
        total,
        y_lines,
        z_locations,
    )


def _binding_lanes(cs: CandidateSet, lane: np.ndarray) -> dict[int, float]:
    """Lanes with a capacity that the supply routed through them could exceed."""
    reach: dict[int, set[int]] = {}
    for a in cs.arcs:
        if a.lane >= 0:
            reach.setdefault(a.lane, set()).add(a.node)
    out = {}
    for k, nodes in reach.items():
        cap = cs.lanes[k][2]
        if cap is not None and sum(cs.nodes[i].qty for i in nodes) > cap:
            out[k] = float(cap)
    return out


def _line_rows(
    rows: _Rows, cs: CandidateSet, line: np.ndarray, cols: np.ndarray, first_y: int, discrete: bool
) -> tuple[int, ...]:
    """Line quantity rows; in the discrete model a ship-complete line gets a binary y with sum x = qty * y."""
    order = np.argsort(line, kind="stable")
    sl = line[order]
    y_lines: list[int] = []
    for li, ln in enumerate(cs.problem.order.lines):
        a, b = np.searchsorted(sl, li, "left"), np.searchsorted(sl, li, "right")
        if b == a:
            continue
        idx = cols[order[a:b]]
        if ln.ship_complete and discrete:
            y = first_y + len(y_lines)
            y_lines.append(li)
            rows.add(np.append(idx, y), np.append(np.ones(len(idx)), -float(ln.qty)), 0.0, 0.0)
        else:
            rows.add(idx, np.ones(len(idx)), -np.inf, float(ln.qty))
    return tuple(y_lines)


def _shipment_rows(rows: _Rows, cs: CandidateSet, cols: np.ndarray, first_z: int) -> tuple[str, ...]:
    """Shipment-limit rows, only when the limit is below the number of possible ship-from locations."""
    limit = cs.problem.customer().max_shipments
    origins = sorted({a.ship_from for a in cs.arcs})
    if limit is None or limit >= len(origins):
        return ()
    pos = {o: i for i, o in enumerate(origins)}
    qty = [ln.qty for ln in cs.problem.order.lines]
    for k, a in enumerate(cs.arcs):  # x_a <= min(supply, line qty) * z_f: tighter than one big-M per location
        bound = float(min(cs.nodes[a.node].qty, qty[a.line]))
        rows.add(np.array([cols[k], first_z + pos[a.ship_from]]), np.array([1.0, -bound]), -np.inf, 0.0)
    zs = np.arange(first_z, first_z + len(origins))
    rows.add(zs, np.ones(len(origins)), -np.inf, float(limit))
    return tuple(origins)
