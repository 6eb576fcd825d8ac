"""`decide`: from an allocation problem to an optimal, explained allocation decision."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from optimizers.admission import admit
from optimizers.candidates.build import build_candidates
from optimizers.candidates.routes import MARGIN_SCALE
from optimizers.decision import (
    AllocationDecision,
    DecisionStatus,
    DegradedReason,
    Fill,
    Lane,
    LineDecision,
    SolverInfo,
    SolveStatus,
)
from optimizers.explain.explanation import explain_decision
from optimizers.explain.solved import Solved
from optimizers.explain.solved import solved as solved_set
from optimizers.hashing import problem_hash
from optimizers.problem import AllocationProblem
from optimizers.schedule import Schedule
from optimizers.solvers.fallback import greedy_only
from optimizers.solvers.lexicographic import solve_lexicographic
from optimizers.solvers.outcome import SolveOutcome


def decide(
    problem: AllocationProblem,
    *,
    explain: bool = True,
    time_limit_ms: int | None = None,
    input_hash: str | None = None,
    started: float | None = None,
    max_candidates: int | None = None,
) -> AllocationDecision:
    """The lexicographically optimal allocation of one order, with its explanation.

    `input_hash` is recorded as the decision's when given (a caller that hashed a larger input, such as the
    order-level service's request); otherwise it is the digest of `problem` (`optimizers.hashing`). The time
    limit counts from `started` (a `time.perf_counter()` taken when the request was received; default: now)
    over everything up to the response, keeping a reserve for what follows the engine (`optimizers.schedule`).
    A problem with more candidates than `max_candidates` is refused with `ProblemTooLarge` before any is built.
    """
    t0 = time.perf_counter() if started is None else started
    problem = canonical_order(problem)
    admit(problem, max_candidates)
    cs = build_candidates(problem)
    limit = time_limit_ms if time_limit_ms is not None else problem.policy.time_limit_ms
    plan = Schedule.of(t0, limit, len(problem.order.lines), len(cs.arcs), explain)
    work_limit = problem.policy.work_limit
    if plan.greedy_only():
        out = greedy_only(cs)
    else:
        out = solve_lexicographic(cs, plan.solve_limit_ms(), started=t0, work_limit=work_limit)
    x = out.x if out.x is not None else np.zeros(len(cs.arcs), np.int64)
    solved = solved_set(cs, x, out)
    lines = line_decisions(solved)
    explanation, lines = explain_decision(solved, lines, plan.brief()) if explain else (None, lines)
    wall = (time.perf_counter() - t0) * 1000.0
    return AllocationDecision(
        order_id=problem.order.id,
        as_of=problem.as_of,
        status=decision_status(lines),
        lines=lines,
        objective=solved.objective,
        solver=solver_info(out, wall),
        input_hash=input_hash or problem_hash(problem),
        explanation=explanation,
    )


def canonical_order(problem: AllocationProblem) -> AllocationProblem:
    """Order lines by line number: the model, its ties and the response never depend on the JSON list order."""
    lines = tuple(sorted(problem.order.lines, key=lambda ln: ln.line))
    if lines == problem.order.lines:
        return problem
    return replace(problem, order=replace(problem.order, lines=lines))


def line_decisions(solved: Solved) -> tuple[LineDecision, ...]:
    """Per order line: its fills (in canonical arc order), allocated, backordered and on-time units."""
    cs, x = solved.cs, solved.x
    a = cs.arcs
    per_line: list[list[Fill]] = [[] for _ in cs.problem.order.lines]
    used = np.flatnonzero(x)
    lanes = [Lane(frm, to) for frm, to, _ in cs.lanes] + [None]  # lane -1 reads None
    dates = {d: cs.delivery_date(d) for d in np.unique(a.days[used]).tolist()}
    for n, li, lane, o, days, on_time, margin, rank, ic, q in zip(
        a.node[used].tolist(),
        a.line[used].tolist(),
        a.lane[used].tolist(),
        a.origin[used].tolist(),
        a.days[used].tolist(),
        a.on_time[used].tolist(),
        a.margin[used].tolist(),
        a.rank[used].tolist(),
        a.intercompany[used].tolist(),
        x[used].tolist(),
        strict=True,
    ):
        node = cs.nodes[n]
        per_line[li].append(
            Fill(
                node.item,
                node.location,
                cs.origins[o],
                lanes[lane],
                q,
                node.source,
                node.available_date,
                dates[days],
                on_time,
                margin / MARGIN_SCALE,
                rank > 0,
                ic,
            )
        )
    out = []
    for ln, fills in zip(cs.problem.order.lines, per_line, strict=True):
        got = sum(f.qty for f in fills)
        on_time = sum(f.qty for f in fills if f.on_time)
        out.append(LineDecision(ln.line, ln.item, ln.qty, got, ln.qty - got, on_time, tuple(fills)))
    return tuple(out)


def decision_status(lines: tuple[LineDecision, ...]) -> DecisionStatus:
    """complete when every line is fully allocated, backordered when nothing is, else partial."""
    if all(ln.backorder_qty == 0 for ln in lines):
        return DecisionStatus.COMPLETE
    if all(ln.allocated_qty == 0 for ln in lines):
        return DecisionStatus.BACKORDERED
    return DecisionStatus.PARTIAL


def solver_info(out: SolveOutcome, wall_ms: float) -> SolverInfo:
    """What ran, how it ended, how long it took and how much work it did."""
    degraded = out.status != SolveStatus.OPTIMAL
    return SolverInfo(
        engine=out.engine,
        status=out.status,
        wall_ms=round(wall_ms, 3),
        solve_ms=round(out.solve_ms, 3),
        degraded=degraded,
        degraded_reason=(out.degraded_reason or DegradedReason.SOLVER_LIMIT) if degraded else None,
        variables=out.variables,
        constraints=out.constraints,
        solves=out.solves,
        path=out.path,
        proven=out.proven,
        work=out.work,
        detail=out.detail if degraded else None,
        ship_from_sets=out.ship_from_sets,
        parts_unproven=out.parts_unproven,
    )
