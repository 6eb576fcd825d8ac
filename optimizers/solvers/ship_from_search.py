"""An exact method for a binding shipment limit: enumerate the sets of ship-from locations, best bound first.

With a limit of K ship-from locations, every feasible decision ships from some set T of exactly K of them
(adding locations to a set only adds options), and restricted to T's arcs the limit cannot bind: the ordinary
solve (LP relaxation, then branch and bound where ship-complete breaks) is exact there. So the optimum is the
best, lexicographically, of the sets' optima.

Most sets need no solve. Each set's on-time units and units are bounded in stages, each tighter and dearer than
the one before, and a set goes only as far as it must:
1. from the data alone, for every set at once: the smaller of a bound by demand (per line, at most its quantity
   and at most the supply that can reach it from T on time, respectively at all) and a bound by supply (per
   location of T, the supply there plus, per lane into it, at most the lane's capacity and the supply it can
   carry);
2. by two maximum flows on T's arcs, a relaxation of the decision that counts each unit of supply once however
   many lines could take it (the arcs of a lane that could bind pass through one vertex of the lane's
   capacity, from which they may reach any line the lane serves);
3. by T's relaxation (`optimizers.solvers.lp_levels`: a min-cost flow, or the LP stopped as soon as it falls
   below the best solution found, `pruned`);
4. the set is solved by the set solver the search is given (the lexicographic solve of an order whose limit
   cannot bind): the relaxation is already at hand, so only the branch and bound of its ship-complete lines is
   left, if any.
Sets are taken best bound first, each moved to its next stage and put back in line. Once the best bound left is
below the best solution found on the first two levels, no remaining set can beat it and the best is proven
optimal. Each stage past the data bounds costs a work unit, besides the solves it makes.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Callable
from itertools import combinations

import numpy as np

from optimizers.candidates.candidate_set import CandidateSet
from optimizers.decision import Engine, SolveStatus
from optimizers.solvers.budget import Budget, in_words
from optimizers.solvers.incumbent import score
from optimizers.solvers.lp_levels import relaxation
from optimizers.solvers.outcome import ALL_OPTIMAL, INTEGRAL_TOL, LEVELS, LevelResult, SolveOutcome
from optimizers.solvers.ship_from_bounds import demand_bound, flow_bound, supply_bound
from optimizers.solvers.solver import Score, Solver

MAX_SETS = 20_000  # more sets than this and the bounds alone cost too much: leave the order to the MIP
NOT_PROVEN = tuple(LevelResult(k, n, s, False) for k, n, s in LEVELS)


class ShipFromSearch:
    """The solve path `Engine.SHIP_FROM_SEARCH` (`optimizers.solvers.solver.Solver`).

    `sets` solves one set's order from its relaxation (`sets.solve(part, budget, floor, relaxed)`). A
    `checkpoint` (moment, call) is called once if the search is still running at that moment.
    """

    def __init__(self, sets: Solver, checkpoint: tuple[float, Callable[[], None]] | None = None) -> None:
        self.sets = sets
        self.checkpoint = checkpoint

    def solve(
        self, cs: CandidateSet, budget: Budget, floor: Score | None = None, relaxed: SolveOutcome | None = None
    ) -> SolveOutcome | None:
        """The best decision over the K-sets of ship-from locations, or None when the limit cannot bind or there
        are too many sets. Proven optimal (status OPTIMAL) when every set that could beat it was solved."""
        limit = cs.max_shipments
        origins = np.unique(cs.arcs.origin)
        if limit is None or limit >= len(origins) or math.comb(len(origins), limit) > MAX_SETS:
            return None
        mark = budget.enter(Engine.SHIP_FROM_SEARCH)
        return budget.stamp(self._search(cs, budget, origins, limit), mark)

    def _search(self, cs: CandidateSet, budget: Budget, origins: np.ndarray, limit: int) -> SolveOutcome:
        combos = list(combinations(range(len(origins)), limit))  # a limit of 0 has one set: the empty one
        sets = np.array(combos, np.int64).reshape(len(combos), limit)
        column = np.searchsorted(origins, cs.arcs.origin)  # each arc's origin as a column of the bound tables
        b1, b2 = (
            np.minimum(demand_bound(cs, column, arcs, len(origins), sets), supply_bound(cs, column, arcs, sets))
            for arcs in (cs.arcs.on_time, np.ones(len(cs.arcs), bool))
        )
        # (minus on-time bound, minus units bound, set, stage reached): best bound first
        queue = [(-int(u), -int(v), k, 1) for k, (u, v) in enumerate(zip(b1, b2, strict=True))]
        heapq.heapify(queue)
        relaxed: dict[int, SolveOutcome] = {}
        best: tuple[Score, np.ndarray] | None = None
        proven, solved, spent, solves, checkpoint = True, 0, 0.0, 0, self.checkpoint
        while queue:
            if best is not None and (-queue[0][0], -queue[0][1]) < best[0][:2]:
                break  # every set left is bounded below the best
            if checkpoint is not None and time.perf_counter() >= checkpoint[0]:
                checkpoint[1]()
                checkpoint = None
            if budget.exhausted():
                proven = False
                break
            _, _, k, stage = heapq.heappop(queue)
            budget.spend()
            idx = np.flatnonzero(np.isin(column, sets[k]))
            floor = None if best is None else best[0]
            if stage == 1:
                on_time, units = flow_bound(cs, idx)
                heapq.heappush(queue, (-on_time, -units, k, 2))
                continue
            if stage == 2:
                out = relaxation(cs.part(idx), budget, floor)
                solved, spent, solves = solved + 1, spent + out.solve_ms, solves + out.solves
                bound = _relaxed_bound(cs.arcs.on_time[idx], out)
                if bound is None:  # pruned: bounded below the best, and so is every decision from this set
                    proven = proven and out.pruned
                    continue
                relaxed[k] = out
                heapq.heappush(queue, (-bound[0], -bound[1], k, 3))
                continue
            part, lp = cs.part(idx), relaxed.pop(k)
            exact = all(lv.optimal for lv in lp.levels)
            if floor is not None and lp.x is not None and exact and score(part, lp.x) <= floor:
                continue  # an integral relaxation solved at every level bounds the set exactly: it cannot beat the best
            found = self.sets.solve(part, budget, floor, lp)
            if found is not None:
                spent, solves = spent + found.solve_ms, solves + found.solves
            if found is not None and found.pruned:
                continue
            if found is None or found.x is None:
                proven = False
                continue
            proven = proven and found.status == SolveStatus.OPTIMAL
            x = np.zeros(len(cs.arcs), np.int64)
            x[idx] = found.x
            value = score(cs, x)
            if best is None or value > best[0]:
                best = (value, x)
        return _outcome(best, proven and best is not None, solved, spent, solves, budget)


def _outcome(
    best: tuple[Score, np.ndarray] | None, proven: bool, sets: int, spent: float, solves: int, budget: Budget
) -> SolveOutcome:
    x = None if best is None else best[1]
    status = SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE if x is not None else SolveStatus.TIMEOUT
    reason = None if proven else budget.reason()
    detail = None if reason is None else f"{in_words(reason)} reached after {sets} ship-from set(s)"
    levels = ALL_OPTIMAL if proven else NOT_PROVEN
    return SolveOutcome(
        x, status, Engine.SHIP_FROM_SEARCH, levels, spent, solves, 0, 0, reason, detail, ship_from_sets=sets
    )


def _relaxed_bound(on_time: np.ndarray, out: SolveOutcome) -> tuple[int, int] | None:
    """The relaxation's on-time units and units, rounded down (integer decisions cannot do better); None when it
    was pruned or not solved."""
    x = out.x if out.x is not None else out.fractional
    if out.pruned or x is None or not out.levels or not out.levels[0].optimal:
        return None
    return math.floor(float(x[on_time].sum()) + INTEGRAL_TOL), math.floor(float(x.sum()) + INTEGRAL_TOL)
