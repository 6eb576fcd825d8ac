"""How one request's time limit is shared out: the solve gets what is left after the work that must follow it.

`policy.time_limit_ms` counts from `started`, the moment the request was received (the web view's, or the
engine's entry), and bounds the whole request: candidate generation, the solve, the explanation, and after the
engine the order-level service's rules and the JSON encoding. So the solve's deadline is the end less three
reserves, estimated from the size of the candidate set (per line and per arc, measured on the presets and the
bulk orders, with about half as much again kept in hand, for the machine may be slower at the moment):

- what follows the engine: the rules, the full body of the decision, recording it and the answer's JSON,
  `FOLLOW_MS_PER_LINE` per line and `FOLLOW_MS_PER_LISTED` per candidate written out in full (every arc of an
  order of up to 500 lines, else about one per line), measured at 0.06 to 0.1 ms per line on the 4,000-line
  order (`scenarios.generator.BULK`) with a SQLite log, garbage collection included (the rules alone: 60 to
  70 us); it was 0.2 ms while the answer was encoded again and the record read its own JSON back;
- the explanation in its summarised form (`EXPLAIN_MS_PER_ARC`, `EXPLAIN_MS_PER_LINE`): candidates counted by
  reason, backorders explained in full;
- the greedy baseline (`GREEDY_MS_PER_ARC`), the fallback computed when the exact path runs out;
- one step of the exact path (`STEP_MS_PER_ARC`): a step once started (an LP level, the repair of the
  relaxation) runs to its end, so the solve may pass its deadline by one; measured up to 190 ms on the
  4,000-line order's 50,000 arcs.

When less time is left than the baseline needs, the exact path is not started: the baseline answers, degraded.
When the full explanation (`FULL_EXPLAIN_MS_PER_ARC`) no longer fits after the solve, candidate lists are
summarised instead. The estimates are not guarantees: a machine much slower than the one measured, or a
request much larger than the admitted maximum, can still overrun; `make bench` prints the margin measured.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from optimizers.explain.lines import summary_needed

FOLLOW_MS_FIXED = 5.0
FOLLOW_MS_PER_LINE = 0.2
FOLLOW_MS_PER_LISTED = 0.004
EXPLAIN_MS_PER_ARC = 0.0015
EXPLAIN_MS_PER_LINE = 0.015
FULL_EXPLAIN_MS_PER_ARC = 0.003
GREEDY_MS_FIXED = 1.0
GREEDY_MS_PER_ARC = 0.0015
STEP_MS_PER_ARC = 0.004


@dataclass(frozen=True)
class Schedule:
    """The moments (`time.perf_counter()` seconds) that bound one decision, and the reserves behind them."""

    started: float
    end: float  # started + time limit: the response is written by then
    follow: float  # seconds kept for the order-level service and the JSON
    explain: float  # seconds kept for the summarised explanation
    full_explain: float  # seconds the full explanation needs
    greedy: float  # seconds kept for the greedy baseline
    step: float  # seconds by which one step of the exact path may pass the solve's deadline

    @classmethod
    def of(cls, started: float, time_limit_ms: float, lines: int, arcs: int, explain: bool) -> Schedule:
        """The schedule of a decision of `lines` lines over `arcs` candidates, counted from `started`."""
        listed = arcs if explain and not summary_needed(lines) else lines
        follow = FOLLOW_MS_FIXED + FOLLOW_MS_PER_LINE * lines + FOLLOW_MS_PER_LISTED * listed
        brief = EXPLAIN_MS_PER_ARC * arcs + EXPLAIN_MS_PER_LINE * lines if explain else 0.0
        full = FULL_EXPLAIN_MS_PER_ARC * arcs + EXPLAIN_MS_PER_LINE * lines if explain else 0.0
        greedy = GREEDY_MS_FIXED + GREEDY_MS_PER_ARC * arcs
        step = STEP_MS_PER_ARC * arcs
        end = started + time_limit_ms / 1000.0
        return cls(started, end, follow / 1e3, brief / 1e3, full / 1e3, greedy / 1e3, step / 1e3)

    @property
    def solve_deadline(self) -> float:
        """When the exact path must have stopped, its fallback and the explanation still to come."""
        return self.end - self.follow - self.explain - self.greedy - self.step

    def solve_limit_ms(self) -> float:
        """The solve's time limit counted from `started` (negative when its time is gone already)."""
        return (self.solve_deadline - self.started) * 1000.0

    def greedy_only(self) -> bool:
        """Is there too little time left for the exact path to offer anything beyond the baseline?"""
        return time.perf_counter() + self.greedy >= self.solve_deadline

    def brief(self) -> bool:
        """Must the explanation be summarised to end in time?"""
        return time.perf_counter() + self.full_explain > self.end - self.follow
