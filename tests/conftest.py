"""Hypothesis profiles: random exploration locally (a failure is saved and replayed first next time), a fixed
seed in CI (`HYPOTHESIS_PROFILE=ci`, set by `.ci/run`) so that a build's verdict does not depend on luck; and a
check of `BatchSolver`'s kept bounds on every solve."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import settings

from optimizers.reallocation.lexicographic import BatchSolver

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _bounds_kept_as_highs_has_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every LP a re-allocation batch solves, in every test, first checks that the bounds `BatchSolver` keeps
    beside HiGHS (`optimizers.reallocation.bounds`) are HiGHS's: a change made past them would fail the test."""
    solve = BatchSolver.timed

    def checked(self: BatchSolver, budget: Any, h: Any = None) -> Any:
        if h is None:
            assert self.bounds.matches(), "the bounds kept beside HiGHS are not HiGHS's"
        return solve(self, budget, h)

    monkeypatch.setattr(BatchSolver, "timed", checked)
