"""The exact MIP on SCIP, level by level, warm-started from the best feasible decision found.

The last resort of the lexicographic solve: the whole discrete model (`optimizers.model.matrix`: ship-complete
lines as `sum x = qty * y`, the shipment limit as `x <= min(q, qty) z` and `sum z <= K`), each level proven to
a zero gap and held at its value while the next is optimised. Under a work limit SCIP gets the units left as
its node limit, and the nodes it used are the units spent.
"""

from __future__ import annotations

import numpy as np

from optimizers.candidates.candidate_set import CandidateSet
from optimizers.decision import Engine
from optimizers.model.matrix import build_model
from optimizers.solvers.budget import Budget
from optimizers.solvers.levels import run_levels
from optimizers.solvers.outcome import Score, SolveOutcome


class Mip:
    """The solve path `Engine.MIP` (`optimizers.solvers.solver.Solver`), warm-started from `hint` if given."""

    def __init__(self, hint: np.ndarray | None = None) -> None:
        self.hint = hint

    def solve(
        self,
        cs: CandidateSet,
        budget: Budget,
        floor: Score | None = None,
        relaxed: SolveOutcome | None = None,
    ) -> SolveOutcome:
        """Every level of the exact MIP in turn, or the best SCIP found when a limit stopped it."""
        mark = budget.enter(Engine.MIP)
        return budget.stamp(run_levels(build_model(cs, discrete=True), budget, hint=self.hint), mark)
