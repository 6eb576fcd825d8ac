"""The ports the web layer depends on: a clock and the decide function, with the real defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

from optimizers.decision import AllocationDecision
from optimizers.problem import AllocationProblem

EXTENSION_KEY = "decision_service"


class Clock(Protocol):
    """Where `as_of` comes from when a request leaves it out."""

    def today(self) -> date: ...


class DecideFn(Protocol):
    """The core's entry point: one problem in, one decision out."""

    def __call__(self, problem: AllocationProblem, *, explain: bool = True) -> AllocationDecision: ...


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


def engine_decide(problem: AllocationProblem, *, explain: bool = True) -> AllocationDecision:
    """The real optimizer, imported on first use so the web layer loads without the engine."""
    from optimizers.engine import decide

    return decide(problem, explain=explain)


@dataclass(frozen=True, slots=True)
class Ports:
    """The adapters one app instance was built with; stored in `app.extensions[EXTENSION_KEY]`."""

    clock: Clock
    decide: DecideFn


def current_ports() -> Ports:
    """The ports of the app serving the current request."""
    from flask import current_app

    ports: Ports = current_app.extensions[EXTENSION_KEY]
    return ports
