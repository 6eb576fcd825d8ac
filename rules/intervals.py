"""Interval sets over one ordered column type: the structured form cells compile to and analysis reasons on.

A cell denotes a set of values: a union of disjoint intervals plus whether null matches. Integer and date
columns are discrete, so their intervals are normalised to closed bounds and `[1..3] ∪ [4..6]` is one piece.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

Kind = str  # "number" | "integer" | "string" | "boolean" | "date"
DISCRETE = frozenset({"integer", "date"})


@dataclass(frozen=True, slots=True)
class Interval:
    """Values between lo and hi; a None bound is unbounded (and then its closed flag is False)."""

    lo: Any = None
    hi: Any = None
    lo_closed: bool = False
    hi_closed: bool = False

    def is_empty(self) -> bool:
        """True when no value lies in the interval."""
        if self.lo is None or self.hi is None:
            return False
        if self.lo == self.hi:
            return not (self.lo_closed and self.hi_closed)
        return bool(self.lo > self.hi)

    def contains(self, value: Any) -> bool:
        """Whether a (non-null) value lies in the interval."""
        if self.lo is not None and (value < self.lo or (value == self.lo and not self.lo_closed)):
            return False
        return not (self.hi is not None and (value > self.hi or (value == self.hi and not self.hi_closed)))


EVERYTHING = Interval()
IntervalSet = tuple[Interval, ...]


def point(value: Any) -> Interval:
    """The interval holding exactly one value."""
    return Interval(value, value, True, True)


def _step(kind: Kind) -> Any:
    return timedelta(days=1) if kind == "date" else Decimal(1)


def _discrete(iv: Interval, kind: Kind) -> Interval:
    """Close the bounds of an integer or date interval, so adjacency and emptiness are exact."""
    lo, hi = iv.lo, iv.hi
    if kind == "integer":
        if lo is not None:
            lo = Decimal(math.floor(lo) + 1 if not iv.lo_closed else math.ceil(lo))
        if hi is not None:
            hi = Decimal(math.ceil(hi) - 1 if not iv.hi_closed else math.floor(hi))
    elif kind == "date":
        lo = lo if lo is None or iv.lo_closed else lo + timedelta(days=1)
        hi = hi if hi is None or iv.hi_closed else hi - timedelta(days=1)
    return Interval(lo, hi, lo is not None, hi is not None)


def _lo_key(iv: Interval) -> tuple[Any, ...]:
    return (0,) if iv.lo is None else (1, iv.lo, 0 if iv.lo_closed else 1)


def _touches(a: Interval, b: Interval, kind: Kind) -> bool:
    """Whether b (starting at or after a) overlaps or continues a without a gap."""
    if a.hi is None or b.lo is None or b.lo < a.hi:
        return True
    if b.lo == a.hi:
        return a.hi_closed or b.lo_closed
    return kind in DISCRETE and b.lo == a.hi + _step(kind)


def _max_hi(a: Interval, b: Interval) -> tuple[Any, bool]:
    if a.hi is None or b.hi is None:
        return None, False
    if a.hi == b.hi:
        return a.hi, a.hi_closed or b.hi_closed
    return (a.hi, a.hi_closed) if a.hi > b.hi else (b.hi, b.hi_closed)


def normalise(intervals: list[Interval] | IntervalSet, kind: Kind) -> IntervalSet:
    """Sorted, disjoint, merged, non-empty intervals."""
    if kind in DISCRETE:
        intervals = [_discrete(iv, kind) for iv in intervals]
    pieces = sorted((iv for iv in intervals if not iv.is_empty()), key=_lo_key)
    merged: list[Interval] = []
    for iv in pieces:
        if merged and _touches(merged[-1], iv, kind):
            hi, closed = _max_hi(merged[-1], iv)
            merged[-1] = Interval(merged[-1].lo, hi, merged[-1].lo_closed, closed)
        else:
            merged.append(iv)
    return tuple(merged)


def _intersect_pair(a: Interval, b: Interval) -> Interval:
    if a.lo is None or (b.lo is not None and (b.lo > a.lo or (b.lo == a.lo and not b.lo_closed))):
        lo, lo_closed = b.lo, b.lo_closed
    else:
        lo, lo_closed = a.lo, a.lo_closed
    if a.hi is None or (b.hi is not None and (b.hi < a.hi or (b.hi == a.hi and not b.hi_closed))):
        hi, hi_closed = b.hi, b.hi_closed
    else:
        hi, hi_closed = a.hi, a.hi_closed
    return Interval(lo, hi, lo_closed, hi_closed)


def intersect(a: IntervalSet, b: IntervalSet, kind: Kind) -> IntervalSet:
    """Values in both sets."""
    return normalise([_intersect_pair(x, y) for x in a for y in b], kind)


def complement(a: IntervalSet, kind: Kind) -> IntervalSet:
    """Values (of the whole type) not in the set."""
    out: list[Interval] = []
    lo, lo_closed = None, False
    for iv in a:
        if iv.lo is not None:
            out.append(Interval(lo, iv.lo, lo_closed, not iv.lo_closed))
        if iv.hi is None:
            return normalise(out, kind)
        lo, lo_closed = iv.hi, not iv.hi_closed
    out.append(Interval(lo, None, lo_closed, False))
    return normalise(out, kind)


def subtract(a: IntervalSet, b: IntervalSet, kind: Kind) -> IntervalSet:
    """Values in a but not in b."""
    return intersect(a, complement(b, kind), kind) if b else a
