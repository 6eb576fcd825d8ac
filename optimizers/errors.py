"""The core's exceptions: no HTTP status here; `decision_service.web.errors` maps each to a problem document.

An infeasible or timed-out solve is a result, not an exception; what is here is a problem the core refuses.
"""

from __future__ import annotations


class ProblemTooLarge(Exception):
    """The problem has more candidates (supply node x line x route) than the service admits: the time limit
    could not hold for it, so it is refused before any work starts."""

    def __init__(self, candidates: int, limit: int) -> None:
        super().__init__(f"the order has {candidates} candidate supply routes, more than the {limit} admitted")
        self.candidates = candidates
        self.limit = limit
