"""Small helpers of `make bench`: percentiles and the objective values of the greedy baseline's fills."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from optimizers.decision import AllocationDecision, Fill, ObjectiveValues
from optimizers.problem import AllocationProblem
from optimizers.proof.validation import validate, validate_fills


def summary(values: Sequence[float]) -> dict[str, float]:
    """n, median, p90, p99, min and max of `values` (milliseconds, or a ratio)."""
    if not values:
        return {"n": 0}
    a = np.asarray(values, dtype=float)
    p50, p90, p99 = np.percentile(a, [50, 90, 99])
    return {
        "n": len(values),
        "p50": round(float(p50), 4),
        "p90": round(float(p90), 4),
        "p99": round(float(p99), 4),
        "min": round(float(a.min()), 4),
        "max": round(float(a.max()), 4),
    }


def score_fills(problem: AllocationProblem, fills: Mapping[int, Sequence[Fill]]) -> tuple[ObjectiveValues, int]:
    """Objective values of `fills` and the number of constraint violations the validator finds in them."""
    report = validate_fills(problem, fills)
    return report.objective, len(report.errors)


def decision_violations(problem: AllocationProblem, decision: AllocationDecision) -> int:
    """How many errors the solver-free validator finds in `decision`."""
    return len(validate(problem, decision).errors)
