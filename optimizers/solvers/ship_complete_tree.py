"""Exact branch and bound over ship-complete lines, on the warm LP instead of a general MIP solver.

A node fixes some ship-complete lines to 0 (their arcs removed) or to their full quantity (their row made an
equality) and solves the relaxation lexicographically. Its value vector bounds, lexicographically, every
integer solution below it; a node is pruned when that bound is no better than the incumbent (from the first
level at which it falls below), and is a leaf when its solution is integral and fills every ship-complete line
fully or not at all. The first incumbent is the better of the root with its partly filled lines emptied and a
short dive (empty those lines, re-solve so their supply goes to other lines, repeat), which on large orders is
often all the time allows. Then depth first, the line filled in full first. A fractional node, the node budget,
the deadline or the work limit stops the search with the best flow found, marked not proven (the caller may try
SCIP). Each node solved, dive steps included, costs a work unit besides its LP's levels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from optimizers.candidates.candidate_set import CandidateSet
from optimizers.model.matrix import build_model
from optimizers.solvers.budget import Budget
from optimizers.solvers.incumbent import complete_or_nothing, partial_lines, score
from optimizers.solvers.levels import LevelSolver
from optimizers.solvers.outcome import INTEGRAL_TOL, Score, SolveOutcome

MAX_NODES = 64
DIVE_STEPS = 3  # re-solves of the first incumbent's dive


class Branched(NamedTuple):
    x: np.ndarray  # the best feasible flow found
    solve_ms: float
    solves: int
    proven: bool  # the tree was searched to the end: x is optimal


def ship_complete_branch_and_bound(cs: CandidateSet, budget: Budget, root: np.ndarray) -> Branched | None:
    """The optimal flow of a part whose only discrete rule is ship-complete, or the best found when the search
    stops early (on a fractional node, the node budget, the deadline or the work limit; `proven` False); None for a
    fractional root.

    `root` is the relaxation's optimum on this part (already solved with the whole order). Every node reuses
    one loaded LP: its bounds are restored and the node's fixings applied, and GLOP starts from the last basis.
    """
    if np.abs(root - np.rint(root)).max(initial=0.0) > INTEGRAL_TOL:
        return None
    lp = LevelSolver(build_model(cs, discrete=False))
    line = cs.arcs.line
    start = complete_or_nothing(cs, np.rint(root).astype(np.int64))  # feasible: the root with partial lines emptied
    best: tuple[Score, np.ndarray] = (score(cs, start), start)
    best, spent, solves = _dive(cs, lp, np.rint(root), budget, best)
    stack: list[tuple[frozenset[int], frozenset[int]]] = [(frozenset(), frozenset())]
    for _ in range(MAX_NODES):
        if not stack:
            return Branched(best[1], spent, solves, True)
        zero, full = stack.pop()
        x, skipped = np.rint(root).astype(np.int64), False
        if zero or full:
            if budget.exhausted():
                return Branched(best[1], spent, solves, False)
            budget.spend()
            out = _node(lp, line, zero, full, budget, best[0], lambda y: not partial_lines(cs, y))
            spent, solves = spent + out.solve_ms, solves + out.solves
            if out.infeasible or out.pruned:
                continue
            if out.x is None or not all(lv.optimal for lv in out.levels[:3]):
                return Branched(best[1], spent, solves, False)  # fractional or out of time: not ours to decide
            x, skipped = out.x, not out.levels[3].optimal
        bound = score(cs, x)
        if skipped:  # level 4 not solved (lines still partial): -tie <= 0 bounds it, so never prune on it
            bound = (*bound[:3], 0)
        if bound <= best[0]:
            continue
        partial = partial_lines(cs, x)
        if not partial:
            best = (bound, x)
            continue
        li = partial[0]
        stack.append((zero | {li}, full))
        stack.append((zero, full | {li}))
    return Branched(best[1], spent, solves, False)


def _dive(
    cs: CandidateSet,
    lp: LevelSolver,
    x: np.ndarray,
    budget: Budget,
    best: tuple[Score, np.ndarray],
) -> tuple[tuple[Score, np.ndarray], float, int]:
    """A better first incumbent: empty the partly filled lines and re-solve, so their supply goes to other lines;
    repeat while new lines come out partly filled. Each re-solve, its partial lines emptied, is feasible."""
    zero: frozenset[int] = frozenset()
    spent, solves = 0.0, 0
    for _ in range(DIVE_STEPS):
        partial = partial_lines(cs, x)
        if not partial:
            break
        if budget.exhausted():
            break
        budget.spend()
        zero |= frozenset(partial)
        out = _node(lp, cs.arcs.line, zero, frozenset(), budget, best[0], lambda y: not partial_lines(cs, y))
        spent, solves = spent + out.solve_ms, solves + out.solves
        if out.x is None or not all(lv.optimal for lv in out.levels[:3]):
            break  # bounded below the best (pruned), or out of time
        x = out.x
        found = complete_or_nothing(cs, x)
        if score(cs, found) > best[0]:
            best = (score(cs, found), found)
    return best, spent, solves


def _node(
    lp: LevelSolver,
    line: np.ndarray,
    zero: frozenset[int],
    full: frozenset[int],
    budget: Budget,
    floor: Score,
    last_if: Callable[[np.ndarray], bool],
) -> SolveOutcome:
    """The relaxation with lines in `zero` emptied and lines in `full` filled in full."""
    lp.restore()
    lp.set_ub_zero(np.flatnonzero(np.isin(line, list(zero))))
    for li in full:
        row = lp.m.line_row[li]
        lp.set_row_lb(row, float(lp.m.row_hi[row]))
    return lp.solve(budget, floor=floor, last_if=last_if)
