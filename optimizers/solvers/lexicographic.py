"""Lexicographic solve of the allocation problem: each level optimal given the levels before it.

First the relaxation is solved: ship-complete lines relaxed to `<= qty`, no shipment limit; as one exact
min-cost flow when no lane capacity can bind (`optimizers.solvers.min_cost_flow`), else as an LP level by level
(`optimizers.model.levels`). If its final solution is integral, every ship-complete line got 0 or its
quantity, and the order ships from no more locations than allowed, that solution is lexicographically optimal
for the real problem: each level's relaxed value bounds the real one from above, and a feasible point reaches it.

Otherwise, without a binding shipment limit the order splits into independent parts (`optimizers.solvers.parts`:
supply nodes, lines and binding lanes connected by arcs); only the parts where the relaxation breaks ship-complete
are re-solved, by branch and bound on the LP (`optimizers.solvers.branching`) or, failing that, by SCIP. With a
binding shipment limit the sets of ship-from locations are searched best bound first
(`optimizers.solvers.ship_from_search`): each set is an order without a binding limit, solved as above. Only when
there are too many sets, or time runs out, does the whole exact MIP go to SCIP (LP-based branch and bound suits
these nearly integral relaxations; CP-SAT was measured 100x slower on them), warm-started from the best incumbent.
When time runs out the answer is the best feasible flow found, marked degraded with the reason: never worse than
the greedy baseline, except when time runs out before the baseline was needed (an order split into parts offers
its parts as searched, each never worse than its relaxation with its partly filled ship-complete lines emptied; a
ship-from set search offers its best set)."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from optimizers.candidates.candidate_set import CandidateSet
from optimizers.decision import SolveStatus
from optimizers.model.levels import run_levels
from optimizers.model.matrix import build_model
from optimizers.solvers import incumbent
from optimizers.solvers.min_cost_flow import relaxation
from optimizers.solvers.outcome import FRACTIONAL, LEVELS, LevelResult, SolveOutcome
from optimizers.solvers.parts import by_components
from optimizers.solvers.ship_from_search import best_origin_set

GREEDY_RESERVE = 5.0  # times the candidates' build time kept for the greedy baseline
ALL_OPTIMAL = tuple(LevelResult(k, n, s, True) for k, n, s in LEVELS)


def solve_lexicographic(cs: CandidateSet, time_limit_ms: int, started: float | None = None) -> SolveOutcome:
    """Solve every level exactly: the relaxation first, then whatever its answer breaks.

    The time limit counts from `started` (default: now; the engine passes the moment it received the problem,
    so building the candidates counts). When it expires the answer is the best feasible flow found (the
    solver's, the repaired relaxation's or the greedy baseline's), marked with the reason.
    """
    now = time.perf_counter()
    budget = time_limit_ms / 1000.0
    # The greedy baseline costs a few times what building the candidates did (2-4x on the presets): the time
    # kept for it, should a ship-from set search still be running then.
    reserve = min(budget / 2, GREEDY_RESERVE * (now - started)) if started is not None else budget / 4
    return _solve(cs, (started if started is not None else now) + budget, reserve=reserve)


def _solve(
    cs: CandidateSet,
    deadline: float,
    floor: tuple[int, int, int, int] | None = None,
    part: bool = False,
    relaxed: SolveOutcome | None = None,
    reserve: float = 0.0,
) -> SolveOutcome:
    """`solve_lexicographic` by a deadline.

    A `part` is the order restricted to one set of ship-from locations: the greedy baseline, which serves the
    whole order, is not its fallback. With a `floor` (the score of a known solution), a candidate set whose
    relaxation is bounded below it is not solved further: the outcome is `pruned`, without a flow. `relaxed` is
    the relaxation when it is solved already. A ship-from set search computes the greedy baseline only if it is
    still running `reserve` seconds before the deadline; one proven sooner never needs it.
    """
    if not cs.arcs:
        return SolveOutcome(np.zeros(0, np.int64), SolveStatus.OPTIMAL, "none", ALL_OPTIMAL, 0.0, 0, 0, 0)
    relaxed = relaxed or relaxation(cs, deadline, floor)
    if relaxed.pruned:
        return relaxed
    if relaxed.x is not None and relaxed.status == SolveStatus.OPTIMAL and _discrete_ok(cs, relaxed.x):
        return relaxed
    split = (
        by_components(cs, relaxed, deadline) if _separable(cs) and all(lv.optimal for lv in relaxed.levels) else None
    )
    if split is not None and split.status == SolveStatus.OPTIMAL:
        return split
    greedy: list[np.ndarray] = []

    def baseline() -> None:
        """The fallback that must exist when time runs out: computed once, and while time remains."""
        if not part and split is None and not greedy:
            greedy.append(incumbent.greedy_flow(cs))

    search = None
    if relaxed.x is not None and not _separable(cs):

        def solve_set(
            sub: CandidateSet, by: float, bar: tuple[int, int, int, int] | None, lp: SolveOutcome
        ) -> SolveOutcome:
            return _solve(sub, by, bar, True, lp)

        search = best_origin_set(cs, deadline, solve_set, (deadline - reserve, baseline))
    if search is not None and search.proven:  # every set that could beat it was solved to optimality
        return replace(
            relaxed,
            x=search.x,
            status=SolveStatus.OPTIMAL,
            engine=f"{relaxed.engine}, best of {search.sets} ship-from set(s)",
            levels=ALL_OPTIMAL,
            solve_ms=relaxed.solve_ms + search.solve_ms,
            solves=relaxed.solves + search.solves,
            degraded_reason=None,
        )
    if search is None or search.x is None or time.perf_counter() < deadline:
        baseline()  # unless time is out and the search has a decision to offer
    fixes: list[tuple[str, np.ndarray | None]] = [("the greedy baseline", x) for x in greedy]
    if search is not None:
        fixes.insert(0, (f"the best of {search.sets} ship-from set(s) solved", search.x))
    if split is not None:
        fixes.insert(0, ("the parts proven optimal, the rest repaired", split.x))
    if relaxed.x is not None:

        def sub(piece: CandidateSet) -> np.ndarray | None:
            return relaxation(piece, deadline).x

        fixes.insert(0, ("the repaired LP relaxation", incumbent.repaired(cs, relaxed.x, sub)))
    start = incumbent.best(cs, fixes)
    if start is None:  # a part whose relaxation ran out of time: nothing feasible to offer (the whole has greedy)
        return replace(relaxed, x=None)
    if (relaxed.x is None and relaxed.degraded_reason != FRACTIONAL) or time.perf_counter() >= deadline:
        # Out of time already. The relaxation's own flow may break ship-complete or the shipment limit: never
        # offer it as an answer, only the split's (feasible by construction) or the incumbents.
        return _settle(cs, split or replace(relaxed, x=None), start)
    out = run_levels(build_model(cs, discrete=True), deadline, hint=start[1])
    return _settle(cs, out, start, split or relaxed, "glop+scip")


def _settle(
    cs: CandidateSet,
    out: SolveOutcome,
    start: tuple[str, np.ndarray],
    before: SolveOutcome | None = None,
    engine: str | None = None,
) -> SolveOutcome:
    """The outcome if proven optimal, else the better of its flow and the best incumbent, marked with the reason.

    `before` is the earlier outcome whose solver time and solves this one adds to.
    """
    spent = out.solve_ms + (before.solve_ms if before else 0.0)
    solves = out.solves + (before.solves if before else 0)
    engine = engine or out.engine
    if out.status == SolveStatus.OPTIMAL and out.x is not None:
        return replace(out, engine=engine, solve_ms=spent, solves=solves)
    name, x = incumbent.best(cs, [("the solver's best", out.x), start])  # type: ignore[misc]
    reason = f"{out.degraded_reason or 'time limit reached'}; returned the best feasible decision found: {name}"
    status = SolveStatus.FEASIBLE if out.x is not None or name != "the greedy baseline" else SolveStatus.TIMEOUT
    return replace(out, x=x, status=status, engine=engine, solve_ms=spent, solves=solves, degraded_reason=reason)


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
