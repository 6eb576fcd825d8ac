"""The ports the order-level service takes: a clock, the decide function and the rules, with the real defaults."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from optimizers.decision import AllocationDecision
from optimizers.problem import AllocationProblem
from rules.service import TABLES_DIR, RulesService


class Clock(Protocol):
    """Where `as_of` comes from when a request leaves it out."""

    def today(self) -> date: ...


class DecideFn(Protocol):
    """The core's entry point: one problem in, one decision out. `input_hash`, when given, is recorded as the
    decision's instead of the digest of the problem (the service hashes the whole request once); the time limit
    counts from `started` (a `time.perf_counter()` taken when the request was received); a problem with more
    candidates than `max_candidates` is refused with `optimizers.admission.ProblemTooLarge`."""

    def __call__(
        self,
        problem: AllocationProblem,
        *,
        explain: bool = True,
        input_hash: str | None = None,
        started: float | None = None,
        max_candidates: int | None = None,
    ) -> AllocationDecision: ...


class SystemClock:
    """Today's date in UTC, so every worker of the service agrees on the date whatever the host zone."""

    def today(self) -> date:
        """Today's date in UTC."""
        return datetime.now(UTC).date()


@dataclass(frozen=True, slots=True)
class FixedClock:
    """A clock stopped at one date, for tests and replays."""

    day: date

    def today(self) -> date:
        """The fixed date."""
        return self.day


def engine_decide(
    problem: AllocationProblem,
    *,
    explain: bool = True,
    input_hash: str | None = None,
    started: float | None = None,
    max_candidates: int | None = None,
) -> AllocationDecision:
    """The real optimizer, imported on first use so the web layer loads without the engine."""
    from optimizers.engine import decide

    return decide(problem, explain=explain, input_hash=input_hash, started=started, max_candidates=max_candidates)


def tables_dir(configured: str) -> Path:
    """The configured tables directory, or the tables shipped in the `rules` package when none is."""
    return Path(configured) if configured else TABLES_DIR


def load_rules(directory: Path, clock: Clock) -> RulesService:
    """The rules of one directory on one clock; loading validates every table (~0.2 s), so it is shared by the
    apps built with equal (hashable) clocks, as test suites build many."""
    if isinstance(clock, Hashable):
        return _shared_rules(directory, clock)
    return RulesService(directory, clock.today)


@lru_cache(maxsize=8)
def _shared_rules(directory: Path, clock: Hashable) -> RulesService:
    return RulesService(directory, clock.today)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Ports:
    """What one order-level service is built with: where today comes from, the engine, the rules, and how large
    a problem (in candidates) it admits per second of the order's time limit (None: any)."""

    clock: Clock
    decide: DecideFn
    rules: RulesService
    candidates_per_second: int | None = None

    @classmethod
    def default(
        cls, rules_dir: str = "", clock: Clock | None = None, candidates_per_second: int | None = None
    ) -> Ports:
        """The real engine and the shipped (or configured) tables on the UTC system clock."""
        clock = clock or SystemClock()
        return cls(clock, engine_decide, load_rules(tables_dir(rules_dir), clock), candidates_per_second)

    def admitted(self, time_limit_ms: int) -> int | None:
        """The most candidates a problem with this time limit may have (None: any): more time, larger orders."""
        if self.candidates_per_second is None:
            return None
        return max(1, self.candidates_per_second * time_limit_ms // 1000)
