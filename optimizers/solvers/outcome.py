"""What a solve returns: the flow, how it ended, which objective levels it proved optimal, and what it spent."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizers.decision import DegradedReason, Engine, SolveStatus

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
    engine: Engine  # the solve path whose flow this is
    levels: tuple[LevelResult, ...]
    solve_ms: float
    solves: int
    variables: int
    constraints: int
    degraded_reason: DegradedReason | None = None  # set when a limit stopped it short of proving every level
    detail: str | None = None  # a human sentence on how it ended short of optimal
    fractional: np.ndarray | None = None  # the LP's flow when it was not integral
    infeasible: bool = False  # only a branch that forces lines complete can be
    pruned: bool = False  # stopped early: its bound fell below the floor it was given
    work: int = 0  # deterministic work units spent (`optimizers.solvers.budget`)
    path: tuple[Engine, ...] = ()  # every engine that ran for it, in order
    ship_from_sets: int = 0  # relaxations of ship-from sets solved by the search
    parts: int = 0  # independent parts re-solved by branch and bound
    parts_unproven: int = 0  # of those, the ones left without a proof of optimality

    @property
    def proven(self) -> bool:
        """Every objective level proven optimal."""
        return self.status == SolveStatus.OPTIMAL and all(lv.optimal for lv in self.levels)


# `incumbent.score`: on-time units, units, margin in 1e-4, minus tie cost; compared lexicographically
Score = tuple[int, int, int, int]
LEVELS = ((1, "on_time_units", "max"), (2, "units", "max"), (3, "margin", "max"), (4, "tie_break", "min"))
ALL_OPTIMAL = tuple(LevelResult(k, n, s, True) for k, n, s in LEVELS)
