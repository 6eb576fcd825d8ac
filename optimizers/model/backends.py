"""The two ways `optimizers.solvers.levels` drives OR-Tools: one loaded pywraplp solver, or model_builder's solve.

- `LoadedSolver`: the model is loaded once into a pywraplp solver (GLOP, or SCIP for the MIP); each level and
  each branch re-solves warm from the previous basis. Bounds and objective coefficients change one SWIG call
  at a time, so this pays on models big enough that a warm start saves more than those calls cost.
- `BuilderSolver`: GLOP solves the model_builder model directly, from scratch each time; objectives and answers
  move as whole numpy arrays. On small LPs (up to 400 arcs) a cold solve costs a little less than the warm
  machinery around it (5-10% of a small order's level solves, measured before small orders moved to the
  min-cost flow; an LP is still solved for those with a lane that could bind). On big ones (over 5,000 arcs)
  GLOP needs its presolve, which throws a warm basis away anyway; a fresh solve with presolve was measured
  faster there too (a 5,571-arc branch-and-bound node: 51 ms against 85 ms; large seed 1 about 150 ms faster
  in all).

Both answer `Answer`: a status, the flow over every column, on the LP the reduced costs and row duals that
confine the next level to this level's optimal face, and the work units the solve cost (one per LP, SCIP's
branch-and-bound nodes on the MIP, which a node limit can cap).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from ortools.linear_solver import linear_solver_pb2, pywraplp  # type: ignore[attr-defined]
from ortools.linear_solver.python import model_builder_helper as mbh

from optimizers.model.matrix import Model

COLD_UP_TO_ARCS = 400  # measured: LPs up to this size solve faster from scratch through model_builder
PRESOLVE_ABOVE_ARCS = 5000  # measured: below this, warm re-solves beat GLOP's presolve

OPTIMAL, FEASIBLE, INFEASIBLE, FAILED = "optimal", "feasible", "infeasible", "failed"


class Answer(NamedTuple):
    status: str  # OPTIMAL, FEASIBLE (stopped by the time limit with a solution), INFEASIBLE or FAILED
    code: int  # the solver's own status code, for the record
    x: np.ndarray | None  # every column's value
    reduced: np.ndarray | None  # LP only: reduced costs of the arc columns
    duals: np.ndarray | None  # LP only: row duals
    work: int = 1  # deterministic work units: 1 for an LP, SCIP's branch-and-bound nodes for the MIP


def _exact_params() -> pywraplp.MPSolverParameters:
    """MPSolver stops MIPs at a 1e-4 relative gap by default; every level here must be proven optimal."""
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, 0.0)
    return params


_EXACT = _exact_params()
_LOADED_STATUS = {pywraplp.Solver.OPTIMAL: OPTIMAL, pywraplp.Solver.FEASIBLE: FEASIBLE}
_BUILDER_STATUS = {mbh.SolveStatus.OPTIMAL: OPTIMAL, mbh.SolveStatus.FEASIBLE: FEASIBLE}


def solver_for(m: Model, first_objective: np.ndarray, maximise: bool) -> LoadedSolver | BuilderSolver:
    """The backend for this model, already carrying the first level's objective."""
    m.helper.set_objective_coefficients(list(range(m.n_arcs)), first_objective.tolist())  # one call, not per arc
    m.helper.set_maximize(maximise)
    if not m.integer and m.n_arcs <= COLD_UP_TO_ARCS:
        return BuilderSolver(m)
    if not m.integer and m.n_arcs > PRESOLVE_ABOVE_ARCS:
        return BuilderSolver(m, presolve=True)
    return LoadedSolver(m)


class LoadedSolver:
    """The model loaded once into pywraplp; warm re-solves."""

    def __init__(self, m: Model) -> None:
        self.m = m
        self.engine = "scip" if m.integer else "glop"
        solver = pywraplp.Solver.CreateSolver(self.engine.upper())
        if solver is None or solver.LoadModelFromProto(mbh.to_mpmodel_proto(m.helper)):
            raise RuntimeError(f"OR-Tools could not load the model into {self.engine}")
        if not m.integer and m.n_arcs <= PRESOLVE_ABOVE_ARCS:
            # Presolve must be redone after every change, which throws the warm basis away.
            solver.SetSolverSpecificParametersAsString("use_preprocessing:false")
        self.solver = solver
        # Proxies are made on demand: building all of them costs more than a small LP's solve.
        self.var, self.row = solver.variable, solver.constraint
        self.arcs: list[pywraplp.Variable] = []

    def set_objective(self, cols: np.ndarray, coeffs: np.ndarray, maximise: bool) -> None:
        objective = self.solver.Objective()
        objective.Clear()
        for j, c in zip(cols.tolist(), coeffs.tolist(), strict=True):
            objective.SetCoefficient(self.var(j), c)
        objective.SetOptimizationDirection(maximise)

    def set_ub(self, cols: list[int], value: float) -> None:
        for j in cols:
            self.var(j).SetUb(value)

    def set_row_bounds(self, i: int, lo: float, hi: float) -> None:
        self.row(i).SetBounds(lo, hi)

    def hint(self, x: np.ndarray) -> None:
        self.arcs = self.arcs or self.solver.variables()[: self.m.n_arcs]
        self.solver.SetHint(self.arcs, x.astype(np.float64).tolist())

    def solve(self, seconds: float, nodes: int | None = None) -> Answer:
        """Solve within `seconds`; on the MIP, within `nodes` branch-and-bound nodes too (None: no node limit)."""
        self.solver.SetTimeLimit(max(1, int(seconds * 1000)))
        if nodes is not None and self.m.integer:
            self.solver.SetSolverSpecificParametersAsString(f"limits/nodes = {max(1, nodes)}")
        code = self.solver.Solve(_EXACT)
        work = max(1, int(self.solver.nodes())) if self.m.integer else 1
        if code == pywraplp.Solver.INFEASIBLE:
            return Answer(INFEASIBLE, code, None, None, None, work)
        status = _LOADED_STATUS.get(code, FAILED)
        if status == FAILED:
            return Answer(status, code, None, None, None, work)
        response = linear_solver_pb2.MPSolutionResponse()
        self.solver.FillSolutionResponseProto(response)  # the whole solution in one call, not one per variable
        x = np.array(response.variable_value)
        if self.m.integer:
            return Answer(status, code, x, None, None, work)
        return Answer(status, code, x, np.array(response.reduced_cost), np.array(response.dual_value))


class BuilderSolver:
    """GLOP on the model_builder model itself: a cold solve each time, numpy in and out."""

    engine = "glop"

    def __init__(self, m: Model, presolve: bool = False) -> None:
        self.m = m
        self.solver = mbh.ModelSolverHelper("glop")
        if not presolve:  # measured: on small LPs, a cold solve is faster without it
            self.solver.set_solver_specific_parameters("use_preprocessing:false")

    def set_objective(self, cols: np.ndarray, coeffs: np.ndarray, maximise: bool) -> None:
        self.m.helper.clear_objective()
        self.m.helper.set_objective_coefficients(cols.tolist(), coeffs.tolist())
        self.m.helper.set_maximize(maximise)

    def set_ub(self, cols: list[int], value: float) -> None:
        for j in cols:
            self.m.helper.set_var_upper_bound(j, value)

    def set_row_bounds(self, i: int, lo: float, hi: float) -> None:
        self.m.helper.set_constraint_lower_bound(i, lo)
        self.m.helper.set_constraint_upper_bound(i, hi)

    def hint(self, x: np.ndarray) -> None:
        raise TypeError("hints are for the MIP, which is never solved here")

    def solve(self, seconds: float, nodes: int | None = None) -> Answer:
        """Solve the LP within `seconds` (`nodes` is for the MIP, never solved here)."""
        self.solver.set_time_limit_in_seconds(max(0.001, seconds))
        self.solver.solve(self.m.helper)
        code = self.solver.status()
        if code == mbh.SolveStatus.INFEASIBLE:
            return Answer(INFEASIBLE, int(code), None, None, None)
        status = _BUILDER_STATUS.get(code, FAILED)
        if status == FAILED or not self.solver.has_solution():
            return Answer(FAILED, int(code), None, None, None)
        s = self.solver
        x, reduced, duals = (np.asarray(v) for v in (s.variable_values(), s.reduced_costs(), s.dual_values()))
        return Answer(status, int(code), x, reduced, duals)
