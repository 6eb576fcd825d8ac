"""What a solve answers when it cannot prove every level: the best of its own flow and the incumbents.

The incumbents (`optimizers.solvers.incumbent`) are the repaired relaxation, the parts as searched, the best
ship-from set and the greedy baseline; each is labelled with the engine that produced it, which becomes the
answer's `engine` when it wins.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from optimizers.candidates.candidate_set import CandidateSet
from optimizers.decision import DegradedReason, Engine, SolveStatus
from optimizers.solvers import incumbent
from optimizers.solvers.budget import Budget, in_words
from optimizers.solvers.outcome import LEVELS, LevelResult, SolveOutcome

NOT_PROVEN = tuple(LevelResult(k, n, s, False) for k, n, s in LEVELS)

Incumbent = tuple[tuple[Engine, str], np.ndarray]  # (engine, what it is in words), flow


class Baseline:
    """The greedy baseline, the fallback that must exist when a limit runs out: computed at most once, and only
    when `wanted` (for the whole order, when no split into parts offers its own parts)."""

    def __init__(self, cs: CandidateSet, budget: Budget, wanted: bool) -> None:
        self.cs, self.budget, self.wanted = cs, budget, wanted
        self.flows: list[np.ndarray] = []

    def compute(self) -> None:
        if self.wanted and not self.flows:
            self.budget.enter(Engine.GREEDY)
            self.flows.append(incumbent.greedy_flow(self.cs))


def settle(
    cs: CandidateSet, budget: Budget, out: SolveOutcome, start: Incumbent, before: SolveOutcome | None = None
) -> SolveOutcome:
    """The outcome if proven optimal, else the better of its flow and the best incumbent, marked with the reason.

    `before` is the earlier outcome whose solver time and solves this one adds to.
    """
    spent = out.solve_ms + (before.solve_ms if before else 0.0)
    solves = out.solves + (before.solves if before else 0)
    if out.status == SolveStatus.OPTIMAL and out.x is not None:
        return replace(out, solve_ms=spent, solves=solves)
    found = incumbent.best(cs, [((out.engine, "the solver's best"), out.x), start])
    assert found is not None  # `start` has a flow
    (engine, name), x = found
    reason = out.degraded_reason or budget.reason()
    detail = f"{in_words(reason)} reached; returned the best feasible decision found: {name}"
    detail += f" ({out.engine.value}: {out.detail})" if out.detail else ""
    # TIMEOUT: time ran out before any solver found a decision of its own. Under a work limit the decision is as
    # reproducible as any other, so it is FEASIBLE.
    timed_out = out.x is None and engine == Engine.GREEDY and reason != DegradedReason.WORK_LIMIT
    status = SolveStatus.TIMEOUT if timed_out else SolveStatus.FEASIBLE
    return replace(
        out, x=x, status=status, engine=engine, solve_ms=spent, solves=solves, degraded_reason=reason, detail=detail
    )


def greedy_only(cs: CandidateSet) -> SolveOutcome:
    """The greedy baseline alone, for a decision left too little time to start the exact path: never late,
    never an error, marked degraded by the time limit (status TIMEOUT: no solver found a decision of its own)."""
    detail = "time limit reached before the exact solve could start; returned the greedy baseline"
    return SolveOutcome(
        incumbent.greedy_flow(cs),
        SolveStatus.TIMEOUT,
        Engine.GREEDY,
        NOT_PROVEN,
        0.0,
        0,
        0,  # no model was built
        0,
        degraded_reason=DegradedReason.TIME_LIMIT,
        detail=detail,
        path=(Engine.GREEDY,),
    )
