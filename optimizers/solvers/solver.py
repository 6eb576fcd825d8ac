"""The one interface every solve path implements (`optimizers.decision.Engine` names them).

A solver takes the candidate set of an order (or of one ship-from set, or one independent part of it) and a
`Budget`, and returns a `SolveOutcome` whose `engine`, `path`, `degraded_reason`, `detail` and `work` say what
ran and how it ended; None means the path does not apply to this order (say, min-cost flow with a lane that
could bind), and the caller takes another. `floor` is the score of a known feasible decision: a solver may stop
early on an order that cannot beat it (`pruned`). `relaxed` is the order's relaxation when it is solved already.
"""

from __future__ import annotations

from typing import Protocol

from optimizers.candidates.candidate_set import CandidateSet
from optimizers.solvers.budget import Budget
from optimizers.solvers.outcome import Score, SolveOutcome


class Solver(Protocol):
    def solve(
        self, cs: CandidateSet, budget: Budget, floor: Score | None = None, relaxed: SolveOutcome | None = None
    ) -> SolveOutcome | None:
        """The lexicographic optimum of `cs` by this path, or the best it found within the budget."""
        ...
