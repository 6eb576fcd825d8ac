"""Exact branch and bound over ship-complete lines, on the warm LP instead of a general MIP solver.

A node fixes some ship-complete lines to 0 (their arcs removed) or to their full quantity (their row made an
equality) and solves the relaxation lexicographically. Its value vector bounds, lexicographically, every
integer solution below it; a node is pruned when that bound is no better than the incumbent, and is a leaf when
its solution is integral and fills every ship-complete line fully or not at all. Depth first, the line filled
in full first. Gives up (returns None) on a fractional node, on the node budget or on the deadline, and the
caller falls back to SCIP; so the answer is either exact or not given.
"""

from __future__ import annotations

import numpy as np

from optimizers.candidates import CandidateSet
from optimizers.incumbent import partial_lines, score
from optimizers.levels import INTEGRAL_TOL, LevelSolver, SolveOutcome
from optimizers.model import build_model

MAX_NODES = 64


def ship_complete_branch_and_bound(
    cs: CandidateSet, deadline: float, root: np.ndarray
) -> tuple[np.ndarray, float, int] | None:
    """(optimal flow, solver ms, solves) for a part whose only discrete rule is ship-complete, or None.

    `root` is the relaxation's optimum on this part (already solved with the whole order). Every node reuses
    one loaded LP: its bounds are restored and the node's fixings applied, and GLOP starts from the last basis.
    """
    if np.abs(root - np.rint(root)).max(initial=0.0) > INTEGRAL_TOL:
        return None
    lp = LevelSolver(build_model(cs, discrete=False))
    line = cs.arcs.line
    best: tuple[tuple[int, int, int, int], np.ndarray] | None = None
    stack: list[tuple[frozenset[int], frozenset[int]]] = [(frozenset(), frozenset())]
    spent, solves = 0.0, 0
    for _ in range(MAX_NODES):
        if not stack:
            return (best[1], spent, solves) if best is not None else None
        zero, full = stack.pop()
        x = np.rint(root).astype(np.int64)
        if zero or full:
            out = _node(lp, line, zero, full, deadline)
            spent, solves = spent + out.solve_ms, solves + out.solves
            if out.infeasible:
                continue
            if out.x is None or not all(lv.optimal for lv in out.levels):
                return None  # fractional or out of time: not ours to decide
            x = out.x
        bound = score(cs, x)
        if best is not None and bound <= best[0]:
            continue
        partial = partial_lines(cs, x)
        if not partial:
            best = (bound, x)
            continue
        li = partial[0]
        stack.append((zero | {li}, full))
        stack.append((zero, full | {li}))
    return None


def _node(
    lp: LevelSolver, line: np.ndarray, zero: frozenset[int], full: frozenset[int], deadline: float
) -> SolveOutcome:
    """The relaxation with lines in `zero` emptied and lines in `full` filled in full."""
    lp.restore()
    lp.set_ub_zero(np.flatnonzero(np.isin(line, list(zero))))
    for li in full:
        row = lp.m.line_row[li]
        lp.set_row_lb(row, float(lp.m.row_hi[row]))
    return lp.solve(deadline)
