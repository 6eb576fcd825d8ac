"""Feasible decisions to fall back on and to warm-start the discrete solve: never answer worse than these.

- `repaired`: the relaxed LP optimum made feasible: keep the best `max_shipments` origins, re-solve the LP on
  their arcs only, then empty any ship-complete line left partly filled.
- `greedy_flow`: what an ERP does today (`optimizers.greedy`), mapped onto the model's arcs.
`best` ranks flows by the lexicographic objective, exactly as the spec orders it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace

import numpy as np

from optimizers.candidates import CandidateSet
from optimizers.levels import INTEGRAL_TOL


def score(cs: CandidateSet, x: np.ndarray) -> tuple[int, int, int, int]:
    """(on-time units, units, margin in 1e-4, -tie cost): larger is better, compared lexicographically."""
    on_time = units = margin = tie = 0
    for k in np.flatnonzero(x).tolist():
        a, q = cs.arcs[k], int(x[k])
        units += q
        on_time += q if a.on_time else 0
        margin += q * a.margin_units
        tie += q * a.tie_cost
    return on_time, units, margin, -tie


def best(cs: CandidateSet, flows: Iterable[tuple[str, np.ndarray | None]]) -> tuple[str, np.ndarray] | None:
    """The named flow with the best objective; the first listed wins ties."""
    found = [(name, x) for name, x in flows if x is not None]
    if not found:
        return None
    return max(reversed(found), key=lambda item: score(cs, item[1]))


def repaired(cs: CandidateSet, x: np.ndarray, solve: Callable[[CandidateSet], np.ndarray | None]) -> np.ndarray:
    """The relaxed optimum made feasible for the shipment limit and ship-complete lines."""
    limit = cs.problem.customer().max_shipments
    per_origin: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for k in np.flatnonzero(x).tolist():
        a = cs.arcs[k]
        per_origin[a.ship_from][0] += int(x[k]) if a.on_time else 0
        per_origin[a.ship_from][1] += int(x[k])
    out = x.copy()
    if limit is not None and len(per_origin) > limit:
        keep = set(sorted(per_origin, key=lambda o: (-per_origin[o][0], -per_origin[o][1], o))[:limit])
        picked = [k for k, a in enumerate(cs.arcs) if a.ship_from in keep]
        sub = solve(replace(cs, arcs=tuple(cs.arcs[k] for k in picked)))
        out = np.zeros_like(x)
        if sub is not None:
            out[picked] = sub
    return complete_or_nothing(cs, out)


def partial_lines(cs: CandidateSet, x: np.ndarray) -> list[int]:
    """Ship-complete line indices that flow x (integer or not) fills neither to 0 nor to their quantity."""
    got = np.zeros(len(cs.problem.order.lines))
    np.add.at(got, _arc_lines(cs), x)
    return [
        li
        for li, ln in enumerate(cs.problem.order.lines)
        if ln.ship_complete and INTEGRAL_TOL < got[li] < ln.qty - INTEGRAL_TOL
    ]


def complete_or_nothing(cs: CandidateSet, x: np.ndarray) -> np.ndarray:
    """The flow with every partly filled ship-complete line emptied: feasible, never more."""
    out = x.copy()
    out[np.isin(_arc_lines(cs), partial_lines(cs, x))] = 0
    return out


def _arc_lines(cs: CandidateSet) -> np.ndarray:
    return np.fromiter((a.line for a in cs.arcs), np.int64, len(cs.arcs))


def greedy_flow(cs: CandidateSet) -> np.ndarray:
    """The greedy baseline's fills as arc flows."""
    from optimizers.greedy import greedy_fills

    index = {}
    for k, a in enumerate(cs.arcs):
        node = cs.nodes[a.node]
        lane = cs.lanes[a.lane][:2] if a.lane >= 0 else None
        index[(a.line, node.item, node.location, node.source, node.available_date, lane)] = k
    x = np.zeros(len(cs.arcs), np.int64)
    fills = greedy_fills(cs.problem)
    for li, ln in enumerate(cs.problem.order.lines):
        for f in fills.get(ln.line, ()):
            lane = (f.via_lane.from_location, f.via_lane.to_location) if f.via_lane else None
            arc = index.get((li, f.item, f.location, f.source, f.available_date, lane))
            if arc is not None:  # the baseline only proposes arcs the model has; never trust it blindly
                x[arc] += f.qty
    return x
