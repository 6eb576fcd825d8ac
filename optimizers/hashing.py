"""`input_hash`: one digest per problem as the service reads it.

The digest covers the problem after defaults are applied, with every list in canonical order, so it does not
change with JSON key order, whitespace or the order of list entries (none of which change the decision).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields, is_dataclass
from datetime import date
from typing import Any

from optimizers.problem import AllocationProblem


def _plain(value: Any) -> Any:
    if is_dataclass(value):
        return [_plain(getattr(value, f.name)) for f in fields(value)]
    if isinstance(value, tuple):
        return sorted((_plain(v) for v in value), key=_key)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    return value


def _key(v: Any) -> str:
    return json.dumps(v, separators=(",", ":"))


def problem_hash(problem: AllocationProblem) -> str:
    """sha256 over the canonical form of the problem; tiers keep their order, since it is a ranking."""
    body = _plain(problem)
    body[-1][0] = list(problem.policy.tiers)
    text = json.dumps(["allocation/v1", body], separators=(",", ":"), ensure_ascii=True)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
