"""The run: candidates, decomposition, every level on every batch in the spec's order, then the answer.

Levels are taken in lockstep across batches because the fill-ratio level of a class is a minimum over the
whole run: each batch proves its own best minimum, the run's is the least of them, and every batch then holds
that one. Every other level is a sum, at its optimum exactly when each batch's part is. Batches share nothing
else, so the loop over batches inside a level could run in a process pool.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from fractions import Fraction

import numpy as np
from threadpoolctl import threadpool_limits

from optimizers.reallocation import ratio
from optimizers.reallocation.build import build
from optimizers.reallocation.candidates import RunCandidates
from optimizers.reallocation.decompose import BATCH_ARCS, batches, binding_limits, components, discrete
from optimizers.reallocation.explain import Explainer
from optimizers.reallocation.hashing import input_hash
from optimizers.reallocation.kpis import kpis
from optimizers.reallocation.levels import COMPETING, Level, objective_levels
from optimizers.reallocation.lexicographic import BatchSolver
from optimizers.reallocation.model import build_model
from optimizers.reallocation.output import Selector, orders_of
from optimizers.reallocation.problem import ReallocationProblem
from optimizers.reallocation.proof.greedy import greedy
from optimizers.reallocation.proof.validation import level_values
from optimizers.reallocation.result import ObjectiveLevel, ReallocationRun, SolverInfo
from optimizers.reallocation.verify import verify
from optimizers.reallocation.warm import Bases
from optimizers.solvers.budget import Budget


def run(
    problem: ReallocationProblem,
    *,
    time_limit_ms: int | None = None,
    started: float | None = None,
    batch_arcs: int = BATCH_ARCS,
    progress: Callable[[int, int], None] | None = None,
    verify_share: float | None = None,
    warm: Bases | None = None,
    keep: Bases | None = None,
    explain: Selector | None = None,
) -> ReallocationRun:
    """Re-allocate every order's lines: each objective level optimal given the ones before, proven by HiGHS,
    or, when `time_limit_ms` (default: the policy's) runs out, the best feasible answer marked degraded.
    `progress(done, total)` hears of each objective level as it is settled (0 of total before the first).
    Counterfactuals are then re-solved (`verify`) within `verify_share` of the time limit (0: not verified; by
    default as `policy.counterfactuals` says: what the run's own size affords, all within the rest of the limit,
    or none). `warm`: another run's bases (`optimizers.reallocation.warm`) to start each level from; `keep`:
    where to record this run's. `explain(order id, line result)`: which of the lines that lost units or are
    backordered to explain (and so whose counterfactuals to verify); all of them by default.

    NumPy's BLAS runs on one thread meanwhile: OpenBLAS's threads, started for a few dot products, spin on the
    other core between them (the plain 10,000-line book: 5.8 s of CPU in a 4.3 s run, 4.2 in 4.2 without), which
    takes that core from the other worker of a scenario batch or a server."""
    with threadpool_limits(limits=1, user_api="blas"):
        return _run(problem, time_limit_ms, started, batch_arcs, progress, verify_share, warm, keep, explain)


def _run(
    problem: ReallocationProblem,
    time_limit_ms: int | None,
    started: float | None,
    batch_arcs: int,
    progress: Callable[[int, int], None] | None,
    verify_share: float | None,
    warm: Bases | None = None,
    keep: Bases | None = None,
    explain: Selector | None = None,
) -> ReallocationRun:
    began = time.perf_counter() if started is None else started
    limit = problem.policy.time_limit_ms if time_limit_ms is None else time_limit_ms
    rc = build(problem)
    budget = Budget(began + limit / 1000 - reserve(rc, limit))
    limits = binding_limits(rc)
    comps = components(rc, limits)
    packed = batches(rc, comps, batch_arcs, discrete(rc, limits))
    present = {ref.cls.rank for ref in rc.lines if ref.cls.strategy in COMPETING}
    levels = objective_levels(problem, present)
    plan = tuple(level.name for level in levels)
    if keep is not None:
        keep.plan = plan
    if warm is not None and not warm.follows(plan):
        warm = None  # the levels both have come in another order (a policy reordered the tiers)
    differ = warm is not None and warm.plan != plan
    solvers = [BatchSolver(rc, build_model(rc, b, limits), warm, keep, differ) for b in packed]
    objective: list[ObjectiveLevel] = []
    eligible: set[int] = set()
    for done, level in enumerate(levels):
        if progress is not None:
            progress(done, len(levels))
        if level.kind == "ratio":
            objective += _ratio_level(solvers, level, budget, eligible)
        else:
            after = levels[done + 1] if done + 1 < len(levels) and _merges(level) else None
            outcomes = [s.level(level, budget, after) for s in solvers]
            value = float(sum(v for v, _ in outcomes))
            if level.name == "stability":  # lines in no batch get nothing: they deviate by their confirmed units
                value += sum(rc.lines[li].line.confirmed_qty for li in _unserved(rc))
            scale = 10_000 if level.name == "margin" else 1
            objective.append(ObjectiveLevel(level.name, value / scale, all(p for _, p in outcomes)))
    if progress is not None:
        progress(len(levels), len(levels))
    flow, fallback = _flows(rc, solvers, limits)
    answer = _answer(rc, flow, eligible, limits, objective, solvers, len(comps), began, fallback, explain)
    share = _VERIFY_SHARE[problem.policy.counterfactuals] if verify_share is None else verify_share
    return verify(problem, answer, began=began, time_limit_ms=limit, share=share, rc=rc)


# `policy.counterfactuals` as the share of the time limit `verify` may spend: None is its own default (what the
# run affords); `all` may spend all that is left of the limit.
_VERIFY_SHARE: dict[str, float | None] = {"budget": None, "all": 1.0, "none": 0.0}


# What follows the solve (the greedy completion, explanations, KPIs) measured 0.034-0.043 ms a line on 10,000-line
# books, plain and degraded generated, and 0.06 ms on a degraded 100,000-line one (2026-12-04, in a fast spell:
# about 1.6 times that at the usual speed); the solve stops 0.1 ms a line and 2 us an arc before the limit. That
# is thin for 100,000 lines at the usual speed. (It was 0.3 ms a line: a 100,000-line run with 60 s gave the
# solve only 30 s.)
RESERVE_PER_LINE_S = 0.0001
RESERVE_PER_ARC_S = 0.000002


def reserve(rc: RunCandidates, limit_ms: int) -> float:
    """Seconds kept back from the solve for what follows it, at most half the limit."""
    need = len(rc.lines) * RESERVE_PER_LINE_S + len(rc.arc_line) * RESERVE_PER_ARC_S
    return min(need, limit_ms / 2000)


def _merges(level: Level) -> bool:
    """Levels solved together with the next (`BatchSolver._merged_objective`): on-time units with units, for `win`
    lines and for each tier class (one LP, or one integer program), stability with the tie-break (when stability
    needs an integer program). Merging `win`'s too took the plain 20,000-line book's warm scenarios from 10.8 to
    8.9 s in HiGHS over four (delay, demand, stock, cost; 2026-12-05), every objective value the same."""
    return level.on_time or level.name == "stability"


def _unserved(rc: RunCandidates) -> list[int]:
    """Lines without a single arc."""
    has = np.zeros(len(rc.lines), bool)
    has[rc.arc_line] = True
    return np.flatnonzero(~has).tolist()


def _ratio_level(solvers: list[BatchSolver], level: Level, budget: Budget, eligible: set[int]) -> list[ObjectiveLevel]:
    """The class's minimum fill ratio over the run: each batch's best, the least of them held everywhere."""
    found = [ratio.eligible(s, level, budget) for s in solvers]
    best: list[tuple[Fraction, bool]] = [
        ratio.max_min(s, level, lines, budget) for s, (lines, _) in zip(solvers, found, strict=True) if lines
    ]
    if not best:
        return []  # no eligible line anywhere: the spec leaves the level out
    t = min(v for v, _ in best)
    for s, (lines, _) in zip(solvers, found, strict=True):
        if lines:
            ratio.hold(s, lines, t)
            eligible.update(int(s.m.lines[p]) for p in lines)
    proven = all(p for _, p in found) and all(p for _, p in best)
    return [ObjectiveLevel(level.name, float(t), proven)]


def _flows(rc: RunCandidates, solvers: list[BatchSolver], limits: dict[str, int]) -> tuple[np.ndarray, bool]:
    """Every arc's flow. The lines of batches a limit stopped are completed by the greedy baseline on what the
    solves left: it only adds units, so no level already reached goes down but margin, stability and tie-break."""
    flow = np.zeros(len(rc.arc_line), np.int64)
    stopped = np.zeros(len(rc.lines), bool)
    for s in solvers:
        flow[s.m.arcs] = s.arc_flow()
        if s.stopped:
            stopped[s.m.lines] = True
    if not stopped.any():
        return flow, False
    completed = greedy(rc, limits, start=flow, only=stopped)
    return completed, bool((completed != flow).any())


def _recomputed(level: ObjectiveLevel, value: float) -> ObjectiveLevel:
    """A level's value on the completed answer; still proven only if the completion left it as it was."""
    return ObjectiveLevel(level.level, value, level.proven and value == level.value)


def _answer(
    rc: RunCandidates,
    flow: np.ndarray,
    eligible: set[int],
    limits: dict[str, int],
    objective: list[ObjectiveLevel],
    solvers: list[BatchSolver],
    n_comps: int,
    began: float,
    fallback: bool,
    explain: Selector | None,
) -> ReallocationRun:
    orders = orders_of(rc, flow, eligible, Explainer(rc, flow, limits), explain)
    if fallback:  # the completion changed values the solves reached: take them from the answer
        values = level_values(rc.problem, orders)
        objective = [_recomputed(o, values.get(o.level, 0.0)) for o in objective]
    proven = all(o.proven for o in objective)
    first = next((o.level for o in objective if not o.proven), None)
    info = SolverInfo(
        "highs+greedy" if fallback else "highs",
        "OPTIMAL" if proven else "FEASIBLE",
        proven,
        not proven,
        first,
        (time.perf_counter() - began) * 1000,
        sum(s.solver_seconds for s in solvers) * 1000,
        sum(s.solves for s in solvers),
        n_comps,
        len(solvers),
    )
    problem = rc.problem
    status = info.status
    return ReallocationRun(
        str(uuid.uuid4()),
        problem.as_of,
        status,
        orders,
        tuple(objective),
        kpis(problem, orders),
        info,
        input_hash(problem),
    )
