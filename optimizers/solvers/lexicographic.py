"""Lexicographic solve of the allocation problem: each level optimal given the levels before it.

First the relaxation is solved (`optimizers.solvers.lp_levels`): ship-complete lines relaxed to `<= qty`, no
shipment limit; as one exact min-cost flow when no lane capacity can bind, else as an LP level by level. If its
final solution is integral, every ship-complete line got 0 or its quantity, and the order ships from no more
locations than allowed, that solution is lexicographically optimal for the real problem: each level's relaxed
value bounds the real one from above, and a feasible point reaches it.

Otherwise the solve paths take over, each a `Solver` (`optimizers.solvers.solver`). Without a binding shipment
limit the order splits into independent parts, and only those where the relaxation breaks ship-complete are
re-solved (`BranchAndBound`: branch and bound on the LP, SCIP for a part it cannot finish). With a binding
limit the sets of ship-from locations are searched best bound first (`ShipFromSearch`); each set is an order
whose limit cannot bind, solved by a `Lexicographic` of its own, for that set alone (`whole_order=False`), which
never searches sets again. Only when there are too many sets, or a limit runs out, does the whole exact MIP go
to SCIP (`Mip`; LP-based branch and bound suits these nearly integral relaxations, CP-SAT was measured 100x
slower on them), warm-started from the best incumbent.

When time or work runs out the answer is the best feasible flow found, marked degraded with the reason: never
worse than the greedy baseline, except when time runs out before the baseline was needed (an order split into
parts offers its parts as searched, each never worse than its relaxation with its partly filled ship-complete
lines emptied; a ship-from set search offers its best set). Under a work limit the baseline is computed
whenever the search is not proven, never by the clock, so the answer does not depend on the machine.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from optimizers.candidates.candidate_set import CandidateSet
from optimizers.decision import Engine, SolveStatus
from optimizers.solvers import incumbent
from optimizers.solvers.branch_and_bound import BranchAndBound
from optimizers.solvers.budget import Budget, Mark
from optimizers.solvers.fallback import Baseline, settle
from optimizers.solvers.lp_levels import relaxation
from optimizers.solvers.mip import Mip
from optimizers.solvers.outcome import ALL_OPTIMAL, SolveOutcome
from optimizers.solvers.ship_from_search import ShipFromSearch
from optimizers.solvers.solver import Score

GREEDY_RESERVE = 5.0  # times the candidates' build time kept for the greedy baseline


def solve_lexicographic(
    cs: CandidateSet, time_limit_ms: float, started: float | None = None, work_limit: int | None = None
) -> SolveOutcome:
    """Solve every level exactly: the relaxation first, then whatever its answer breaks.

    The time limit counts from `started` (default: now; the engine passes the moment it received the problem,
    so building the candidates counts). When it or the work limit runs out the answer is the best feasible flow
    found (the solver's, the repaired relaxation's or the greedy baseline's), marked with the reason. The
    outcome's `path` and `work` are those of the whole solve.
    """
    now = time.perf_counter()
    seconds = time_limit_ms / 1000.0
    # The greedy baseline costs a few times what building the candidates did (2-4x on the presets): the time
    # kept for it, should a ship-from set search still be running then.
    reserve = min(seconds / 2, GREEDY_RESERVE * (now - started)) if started is not None else seconds / 4
    budget = Budget((started if started is not None else now) + seconds, work_limit)
    out = Lexicographic(reserve=reserve).solve(cs, budget)
    return budget.stamp(out, Mark(0, 0))


class Lexicographic:
    """The solve paths composed (a `Solver` itself): relaxation, then parts or ship-from sets, then the MIP.

    `whole_order=False` solves one ship-from set: the greedy baseline, which serves the whole order, is not its
    fallback. A ship-from set search computes the baseline only if it is still running `reserve` seconds
    before the deadline (and no work limit is set); one proven sooner never needs it.
    """

    def __init__(self, whole_order: bool = True, reserve: float = 0.0) -> None:
        self.whole_order = whole_order
        self.reserve = reserve

    def solve(
        self, cs: CandidateSet, budget: Budget, floor: Score | None = None, relaxed: SolveOutcome | None = None
    ) -> SolveOutcome:
        """The order's lexicographic optimum, or the best feasible flow found within the budget.

        With a `floor` (the score of a known solution), a candidate set whose relaxation is bounded below it is
        not solved further: the outcome is `pruned`, without a flow. `relaxed` is the relaxation when it is
        solved already.
        """
        if not cs.arcs:
            mark = budget.enter(Engine.NONE)
            return budget.stamp(
                SolveOutcome(np.zeros(0, np.int64), SolveStatus.OPTIMAL, Engine.NONE, ALL_OPTIMAL, 0.0, 0, 0, 0), mark
            )
        relaxed = relaxed or relaxation(cs, budget, floor)
        if relaxed.pruned:
            return relaxed
        if relaxed.x is not None and relaxed.status == SolveStatus.OPTIMAL and _discrete_ok(cs, relaxed.x):
            return relaxed
        split = None
        if _separable(cs) and all(lv.optimal for lv in relaxed.levels):
            split = BranchAndBound().solve(cs, budget, relaxed=relaxed)
        if split is not None and split.status == SolveStatus.OPTIMAL:
            return split
        baseline = Baseline(cs, budget, wanted=self.whole_order and split is None)
        search = None
        if relaxed.x is not None and not _separable(cs):
            moment = None if budget.work_limit is not None else (budget.deadline - self.reserve, baseline.compute)
            search = ShipFromSearch(Lexicographic(whole_order=False), moment).solve(cs, budget, relaxed=relaxed)
        if search is not None and search.status == SolveStatus.OPTIMAL:
            return replace(
                relaxed,
                x=search.x,
                status=SolveStatus.OPTIMAL,
                engine=Engine.SHIP_FROM_SEARCH,
                levels=ALL_OPTIMAL,
                solve_ms=relaxed.solve_ms + search.solve_ms,
                solves=relaxed.solves + search.solves,
                degraded_reason=None,
                detail=None,
                ship_from_sets=search.ship_from_sets,
            )
        if search is None or search.x is None or budget.work_limit is not None or not budget.time_up():
            baseline.compute()  # unless time is out and the search has a decision to offer
        return self._fall_back(cs, budget, relaxed, split, search, baseline)

    def _fall_back(
        self,
        cs: CandidateSet,
        budget: Budget,
        relaxed: SolveOutcome,
        split: SolveOutcome | None,
        search: SolveOutcome | None,
        baseline: Baseline,
    ) -> SolveOutcome:
        """The best incumbent, or SCIP's answer on the whole MIP warm-started from it while the budget lasts."""
        fixes: list[tuple[tuple[Engine, str], np.ndarray | None]] = []
        if relaxed.x is not None:

            def sub(piece: CandidateSet) -> np.ndarray | None:
                return relaxation(piece, budget).x

            fixes.append(((relaxed.engine, "the repaired relaxation"), incumbent.repaired(cs, relaxed.x, sub)))
        if split is not None:
            fixes.append(((Engine.BRANCH_AND_BOUND, "the parts proven optimal, the rest repaired"), split.x))
        if search is not None:
            name = f"the best of {search.ship_from_sets} ship-from set(s) solved"
            fixes.append(((Engine.SHIP_FROM_SEARCH, name), search.x))
        fixes += [((Engine.GREEDY, "the greedy baseline"), x) for x in baseline.flows]
        start = incumbent.best(cs, fixes)
        if start is None:  # a set whose relaxation ran out of time: nothing feasible to offer (the whole has greedy)
            return _counted(replace(relaxed, x=None), split, search)
        if (relaxed.x is None and relaxed.fractional is None) or budget.exhausted():
            # Out of time or work already. The relaxation's own flow may break ship-complete or the shipment
            # limit: never offer it as an answer, only the split's (feasible by construction) or the incumbents.
            return _counted(settle(cs, budget, split or replace(relaxed, x=None), start), split, search)
        out = Mip(hint=start[1]).solve(cs, budget)
        return _counted(settle(cs, budget, out, start, split or relaxed), split, search)


def _counted(out: SolveOutcome, split: SolveOutcome | None, search: SolveOutcome | None) -> SolveOutcome:
    """The outcome with the parts and ship-from sets the earlier paths went through."""
    if split is not None:
        out = replace(out, parts=split.parts, parts_unproven=split.parts_unproven)
    return out if search is None else replace(out, ship_from_sets=search.ship_from_sets)


def _separable(cs: CandidateSet) -> bool:
    """Without a binding shipment limit, parts of the order that share no supply, line or lane are independent."""
    limit = cs.max_shipments
    return limit is None or limit >= len(np.unique(cs.arcs.origin))


def _discrete_ok(cs: CandidateSet, x: np.ndarray) -> bool:
    """Does an integral relaxed solution also meet ship-complete and the shipment limit?"""
    if incumbent.partial_lines(cs, x):
        return False
    limit = cs.max_shipments
    return limit is None or len(np.unique(cs.arcs.origin[x > 0])) <= limit
