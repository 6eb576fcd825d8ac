"""An exact method for a binding shipment limit: enumerate the sets of ship-from locations, best bound first.

With a limit of K ship-from locations, every feasible decision ships from some set T of exactly K of them
(adding locations to a set only adds options), and restricted to T's arcs the limit cannot bind: the ordinary
solve (LP relaxation, then branch and bound where ship-complete breaks) is exact there. So the optimum is the
best, lexicographically, of the sets' optima.

Most sets need no solve. For each set the on-time units and the units it could reach are bounded from the data
alone: per line, at most its quantity and at most the supply that can reach it from T on time (respectively at
all). Sets are solved in descending order of that bound pair; once the next set's bound is below the best
solution found on the first two levels, no later set can beat it, and the best is proven optimal. A set that is
solved stops at its LP relaxation when that already falls below the best (`pruned`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from itertools import combinations
from typing import NamedTuple

import numpy as np

from optimizers.candidates import CandidateSet
from optimizers.decision import SolveStatus
from optimizers.incumbent import score
from optimizers.levels import SolveOutcome

MAX_SETS = 20_000  # more sets than this and the bounds alone cost too much: leave the order to the MIP
CHUNK = 4_000_000  # table entries per step of the bound computation


class OriginSearch(NamedTuple):
    x: np.ndarray | None  # the best flow found over the whole candidate set, None when no set was solved
    proven: bool  # every set that could beat it was solved to optimality
    sets: int  # ship-from sets solved
    solve_ms: float
    solves: int


def best_origin_set(
    cs: CandidateSet,
    deadline: float,
    solve: Callable[[CandidateSet, float, tuple[int, int, int, int] | None], SolveOutcome],
) -> OriginSearch | None:
    """The best decision over the K-sets of ship-from locations, or None when there are too many sets."""
    limit = cs.max_shipments
    origins = np.unique(cs.arcs.origin)
    if limit is None or limit >= len(origins) or math.comb(len(origins), limit) > MAX_SETS:
        return None
    combos = list(combinations(range(len(origins)), limit))  # a limit of 0 has one set: the empty one
    sets = np.array(combos, np.int64).reshape(len(combos), limit)
    column = np.searchsorted(origins, cs.arcs.origin)  # each arc's origin as a column of the bound tables
    b1 = _reach_bound(cs, column, cs.arcs.on_time, len(origins), sets)
    b2 = _reach_bound(cs, column, np.ones(len(cs.arcs), bool), len(origins), sets)
    order = np.lexsort((np.arange(len(sets)), -b2, -b1))
    best: tuple[tuple[int, int, int, int], np.ndarray] | None = None
    proven, solved, spent, solves = True, 0, 0.0, 0
    for k in order.tolist():
        if best is not None and (b1[k], b2[k]) < best[0][:2]:
            break  # this set and every later one is bounded below the best
        if time.perf_counter() >= deadline:
            proven = False
            break
        idx = np.flatnonzero(np.isin(column, sets[k]))
        out = solve(cs.part(idx), deadline, None if best is None else best[0])
        solved, spent, solves = solved + 1, spent + out.solve_ms, solves + out.solves
        if out.pruned:
            continue  # its relaxation is bounded below the best: so is every decision from this set
        if out.x is None:
            proven = False
            continue
        proven = proven and out.status == SolveStatus.OPTIMAL
        x = np.zeros(len(cs.arcs), np.int64)
        x[idx] = out.x
        value = score(cs, x)
        if best is None or value > best[0]:
            best = (value, x)
    return OriginSearch(None if best is None else best[1], proven and best is not None, solved, spent, solves)


def _reach_bound(
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
