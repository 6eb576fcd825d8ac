"""Feasible decisions to fall back on and to warm-start the discrete solve: never answer worse than these.

- `repaired`: the relaxed LP optimum made feasible: keep the best `max_shipments` origins, re-solve the LP on
  their arcs only, then empty any ship-complete line left partly filled.
- `greedy_flow`: what an ERP does today (`optimizers.proof.greedy`), mapped onto the model's arcs.
`best` ranks flows by the lexicographic objective, exactly as the spec orders it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

import numpy as np

from optimizers.candidates.candidate_set import CandidateSet
from optimizers.solvers.outcome import INTEGRAL_TOL, Score

L = TypeVar("L")  # what names a flow: a text, or the engine and a text


def score(cs: CandidateSet, x: np.ndarray) -> Score:
    """(on-time units, units, margin in 1e-4, -tie cost): larger is better, compared lexicographically."""
    q = np.asarray(x, np.int64)
    a = cs.arcs
    return int(q[a.on_time].sum()), int(q.sum()), exact_dot(q, a.margin), -exact_dot(q, a.tie)


def exact_dot(q: np.ndarray, c: np.ndarray) -> int:
    """q . c exactly: in 64 bits when that cannot overflow (the usual case), else in Python integers.

    The schema admits a billion units at a billion a unit, whose margin in 1e-4 units is far beyond 64 bits.
    """
    if float(np.abs(q).astype(np.float64) @ np.abs(c).astype(np.float64)) < 2**62:
        return int(q @ c)
    used = np.flatnonzero(q)
    return sum(int(u) * int(v) for u, v in zip(q[used].tolist(), c[used].tolist(), strict=True))


def best(cs: CandidateSet, flows: Iterable[tuple[L, np.ndarray | None]]) -> tuple[L, np.ndarray] | None:
    """The labelled flow with the best objective; the first listed wins ties."""
    found = [(name, x) for name, x in flows if x is not None]
    if not found:
        return None
    return max(reversed(found), key=lambda item: score(cs, item[1]))


def repaired(cs: CandidateSet, x: np.ndarray, solve: Callable[[CandidateSet], np.ndarray | None]) -> np.ndarray:
    """The relaxed optimum made feasible for the shipment limit and ship-complete lines."""
    limit = cs.max_shipments
    origin = cs.arcs.origin
    used = np.unique(origin[x > 0])
    out = x.copy()
    if limit is not None and len(used) > limit:
        units = np.bincount(origin, x, minlength=len(cs.origins))
        on_time = np.bincount(origin, np.where(cs.arcs.on_time, x, 0), minlength=len(cs.origins))
        ranked = sorted(used.tolist(), key=lambda o: (-on_time[o], -units[o], cs.origins[o]))
        picked = np.flatnonzero(np.isin(origin, ranked[:limit]))
        sub = solve(cs.part(picked))
        out = np.zeros_like(x)
        if sub is not None:
            out[picked] = sub
    return complete_or_nothing(cs, out)


def partial_lines(cs: CandidateSet, x: np.ndarray) -> list[int]:
    """Ship-complete line indices that flow x (integer or not) fills neither to 0 nor to their quantity."""
    got = np.bincount(cs.arcs.line, x, minlength=len(cs.line_qty))
    partial = cs.ship_complete & (got > INTEGRAL_TOL) & (got < cs.line_qty - INTEGRAL_TOL)
    return np.flatnonzero(partial).tolist()


def complete_or_nothing(cs: CandidateSet, x: np.ndarray) -> np.ndarray:
    """The flow with every partly filled ship-complete line emptied: feasible, never more."""
    out = x.copy()
    out[np.isin(cs.arcs.line, partial_lines(cs, x))] = 0
    return out


def greedy_flow(cs: CandidateSet) -> np.ndarray:
    """The greedy baseline's fills as arc flows."""
    from optimizers.proof.greedy import greedy_fills

    a, n_nodes, n_lanes = cs.arcs, len(cs.nodes), len(cs.lanes) + 1
    keys = (a.line * n_nodes + a.node) * n_lanes + a.lane + 1  # unique per arc: a line takes a node by a route once
    order = np.argsort(keys, kind="stable")
    node_of = {(nd.item, nd.location, nd.source, nd.available_date): n for n, nd in enumerate(cs.nodes)}
    lane_of = {(frm, to): k for k, (frm, to, _) in enumerate(cs.lanes)}
    x = np.zeros(len(a), np.int64)
    fills = greedy_fills(cs.problem)
    for li, ln in enumerate(cs.problem.order.lines):
        for f in fills.get(ln.line, ()):
            n = node_of.get((f.item, f.location, f.source, f.available_date))
            lane = lane_of.get((f.via_lane.from_location, f.via_lane.to_location), -2) if f.via_lane else -1
            if n is None or lane == -2:
                continue  # the baseline only proposes arcs the model has; never trust it blindly
            key = (li * n_nodes + n) * n_lanes + lane + 1
            at = int(np.searchsorted(keys, key, sorter=order))
            if at < len(keys) and keys[order[at]] == key:
                x[order[at]] += f.qty
    return x
