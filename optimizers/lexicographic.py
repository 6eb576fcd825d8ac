"""Lexicographic solve of the allocation model: each level optimal given the levels before it.

Levels: (1) max on-time units, (2) max units, (3) max margin, (4) min tie-break cost. Levels 1 and 2 are
integers, so when W = total_qty + 1 keeps numbers small they are solved at once by maximising
W * on_time + units: on integer points this ranks exactly like the pair (on_time, units). After a level is
solved its row's bound is set to the value reached, and the next level's objective is installed.

Without ship-complete lines or a binding shipment limit the model is solved as an LP (GLOP). If the final LP
solution is integral it is also lexicographically optimal over the integers: each level's LP value bounds the
integer value from above, and an integral point reaches it. If it is fractional (lane capacities shared by
several items can make it so), the same model is solved again with integer variables by CP-SAT.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver.python import model_builder_helper as mbh

from optimizers.candidates import CandidateSet
from optimizers.decision import SolveStatus
from optimizers.model import Model, build_model

COMBINE_LIMIT = 1e12  # largest W * total_qty for which levels 1 and 2 share one objective
INTEGRAL_TOL = 1e-6


@dataclass(frozen=True)
class LevelResult:
    level: int
    name: str
    sense: str
    optimal: bool


@dataclass(frozen=True)
class SolveOutcome:
    x: np.ndarray | None  # integer flow per arc; None when no solution was found in time
    status: SolveStatus
    engine: str
    levels: tuple[LevelResult, ...]
    solve_ms: float
    solves: int
    variables: int
    constraints: int
    degraded_reason: str | None = None


def solve_lexicographic(cs: CandidateSet, time_limit_ms: int) -> SolveOutcome:
    """Solve every level exactly, LP first, CP-SAT when the LP answer is fractional or discrete."""
    deadline = time.perf_counter() + time_limit_ms / 1000.0
    if not cs.arcs:
        levels = tuple(LevelResult(k, n, s, True) for k, n, s in _LEVELS)
        return SolveOutcome(np.zeros(0, np.int64), SolveStatus.OPTIMAL, "none", levels, 0.0, 0, 0, 0)
    model = build_model(cs)
    out = _run(model, deadline)
    if not model.integer and out.x is None and out.degraded_reason == _FRACTIONAL:
        spent = out.solve_ms
        out = _run(build_model(cs, force_integer=True), deadline)
        out = SolveOutcome(
            out.x,
            out.status,
            "glop+cp-sat",
            out.levels,
            out.solve_ms + spent,
            out.solves + 3,
            out.variables,
            out.constraints,
            out.degraded_reason,
        )
    return out


_LEVELS = ((1, "on_time_units", "max"), (2, "units", "max"), (3, "margin", "max"), (4, "tie_break", "min"))
_FRACTIONAL = "fractional LP optimum"


def _objectives(m: Model) -> list[tuple[tuple[int, ...], np.ndarray, bool]]:
    """(levels, objective over arcs, maximise) for each solve, levels 1 and 2 merged when safe."""
    w = m.total_qty + 1
    first: list[tuple[tuple[int, ...], np.ndarray, bool]]
    if w * m.total_qty <= COMBINE_LIMIT:
        first = [((1, 2), w * m.on_time + 1.0, True)]
    else:
        first = [((1,), m.on_time, True), ((2,), np.ones(m.n_arcs), True)]
    return [*first, ((3,), m.margin, True), ((4,), m.tie, False)]


def _run(m: Model, deadline: float) -> SolveOutcome:
    """Solve the levels in turn on one model, fixing each level's row after it is solved."""
    engine = "cp-sat" if m.integer else "glop"
    solver = mbh.ModelSolverHelper("sat" if m.integer else "glop")
    if m.integer:
        solver.set_solver_specific_parameters("num_workers:1")  # one worker: the same input, the same answer
    h, cols = m.helper, list(range(m.n_vars))
    x: np.ndarray | None = None
    done: list[int] = []
    spent, solves, reason = 0.0, 0, None
    for levels, obj, maximise in _objectives(m):
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            reason = f"time limit reached before level {levels[0]}"
            break
        coeffs = np.zeros(m.n_vars)
        coeffs[: m.n_arcs] = obj
        h.set_objective_coefficients(cols, coeffs.tolist())
        h.set_maximize(maximise)
        solver.set_time_limit_in_seconds(remaining)
        t0 = time.perf_counter()
        solver.solve(h)
        spent += (time.perf_counter() - t0) * 1000.0
        solves += 1
        status = solver.status()
        if status not in (mbh.SolveStatus.OPTIMAL, mbh.SolveStatus.FEASIBLE):
            reason = f"level {levels[0]} not solved in the time limit ({status.name})"
            break
        x = np.asarray(solver.variable_values())[: m.n_arcs]
        if status != mbh.SolveStatus.OPTIMAL:
            reason = f"time limit reached at level {levels[0]}: best feasible solution returned"
            break
        done.extend(levels)
        _fix(m, levels, x)
    return _outcome(m, engine, x, done, spent, solves, reason)


def _fix(m: Model, levels: tuple[int, ...], x: np.ndarray) -> None:
    """Hold every solved level at the value it reached while later levels are optimised."""
    rows = {1: (m.row_on_time, m.on_time), 2: (m.row_units, None), 3: (m.row_margin, m.margin)}
    for lv in levels:
        if lv in rows:
            row, coef = rows[lv]
            value = float(x.sum() if coef is None else coef @ x)
            slack = 0.5 if m.integer else min(0.5, max(1e-7, 1e-9 * abs(value)))
            m.helper.set_constraint_lower_bound(row, value - slack)


def _outcome(
    m: Model,
    engine: str,
    x: np.ndarray | None,
    done: list[int],
    spent: float,
    solves: int,
    reason: str | None,
) -> SolveOutcome:
    levels = tuple(LevelResult(k, n, s, k in done) for k, n, s in _LEVELS)
    if x is None:
        return SolveOutcome(None, SolveStatus.TIMEOUT, engine, levels, spent, solves, m.n_vars, m.n_rows, reason)
    xi = np.rint(x)
    if np.abs(x - xi).max(initial=0.0) > INTEGRAL_TOL:
        if not m.integer:
            return SolveOutcome(
                None, SolveStatus.FEASIBLE, engine, levels, spent, solves, m.n_vars, m.n_rows, _FRACTIONAL
            )
        raise ArithmeticError("integer solver returned a fractional solution")
    status = SolveStatus.OPTIMAL if reason is None else SolveStatus.FEASIBLE
    return SolveOutcome(
        np.maximum(xi, 0).astype(np.int64), status, engine, levels, spent, solves, m.n_vars, m.n_rows, reason
    )
