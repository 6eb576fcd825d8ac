"""How a solved level bounds the levels after it, on the one model `optimizers.solvers.levels` solves in turn.

On the LP, a solved level confines the next ones to its optimal face by complementary slackness (bounds only, so
transportation rows stay totally unimodular and the final vertex stays integral); on the MIP (SCIP, proven to a
zero gap), a solved level's row is held at the value it reached. `below` is the test by which a relaxation stops
early once it cannot reach a known solution.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from optimizers.model.matrix import Model
from optimizers.solvers.outcome import Score

if TYPE_CHECKING:  # the solver these edit imports this module
    from optimizers.solvers.levels import LevelSolver

FACE_TOL = 1e-9  # relative to the level's largest coefficient: duals are integers on TU rows, this is round-off


def restrict_to_optimal_face(ls: LevelSolver, reduced_cost: np.ndarray, dual: np.ndarray, tol: float) -> None:
    """Confine later levels to this level's optimal face, by complementary slackness with its dual.

    Every optimal primal solution satisfies complementary slackness with any optimal dual, and every feasible
    one that does is optimal; so the optimal face is {x : x_j = 0 where the reduced cost is nonzero, row i
    tight where its dual is nonzero}. Fixing bounds keeps the constraint matrix as it was (transportation
    rows are totally unimodular, so the final vertex stays integral), whereas a level row would not.
    """
    m = ls.m
    reduced = np.abs(reduced_cost[: m.n_arcs])
    ls.set_ub_zero(np.flatnonzero(reduced > tol))
    tight = (np.abs(dual) > tol) & (m.row_lo < m.row_hi)  # equalities are tight already
    tight[list(ls.touched_rows)] = False  # made tight at their one finite side before: nothing to change
    for i in np.flatnonzero(tight & (m.row_hi < np.inf)).tolist():
        ls.set_row_lb(i, float(m.row_hi[i]))
    for i in np.flatnonzero(tight & (m.row_hi == np.inf)).tolist():
        ls.set_row_ub(i, float(m.row_lo[i]))


def below(m: Model, x: np.ndarray, done: list[int], floor: Score) -> bool:
    """Do the LP values of the solved levels bound every solution here lexicographically below `floor`?"""
    values = {1: float(m.on_time @ x), 2: float(x.sum()), 3: float(m.margin @ x)}
    for lv in sorted(done):
        if values[lv] < floor[lv - 1] - 0.5:  # the levels are integers on integer points: 0.5 below is below
            return True
        if values[lv] > floor[lv - 1] + 0.5:
            return False
    return False


def hold_levels(ls: LevelSolver, levels: tuple[int, ...], x: np.ndarray) -> None:
    """On the MIP, hold every solved level at the value it reached while later levels are optimised."""
    m = ls.m
    fixed = {1: (m.row_on_time, m.on_time), 2: (m.row_units, None), 3: (m.row_margin, m.margin)}
    for lv in levels:
        if lv in fixed:
            row, coef = fixed[lv]
            value = float(x.sum() if coef is None else coef @ x)
            ls.set_row_lb(row, value - 0.5)  # the rows have integer coefficients: 0.5 below is exact
