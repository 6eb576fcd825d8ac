"""Turn caller-supplied input values into index keys, or name the field that is wrong."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rules.errors import InputError
from rules.index import ColumnIndex, to_key
from rules.intervals import Interval
from rules.model import InputColumn
from rules.unary import CellSet


@dataclass(frozen=True, slots=True)
class InputSpec:
    """What one column accepts: its type, nullability and declared domain in index-key space."""

    name: str
    type: str
    nullable: bool
    allowed: frozenset[Any] | None
    ranges: tuple[Interval, ...] | None
    domain_text: str | None


def input_spec(column: InputColumn, domain: CellSet) -> InputSpec:
    """Precompute a column's input check from its parsed domain."""
    intervals = domain.intervals
    is_open = len(intervals) == 1 and intervals[0].lo is None and intervals[0].hi is None
    if is_open:
        return InputSpec(column.name, column.type, column.nullable, None, None, column.domain)
    if all(iv.lo is not None and iv.lo == iv.hi for iv in intervals):
        allowed = frozenset(to_key(iv.lo) for iv in intervals)
        return InputSpec(column.name, column.type, column.nullable, allowed, None, column.domain)
    ranges = tuple(
        Interval(
            None if iv.lo is None else to_key(iv.lo),
            None if iv.hi is None else to_key(iv.hi),
            iv.lo_closed,
            iv.hi_closed,
        )
        for iv in intervals
    )
    return InputSpec(column.name, column.type, column.nullable, None, ranges, column.domain)


def _typed(spec: InputSpec, value: Any) -> Any:
    kind = spec.type
    if kind in ("number", "integer") and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        key = float(value)
        if not math.isfinite(key):
            raise InputError(spec.name, f"{value!r} is not a finite number")
        if kind == "integer" and key != int(key):
            raise InputError(spec.name, f"{value!r} is not an integer")
        return key
    if kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise InputError(spec.name, f"{value!r} is not an ISO date") from None
    if kind == "date" and isinstance(value, date) and not isinstance(value, datetime):
        return value
    if (kind == "string" and isinstance(value, str)) or (kind == "boolean" and isinstance(value, bool)):
        return value
    raise InputError(spec.name, f"{value!r} is not a {kind}")


def to_input_key(spec: InputSpec, value: Any) -> Any:
    """Checked index key of one input value (None for null)."""
    if value is None:
        if not spec.nullable:
            raise InputError(spec.name, "is required")
        return None
    key = _typed(spec, value)
    if spec.allowed is not None and key not in spec.allowed:
        raise InputError(spec.name, f"{value!r} is not one of the allowed values {spec.domain_text}")
    if spec.ranges is not None and not any(iv.contains(key) for iv in spec.ranges):
        raise InputError(spec.name, f"{value!r} is outside the domain {spec.domain_text}")
    return key


def _fast_check(spec: InputSpec) -> Callable[[Any], bool] | None:
    """A cheap in-domain test for the common case of a number column with one interval as its domain."""
    if spec.ranges is None:
        return lambda v: True
    if len(spec.ranges) != 1:
        return None
    iv = spec.ranges[0]
    lo = -math.inf if iv.lo is None else iv.lo
    hi = math.inf if iv.hi is None else iv.hi
    lo_closed, hi_closed = iv.lo_closed or iv.lo is None, iv.hi_closed or iv.hi is None
    return lambda v: (lo < v or (lo_closed and v == lo)) and (v < hi or (hi_closed and v == hi))


def matcher(spec: InputSpec, index: ColumnIndex) -> Callable[[Any], int]:
    """One call per column per evaluation: check the value and return the rows its cell tests accept.

    The fast path takes the types callers send most (float/int, str, bool); everything else, and every
    error, goes through to_input_key so the checks live in one place.
    """
    lookup = index.lookup
    points, segments = index.points, index.segments
    exact = {k: v for k, v in index.exact.items() if spec.allowed is None or k in spec.allowed}
    exact_get = exact.get
    in_domain = _fast_check(spec)
    numeric = spec.type in ("number", "integer")

    def slow(value: Any) -> int:
        return lookup(to_input_key(spec, value))

    if spec.allowed is not None:
        fast_type: type = bool if spec.type == "boolean" else str
        return lambda v: exact_get(v, 0) if type(v) is fast_type and v in exact else slow(v)
    if not numeric or in_domain is None:
        return slow
    check = in_domain
    integral = spec.type == "integer"

    def match(v: Any) -> int:
        t = type(v)
        if (t is float or t is int) and check(v) and (not integral or t is int or v.is_integer()):
            bits = exact_get(v)
            return segments[2 * bisect_left(points, v)] if bits is None else bits
        return slow(v)

    return match
