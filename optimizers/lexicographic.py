"""Lexicographic solve of the allocation problem: each level optimal given the levels before it.

First the relaxation is solved: ship-complete lines relaxed to `<= qty`, no shipment limit; as one exact
min-cost flow when no lane capacity can bind (`optimizers.flow`), else as an LP level by level
(`optimizers.levels`). If its final solution is integral, every ship-complete line got 0 or its
quantity, and the order ships from no more locations than allowed, that solution is lexicographically optimal
for the real problem: each level's relaxed value bounds the real one from above, and a feasible point reaches it.

Otherwise, without a binding shipment limit the order splits into independent parts (supply nodes, lines and
binding lanes connected by arcs); only the parts where the relaxation breaks ship-complete are re-solved, by
branch and bound on the warm LP (`optimizers.branching`) or, failing that, by SCIP. With a binding shipment
limit the sets of ship-from locations are searched best bound first (`optimizers.origins`): each set is an
order without a binding limit, solved as above. Only when there are too many sets, or time runs out, does the
whole exact MIP go to SCIP (LP-based branch and bound suits these nearly integral relaxations; CP-SAT was
measured 100x slower on them), warm-started from the best incumbent. When time runs out the answer
is the best feasible flow found, marked degraded with the reason: never worse than the greedy baseline, except
that an order split into parts offers, once time is out, its parts as solved (each never worse than its relaxation
with its partly filled ship-complete lines emptied) without spending more time on the baseline.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from optimizers import incumbent
from optimizers.branching import ship_complete_branch_and_bound
from optimizers.candidates import CandidateSet
from optimizers.decision import SolveStatus
from optimizers.flow import relaxation
from optimizers.levels import FRACTIONAL, INTEGRAL_TOL, LEVELS, LevelResult, SolveOutcome, run_levels
from optimizers.model import binding_lane_caps, build_model
from optimizers.origins import Solve, best_origin_set

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
        _by_components(cs, relaxed, deadline) if _separable(cs) and all(lv.optimal for lv in relaxed.levels) else None
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
        solve_set: Solve = lambda sub, by, floor, lp: _solve(sub, by, floor, True, lp)  # noqa: E731
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
            return run_levels(build_model(piece, discrete=False), deadline).x

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


def _by_components(cs: CandidateSet, relaxed: SolveOutcome, deadline: float) -> SolveOutcome | None:
    """Re-solve exactly only the independent parts where the relaxation is fractional or breaks ship-complete.

    Each level is a sum over independent parts, so the lexicographic optimum of the whole is the union of the
    parts' optima; the relaxation is already optimal, and feasible, on every other part.
    """
    raw = relaxed.x if relaxed.x is not None else relaxed.fractional
    assert raw is not None
    label = _components(cs)
    bad = np.flatnonzero(np.abs(raw - np.rint(raw)) > INTEGRAL_TOL)
    bad = np.concatenate([bad, np.flatnonzero(np.isin(cs.arcs.line, incumbent.partial_lines(cs, raw)))])
    x = np.rint(raw).astype(np.int64)
    spent, solves, engine = relaxed.solve_ms, relaxed.solves, "glop, branch and bound by part"
    parts = sorted(np.unique(label[bad]).tolist(), key=lambda part: (int((label == part).sum()), part))
    unproven = 0
    for part in parts:  # smallest first: a part left unproven by the time limit costs the least
        idx = np.flatnonzero(label == part)
        piece = cs.part(idx)
        branched = ship_complete_branch_and_bound(piece, deadline, raw[idx])
        if branched is not None:
            spent, solves = spent + branched.solve_ms, solves + branched.solves
            if branched.proven:
                x[idx] = branched.x
                continue
        if branched is not None and time.perf_counter() >= deadline:  # no time left for SCIP to do better
            x[idx] = branched.x
            unproven += 1
            continue
        out = run_levels(build_model(piece, discrete=True), deadline)
        spent, solves, engine = spent + out.solve_ms, solves + out.solves, "glop+scip by part"
        if out.status == SolveStatus.OPTIMAL and out.x is not None:
            x[idx] = out.x
        elif branched is not None:  # the best the branch and bound found: feasible, never below the root emptied
            found = incumbent.best(piece, [("the solver's", out.x), ("branched", branched.x)])
            assert found is not None
            x[idx] = found[1]
            unproven += 1
        else:
            return None
    reason, levels = None, relaxed.levels
    if unproven:
        reason = (
            f"time limit reached: {unproven} of {len(parts)} parts not proven optimal (each answered with the best "
            "feasible flow its search found, at worst its partly filled ship-complete lines left empty)"
        )
        levels = tuple(replace(lv, optimal=False) for lv in relaxed.levels)
    return replace(
        relaxed,
        x=x,
        status=SolveStatus.FEASIBLE if unproven else SolveStatus.OPTIMAL,
        engine=engine,
        solve_ms=spent,
        solves=solves,
        degraded_reason=reason,
        fractional=None,
        levels=levels,
    )


def _components(cs: CandidateSet) -> np.ndarray:
    """Per arc, the id of its connected part in the graph of supply nodes, lines and capacitated lanes."""
    n_nodes, n_lines = len(cs.nodes), len(cs.problem.order.lines)
    node, line, lane = cs.arcs.node, cs.arcs.line + n_nodes, cs.arcs.lane
    binding = binding_lane_caps(cs, node, lane) < np.inf  # a lane that cannot bind has no row to couple parts
    capped = np.append(binding, False)[lane]  # lane -1 (direct) reads the appended False
    src = np.concatenate([node, node[capped]])
    dst = np.concatenate([line, n_nodes + n_lines + lane[capped]])
    size = n_nodes + n_lines + len(cs.lanes)
    graph = coo_matrix((np.ones(len(src)), (src, dst)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    return labels[line]


def _discrete_ok(cs: CandidateSet, x: np.ndarray) -> bool:
    """Does an integral relaxed solution also meet ship-complete and the shipment limit?"""
    if incumbent.partial_lines(cs, x):
        return False
    limit = cs.max_shipments
    return limit is None or len(np.unique(cs.arcs.origin[x > 0])) <= limit
