"""The relaxation: ship-complete lines relaxed to `<= qty`, no shipment limit, continuous flows.

Solved by one exact min-cost flow when it can be (`optimizers.solvers.min_cost_flow`), else as an LP level by
level (`optimizers.solvers.levels`: GLOP, each level confined to the optimal face of the ones before, so the
final vertex stays integral). Each level's relaxed value bounds the real one from above.
"""

from __future__ import annotations

from optimizers.candidates.candidate_set import CandidateSet
from optimizers.decision import Engine
from optimizers.model.matrix import build_model
from optimizers.solvers.budget import Budget
from optimizers.solvers.levels import run_levels
from optimizers.solvers.min_cost_flow import MinCostFlow
from optimizers.solvers.outcome import Score, SolveOutcome


class LpLevels:
    """The solve path `Engine.LP_LEVELS` (`optimizers.solvers.solver.Solver`): the relaxation as an LP."""

    def solve(
        self,
        cs: CandidateSet,
        budget: Budget,
        floor: Score | None = None,
        relaxed: SolveOutcome | None = None,
    ) -> SolveOutcome:
        """Every level of the relaxed LP in turn; with a `floor`, stopped (`pruned`) once it cannot reach it."""
        mark = budget.enter(Engine.LP_LEVELS)
        return budget.stamp(run_levels(build_model(cs, discrete=False), budget, floor=floor), mark)


def relaxation(cs: CandidateSet, budget: Budget, floor: Score | None = None) -> SolveOutcome:
    """The relaxation solved level by level: by min-cost flow when it can be, else on the LP."""
    flow = MinCostFlow().solve(cs, budget, floor)
    return flow if flow is not None else LpLevels().solve(cs, budget, floor)
