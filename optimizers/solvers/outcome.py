"""What a solve returns: the flow, how it ended, and which objective levels it proved optimal."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizers.decision import SolveStatus

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
    fractional: np.ndarray | None = None  # the LP's flow when it was not integral
    infeasible: bool = False  # only a branch that forces lines complete can be
    pruned: bool = False  # stopped early: its bound fell below the floor it was given


LEVELS = ((1, "on_time_units", "max"), (2, "units", "max"), (3, "margin", "max"), (4, "tie_break", "min"))
FRACTIONAL = "fractional LP optimum"
