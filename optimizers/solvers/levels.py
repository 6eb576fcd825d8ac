"""Solve the lexicographic levels on one model: (1) max on-time units, (2) max units, (3) max margin,
(4) min tie-break cost, each optimal given the levels before.

Levels 1 and 2 are integers, so when W = total_qty + 1 keeps numbers small they are solved at once by
maximising W * on_time + units: on integer points this ranks exactly like the pair (on_time, units).

The model is built in bulk by model_builder. Small LPs are solved by model_builder's own GLOP, cold each time;
the others are loaded into one pywraplp solver, so that GLOP re-solves each level warm from the previous basis
(`optimizers.model.backends`). Between levels, `optimizers.solvers.level_bounds` confines the next ones to what
the solved level reached.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from optimizers.decision import DegradedReason, Engine, SolveStatus
from optimizers.model.backends import FAILED, INFEASIBLE, OPTIMAL, Answer, BuilderSolver, solver_for
from optimizers.model.matrix import Model
from optimizers.solvers.budget import Budget, in_words
from optimizers.solvers.level_bounds import FACE_TOL, below, hold_levels, restrict_to_optimal_face
from optimizers.solvers.outcome import INTEGRAL_TOL, LEVELS, LevelResult, Score, SolveOutcome

COMBINE_LIMIT = 1e12  # largest W * total_qty for which levels 1 and 2 share one objective


def _objectives(m: Model) -> list[tuple[tuple[int, ...], np.ndarray, bool, dict[int, float]]]:
    """(levels, objective over arcs, maximise, objective over the LP's level columns) for each solve.

    Levels 1 and 2 are merged when safe.
    """
    w = m.total_qty + 1
    first: list[tuple[tuple[int, ...], np.ndarray, bool, dict[int, float]]]
    if w * m.total_qty <= COMBINE_LIMIT:
        first = [((1, 2), w * m.on_time + 1.0, True, {})]
    else:
        first = [((1,), m.on_time, True, {}), ((2,), np.ones(m.n_arcs), True, {})]
    margin, tie = ({m.level_cols[0]: 1.0}, {m.level_cols[1]: 1.0}) if m.level_cols else ({}, {})
    return [*first, ((3,), m.margin, True, margin), ((4,), m.tie, False, tie)]


def run_levels(m: Model, budget: Budget, hint: np.ndarray | None = None, floor: Score | None = None) -> SolveOutcome:
    """Solve the levels of a freshly built model in turn (see `LevelSolver.solve`)."""
    return LevelSolver(m).solve(budget, hint, floor)


class LevelSolver:
    """One solver for a model (`optimizers.model.backends`): levels solved in turn, then bounds restored for the
    next branch of `optimizers.solvers.ship_complete_tree`."""

    def __init__(self, m: Model) -> None:
        self.m = m
        self.plan = _objectives(m)
        _, first, maximise, _ = self.plan[0]
        self.backend = solver_for(m, first, maximise)
        self.engine = Engine.MIP if m.integer else Engine.LP_LEVELS
        self.preset = True  # the backend already carries the first level's objective
        self.free = ~m.fixed  # arcs not confined to 0 by a branch or an earlier level's face
        self.lo, self.hi = m.row_lo.copy(), m.row_hi.copy()  # the rows' bounds now
        self.touched_rows: set[int] = set()

    def restore(self) -> None:
        """Undo every bound change since the model was loaded."""
        self.backend.set_ub(np.flatnonzero(~self.free & ~self.m.fixed).tolist(), float("inf"))
        self.free = ~self.m.fixed
        for i in self.touched_rows:
            self.backend.set_row_bounds(i, float(self.m.row_lo[i]), float(self.m.row_hi[i]))
        self.lo[:], self.hi[:] = self.m.row_lo, self.m.row_hi
        self.touched_rows.clear()

    def set_ub_zero(self, cols: np.ndarray) -> None:
        """Confine these arcs to carry nothing."""
        self.backend.set_ub(cols[self.free[cols]].tolist(), 0.0)
        self.free[cols] = False

    def set_row_lb(self, row: int, value: float) -> None:
        self.lo[row] = value
        self._set_row(row)

    def set_row_ub(self, row: int, value: float) -> None:
        self.hi[row] = value
        self._set_row(row)

    def _set_row(self, row: int) -> None:
        self.backend.set_row_bounds(row, float(self.lo[row]), float(self.hi[row]))
        self.touched_rows.add(row)

    def _objective(self, coeffs: np.ndarray, on_levels: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
        """This level's objective as (columns, coefficients): one level column, or the free arcs'."""
        if on_levels:
            return np.array(list(on_levels)), np.array(list(on_levels.values()))
        cols = np.flatnonzero(self.free & (coeffs != 0))
        return cols, coeffs[cols]

    def _solve_afresh(self, objective: tuple[np.ndarray, np.ndarray], maximise: bool, seconds: float) -> Answer:
        """GLOP sometimes gives up on a warm or unpresolved re-solve (status ABNORMAL) where a fresh solve with
        its default presolve succeeds: solve this level so, on the model as it now stands, and go on with it."""
        m = self.m
        fresh = BuilderSolver(m, presolve=True)
        fresh.set_ub(np.flatnonzero(~self.free & ~m.fixed).tolist(), 0.0)
        for i in self.touched_rows:
            fresh.set_row_bounds(i, float(self.lo[i]), float(self.hi[i]))
        fresh.set_objective(*objective, maximise)
        self.backend = fresh
        return fresh.solve(max(seconds, 0.001))

    def solve(
        self,
        budget: Budget,
        hint: np.ndarray | None = None,
        floor: Score | None = None,
        last_if: Callable[[np.ndarray], bool] | None = None,
    ) -> SolveOutcome:
        """Each level in turn, each confined to the optimum of the ones before.

        On the LP, `floor` is the score of a known integer solution (`incumbent.score`): as soon as the levels
        solved so far bound every solution here below it, the solve stops (`pruned`), saving the later levels.
        `last_if` decides from the level-3 solution whether the tie-break level is worth solving; when it is
        not, the outcome has levels 1-3 optimal and level 4 not solved. Each level costs a work unit on the LP
        and SCIP's nodes on the MIP, where a work limit also caps the nodes and stops the levels once spent.
        """
        m = self.m
        x: np.ndarray | None = None
        if hint is not None and m.integer:
            self.backend.hint(hint)
        done: list[int] = []
        spent, solves, stop = 0.0, 0, _Stop()
        for levels, coeffs, maximise, on_levels in self.plan:
            remaining = budget.seconds_left()
            if remaining <= 0 or (m.integer and budget.out_of_work()):
                reason = budget.reason()
                stop = _Stop(reason, f"{in_words(reason)} reached before level {levels[0]}")
                break
            objective = self._objective(coeffs, on_levels)
            if not self.preset:
                self.backend.set_objective(*objective, maximise)
            self.preset = False
            if x is not None and m.integer:
                self.backend.hint(x)
            t0 = time.perf_counter()
            answer = self.backend.solve(remaining, budget.work_left()) if m.integer else self.backend.solve(remaining)
            budget.spend(answer.work)
            if answer.status == FAILED and not m.integer:
                answer = self._solve_afresh(objective, maximise, budget.seconds_left())
                budget.spend(answer.work)
            spent += (time.perf_counter() - t0) * 1000.0
            solves += 1
            if answer.status == INFEASIBLE:
                return SolveOutcome(
                    None, SolveStatus.TIMEOUT, self.engine, (), spent, solves, m.n_vars, m.n_rows, detail="infeasible",
                    infeasible=True,
                )  # fmt: skip
            if answer.x is None:
                stop = _Stop(budget.reason(), f"level {levels[0]} not solved (status {answer.code})")
                break
            x = answer.x[: m.n_arcs]
            if answer.status != OPTIMAL:
                reason = budget.reason(DegradedReason.TIME_LIMIT)
                stop = _Stop(
                    reason, f"{in_words(reason)} reached at level {levels[0]}: best feasible solution returned"
                )
                break
            done.extend(levels)
            if 4 in levels:
                break  # the last level: nothing left to constrain
            if floor is not None and not m.integer and below(m, x, done, floor):
                return _outcome(m, self.engine, None, done, spent, solves, _Stop(None, "pruned"), pruned=True)
            if 3 in levels and last_if is not None and not last_if(x):
                return _outcome(m, self.engine, x, done, spent, solves, _Stop(None, "level 4 not needed"))
            if m.integer:
                hold_levels(self, levels, x)
            else:
                assert answer.reduced is not None and answer.duals is not None
                tol = FACE_TOL * max(1.0, float(np.abs(coeffs).max(initial=0.0)))
                restrict_to_optimal_face(self, answer.reduced, answer.duals, tol)
        return _outcome(m, self.engine, x, done, spent, solves, stop)


class _Stop(NamedTuple):
    """Why the levels stopped before the last: a limit (None: by choice, e.g. pruned), and in words."""

    reason: DegradedReason | None = None
    detail: str | None = None


def _outcome(
    m: Model,
    engine: Engine,
    x: np.ndarray | None,
    done: list[int],
    spent: float,
    solves: int,
    stop: _Stop,
    pruned: bool = False,
) -> SolveOutcome:
    levels = tuple(LevelResult(k, n, s, k in done) for k, n, s in LEVELS)
    size = (m.n_vars, m.n_rows)
    if x is None:
        return SolveOutcome(None, SolveStatus.TIMEOUT, engine, levels, spent, solves, *size, *stop, pruned=pruned)
    xi = np.rint(x)
    if np.abs(x - xi).max(initial=0.0) > INTEGRAL_TOL:
        if not m.integer:
            detail = "fractional LP optimum"
            return SolveOutcome(
                None, SolveStatus.FEASIBLE, engine, levels, spent, solves, *size, detail=detail, fractional=x
            )
        raise ArithmeticError("integer solver returned a fractional solution")
    status = SolveStatus.OPTIMAL if stop.detail is None else SolveStatus.FEASIBLE
    return SolveOutcome(np.maximum(xi, 0).astype(np.int64), status, engine, levels, spent, solves, *size, *stop)
