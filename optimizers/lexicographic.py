"""Lexicographic solve of the allocation model: each level optimal given the levels before it.

Levels: (1) max on-time units, (2) max units, (3) max margin, (4) min tie-break cost. Levels 1 and 2 are
integers, so when W = total_qty + 1 keeps numbers small they are solved at once by maximising
W * on_time + units: on integer points this ranks exactly like the pair (on_time, units). After a level is
solved its row's bound is set to the value reached, and the next level's objective is installed.

First the relaxation is solved as an LP (GLOP): continuous flows, ship-complete lines relaxed to `<= qty`, no
shipment limit. If its final solution is integral, every ship-complete line got 0 or its quantity, and the
order ships from no more locations than allowed, that solution is lexicographically optimal for the real
problem: each level's relaxed value bounds the real one from above, and a feasible point reaches it. Otherwise
(a binding shipment limit, a partly filled ship-complete line, or a fractional vertex, which lane capacities
shared by several items can cause) the exact discrete model is solved by SCIP: LP-based branch and bound
suits these nearly integral relaxations (CP-SAT was measured 100x slower on them).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
from ortools.linear_solver import linear_solver_pb2, pywraplp
from ortools.linear_solver.python import model_builder_helper as mbh
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from optimizers import incumbent
from optimizers.candidates import CandidateSet
from optimizers.decision import SolveStatus
from optimizers.model import Model, binding_lane_caps, build_model

COMBINE_LIMIT = 1e12  # largest W * total_qty for which levels 1 and 2 share one objective
INTEGRAL_TOL = 1e-6
FACE_TOL = 1e-9  # relative to the level's largest coefficient: duals are integers on TU rows, this is round-off


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
    fractional: np.ndarray | None = None  # the LP's flow when it was not integral


def solve_lexicographic(cs: CandidateSet, time_limit_ms: int, started: float | None = None) -> SolveOutcome:
    """Solve every level exactly: the LP relaxation first, SCIP when that answer is fractional or infeasible.

    The time limit counts from `started` (default: now). When it expires the answer is the best feasible flow
    found (the solver's, the repaired relaxation's or the greedy baseline's), marked with the reason.
    """
    deadline = (started if started is not None else time.perf_counter()) + time_limit_ms / 1000.0
    if not cs.arcs:
        levels = tuple(LevelResult(k, n, s, True) for k, n, s in _LEVELS)
        return SolveOutcome(np.zeros(0, np.int64), SolveStatus.OPTIMAL, "none", levels, 0.0, 0, 0, 0)
    relaxed = _run(build_model(cs, discrete=False), deadline)
    if relaxed.x is not None and relaxed.status == SolveStatus.OPTIMAL and _discrete_ok(cs, relaxed.x):
        return relaxed
    if _separable(cs) and all(lv.optimal for lv in relaxed.levels):
        split = _by_components(cs, relaxed, deadline)
        if split is not None:
            return split
    fixes: list[tuple[str, np.ndarray | None]] = [("the greedy baseline", incumbent.greedy_flow(cs))]
    if relaxed.x is not None:

        def sub(part: CandidateSet) -> np.ndarray | None:
            return _run(build_model(part, discrete=False), deadline).x

        fixes.insert(0, ("the repaired LP relaxation", incumbent.repaired(cs, relaxed.x, sub)))
    start = incumbent.best(cs, fixes)
    assert start is not None
    if relaxed.x is None and relaxed.degraded_reason != _FRACTIONAL:
        return _settle(cs, relaxed, start, relaxed)  # out of time already
    out = _run(build_model(cs, discrete=True), deadline, hint=start[1])
    return _settle(cs, out, start, relaxed)


def _settle(cs: CandidateSet, out: SolveOutcome, start: tuple[str, np.ndarray], relaxed: SolveOutcome) -> SolveOutcome:
    """The discrete outcome, or the better feasible flow when the solver could not prove optimality in time."""
    engine = "glop+scip" if out is not relaxed else relaxed.engine
    spent, solves = out.solve_ms + (relaxed.solve_ms if out is not relaxed else 0.0), out.solves
    solves += relaxed.solves if out is not relaxed else 0
    if out.status == SolveStatus.OPTIMAL and out.x is not None:
        return replace(out, engine=engine, solve_ms=spent, solves=solves)
    name, x = incumbent.best(cs, [("the solver's best", out.x), start])  # type: ignore[misc]
    reason = f"{out.degraded_reason or 'time limit reached'}; returned the best feasible decision found: {name}"
    status = SolveStatus.FEASIBLE if out.x is not None or name != "the greedy baseline" else SolveStatus.TIMEOUT
    return replace(out, x=x, status=status, engine=engine, solve_ms=spent, solves=solves, degraded_reason=reason)


def _separable(cs: CandidateSet) -> bool:
    """Without a binding shipment limit, parts of the order that share no supply, line or lane are independent."""
    limit = cs.problem.customer().max_shipments
    return limit is None or limit >= len({a.ship_from for a in cs.arcs})


def _by_components(cs: CandidateSet, relaxed: SolveOutcome, deadline: float) -> SolveOutcome | None:
    """Re-solve exactly only the independent parts where the relaxation is fractional or breaks ship-complete.

    Each level is a sum over independent parts, so the lexicographic optimum of the whole is the union of the
    parts' optima; the relaxation is already optimal, and feasible, on every other part.
    """
    raw = relaxed.x if relaxed.x is not None else relaxed.fractional
    assert raw is not None
    label = _components(cs)
    bad = np.flatnonzero(np.abs(raw - np.rint(raw)) > INTEGRAL_TOL)
    line = np.fromiter((a.line for a in cs.arcs), np.int64, len(cs.arcs))
    got = np.zeros(len(cs.problem.order.lines))
    np.add.at(got, line, raw)
    for li, ln in enumerate(cs.problem.order.lines):
        if ln.ship_complete and INTEGRAL_TOL < got[li] < ln.qty - INTEGRAL_TOL:
            bad = np.append(bad, np.flatnonzero(line == li))
    x = np.rint(raw).astype(np.int64)
    spent, solves = relaxed.solve_ms, relaxed.solves
    for part in np.unique(label[bad]).tolist():
        idx = np.flatnonzero(label == part)
        out = _run(build_model(replace(cs, arcs=tuple(cs.arcs[k] for k in idx.tolist())), discrete=True), deadline)
        spent, solves = spent + out.solve_ms, solves + out.solves
        if out.status != SolveStatus.OPTIMAL or out.x is None:
            return None
        x[idx] = out.x
    return replace(
        relaxed,
        x=x,
        status=SolveStatus.OPTIMAL,
        engine="glop+scip (by part)",
        solve_ms=spent,
        solves=solves,
        degraded_reason=None,
        fractional=None,
    )


def _components(cs: CandidateSet) -> np.ndarray:
    """Per arc, the id of its connected part in the graph of supply nodes, lines and capacitated lanes."""
    n_nodes, n_lines = len(cs.nodes), len(cs.problem.order.lines)
    node = np.fromiter((a.node for a in cs.arcs), np.int64, len(cs.arcs))
    line = np.fromiter((a.line for a in cs.arcs), np.int64, len(cs.arcs)) + n_nodes
    lane = np.fromiter((a.lane for a in cs.arcs), np.int64, len(cs.arcs))
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
    got = np.zeros(len(cs.problem.order.lines), np.int64)
    origins = set()
    for k in np.flatnonzero(x).tolist():
        got[cs.arcs[k].line] += x[k]
        origins.add(cs.arcs[k].ship_from)
    for li, ln in enumerate(cs.problem.order.lines):
        if ln.ship_complete and got[li] not in (0, ln.qty):
            return False
    limit = cs.problem.customer().max_shipments
    return limit is None or len(origins) <= limit


def _exact_params() -> pywraplp.MPSolverParameters:
    """MPSolver stops MIPs at a 1e-4 relative gap by default; every level here must be proven optimal."""
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, 0.0)
    return params


_EXACT = _exact_params()
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


def _run(m: Model, deadline: float, hint: np.ndarray | None = None) -> SolveOutcome:
    """Solve the levels in turn on one solver, fixing each level's row after it is solved.

    The model is built in bulk by model_builder and loaded into one pywraplp solver, so that GLOP re-solves
    each level warm from the previous basis instead of from scratch.
    """
    engine = "scip" if m.integer else "glop"
    solver = pywraplp.Solver.CreateSolver(engine.upper())
    if solver is None or solver.LoadModelFromProto(mbh.to_mpmodel_proto(m.helper)):
        raise RuntimeError(f"OR-Tools could not load the model into {engine}")
    xs, rows, objective = solver.variables(), solver.constraints(), solver.Objective()
    arcs = xs[: m.n_arcs]
    free = np.ones(m.n_arcs, bool)  # arcs not yet confined to 0 by an earlier level's optimal face
    x: np.ndarray | None = None
    if hint is not None and m.integer:
        solver.SetHint(arcs, hint.astype(np.float64).tolist())
    done: list[int] = []
    spent, solves, reason = 0.0, 0, None
    for levels, coeffs, maximise in _objectives(m):
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            reason = f"time limit reached before level {levels[0]}"
            break
        objective.Clear()
        for j in np.flatnonzero(free & (coeffs != 0)).tolist():
            objective.SetCoefficient(arcs[j], float(coeffs[j]))
        objective.SetOptimizationDirection(maximise)
        if x is not None and m.integer:
            solver.SetHint(arcs, x.tolist())
        solver.SetTimeLimit(max(1, int(remaining * 1000)))
        t0 = time.perf_counter()
        status = solver.Solve(_EXACT)
        spent += (time.perf_counter() - t0) * 1000.0
        solves += 1
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            reason = f"level {levels[0]} not solved in the time limit (status {status})"
            break
        response = linear_solver_pb2.MPSolutionResponse()
        solver.FillSolutionResponseProto(response)  # the whole solution in one call, not one per variable
        x = np.array(response.variable_value)[: m.n_arcs]
        if status != pywraplp.Solver.OPTIMAL:
            reason = f"time limit reached at level {levels[0]}: best feasible solution returned"
            break
        done.extend(levels)
        if m.integer:
            _fix(m, rows, levels, x)
        else:
            _restrict_to_optimal_face(
                arcs, rows, response, free, FACE_TOL * max(1.0, float(np.abs(coeffs).max(initial=0.0)))
            )
    return _outcome(m, engine, x, done, spent, solves, reason)


def _restrict_to_optimal_face(
    arcs: list,
    rows: list,
    response: linear_solver_pb2.MPSolutionResponse,  # type: ignore[type-arg]
    free: np.ndarray,
    tol: float,
) -> None:
    """Confine later levels to this level's optimal face, by complementary slackness with its dual.

    Every optimal primal solution satisfies complementary slackness with any optimal dual, and every feasible
    one that does is optimal; so the optimal face is {x : x_j = 0 where the reduced cost is nonzero, row i
    tight where its dual is nonzero}. Fixing bounds keeps the constraint matrix as it was (transportation
    rows are totally unimodular, so the final vertex stays integral), whereas a level row would not.
    """
    reduced = np.abs(np.array(response.reduced_cost)[: len(arcs)])
    idle = np.flatnonzero(free & (reduced > tol))
    free[idle] = False
    for j in idle.tolist():
        arcs[j].SetUb(0.0)
    for i in np.flatnonzero(np.abs(np.array(response.dual_value)) > tol).tolist():
        row = rows[i]
        if row.ub() < float("inf"):
            row.SetLb(row.ub())
        else:
            row.SetUb(row.lb())


def _fix(m: Model, rows: list, levels: tuple[int, ...], x: np.ndarray) -> None:  # type: ignore[type-arg]
    """Hold every solved level at the value it reached while later levels are optimised."""
    fixed = {1: (m.row_on_time, m.on_time), 2: (m.row_units, None), 3: (m.row_margin, m.margin)}
    for lv in levels:
        if lv in fixed:
            row, coef = fixed[lv]
            value = float(x.sum() if coef is None else coef @ x)
            # Integer rows: 0.5 is exact. LP: a relative slack within GLOP's tolerances, never a whole unit.
            slack = 0.5 if m.integer else min(0.5, max(1e-6, 1e-9 * abs(value)))
            rows[row].SetLb(value - slack)


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
                None, SolveStatus.FEASIBLE, engine, levels, spent, solves, m.n_vars, m.n_rows, _FRACTIONAL, x
            )
        raise ArithmeticError("integer solver returned a fractional solution")
    status = SolveStatus.OPTIMAL if reason is None else SolveStatus.FEASIBLE
    return SolveOutcome(
        np.maximum(xi, 0).astype(np.int64), status, engine, levels, spent, solves, m.n_vars, m.n_rows, reason
    )
