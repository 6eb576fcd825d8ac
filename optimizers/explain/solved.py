"""A solved candidate set: the integer flow on each arc, how it was found, and its objective values."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizers.candidates.candidate_set import CandidateSet
from optimizers.candidates.routes import MARGIN_SCALE
from optimizers.decision import ObjectiveValues
from optimizers.solvers.incumbent import score
from optimizers.solvers.outcome import SolveOutcome


@dataclass(frozen=True)
class Solved:
    """A candidate set with the integer flow chosen on each arc."""

    cs: CandidateSet
    x: np.ndarray
    outcome: SolveOutcome
    objective: ObjectiveValues


def solved(cs: CandidateSet, x: np.ndarray, outcome: SolveOutcome) -> Solved:
    """The solved set with its objective values computed once."""
    return Solved(cs, x, outcome, objective_values(cs, x))


def objective_values(cs: CandidateSet, x: np.ndarray) -> ObjectiveValues:
    """Each objective level's exact value for an integer flow."""
    on_time, units, margin, neg_tie = score(cs, x)
    return ObjectiveValues(on_time, units, round(margin / MARGIN_SCALE, 4), -neg_tie)
