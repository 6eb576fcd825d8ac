"""What a solve may spend, and what it spent: wall-clock time, deterministic work units, the engines that ran.

Work units are counted the same way on every machine, whether or not `policy.work_limit` is set: one per level
solved on an LP and per min-cost flow, one per branch-and-bound node, one per ship-from set taken past its data
bounds, and on the MIP the branch-and-bound nodes SCIP reports (it is given the units left as its node limit).
A search asks `exhausted()` before each step and stops when the answer is yes; a step once started (a level's
LP, a relaxation, the repair of the relaxation into a fallback) runs to its end, so the units spent may pass
the limit by that step's own. Everything a solve does before either limit runs out is deterministic, so the
same input under the same work limit gives the same decision on any machine, unless the wall-clock deadline
ran out first (then the reason is the time limit).
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import NamedTuple

from optimizers.decision import DegradedReason, Engine
from optimizers.solvers.outcome import SolveOutcome


class Mark(NamedTuple):
    work: int  # units spent when a step began
    trail: int  # engines recorded when it began


class Budget:
    """A deadline (`time.perf_counter()` seconds) and an optional limit on work units, with the spending so far."""

    def __init__(self, deadline: float, work_limit: int | None = None) -> None:
        self.deadline = deadline
        self.work_limit = work_limit
        self.work = 0
        self.trail: list[Engine] = []  # each engine as it ran, repeats in a row collapsed
        self.ran_out: DegradedReason | None = None  # the limit that ran out first

    def seconds_left(self) -> float:
        return self.deadline - time.perf_counter()

    def time_up(self) -> bool:
        """Is the deadline past? The first limit seen to run out is the one `reason()` names."""
        if time.perf_counter() < self.deadline:
            return False
        self.ran_out = self.ran_out or DegradedReason.TIME_LIMIT
        return True

    def work_left(self) -> int | None:
        """Units left under the work limit; None without one."""
        return None if self.work_limit is None else max(0, self.work_limit - self.work)

    def out_of_work(self) -> bool:
        return self.work_limit is not None and self.work >= self.work_limit

    def exhausted(self) -> bool:
        """Must a search stop here: work or time run out?"""
        return self.out_of_work() or self.time_up()

    def spend(self, units: int = 1) -> None:
        self.work += units
        if self.out_of_work():
            self.ran_out = self.ran_out or DegradedReason.WORK_LIMIT

    def reason(self, otherwise: DegradedReason = DegradedReason.SOLVER_LIMIT) -> DegradedReason:
        """Why a step stopped short: the limit that ran out first, else `otherwise` (by default the solver's own
        limit; a solver that stopped with a solution short of optimal was stopped by the time it was given)."""
        self.time_up()
        return self.ran_out or otherwise

    def enter(self, engine: Engine) -> Mark:
        """Record that `engine` runs now; the mark lets `stamp` credit its outcome with what it spent."""
        mark = Mark(self.work, len(self.trail))
        if not self.trail or self.trail[-1] != engine:
            self.trail.append(engine)
        return mark

    def stamp(self, out: SolveOutcome, since: Mark) -> SolveOutcome:
        """The outcome with the work units spent and the engines run since the mark (each once, in order)."""
        return replace(out, work=self.work - since.work, path=tuple(dict.fromkeys(self.trail[since.trail :])))


def in_words(reason: DegradedReason) -> str:
    """'time limit' for `TIME_LIMIT`, and so on: for the detail sentences."""
    return reason.value.replace("_", " ")
