"""Per-column index: the rows a value can match, as a Python int used as a bitset (bit r = row r).

A column's cell boundaries, sorted, cut the value line into elementary segments: (-inf, p0), [p0],
(p0, p1), [p1], ... (pk, inf). Every cell is a union of whole segments, so each segment stores the bitset
of rows whose cell covers it; a lookup is one bisection (or one dict hit for a boundary value), and a
table lookup is the AND of one bitset per column: no row scan.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rules.intervals import Interval
from rules.unary import CellSet


def to_key(value: Any) -> Any:
    """Index key of a literal or input value: numbers compare as floats, the rest as themselves."""
    return float(value) if isinstance(value, Decimal | int) and not isinstance(value, bool) else value


@dataclass(frozen=True, slots=True)
class ColumnIndex:
    """Sorted boundary points, one row bitset per elementary segment, and the rows matching null."""

    points: tuple[Any, ...]
    segments: tuple[int, ...]
    exact: dict[Any, int]
    null_rows: int

    def lookup(self, key: Any) -> int:
        """Bitset of the rows whose cell in this column matches the value (None is null)."""
        if key is None:
            return self.null_rows
        hit = self.exact.get(key)
        if hit is not None:
            return hit
        return self.segments[2 * bisect_left(self.points, key)]


def _span(iv: Interval, where: dict[Any, int], k: int) -> tuple[int, int]:
    """First and last segment numbers an interval covers."""
    first = 0 if iv.lo is None else 2 * where[to_key(iv.lo)] + (1 if iv.lo_closed else 2)
    last = 2 * k if iv.hi is None else 2 * where[to_key(iv.hi)] + (1 if iv.hi_closed else 0)
    return first, last


def build_index(cells: list[CellSet], extra_points: tuple[Any, ...] = ()) -> ColumnIndex:
    """Index one column; extra_points (the declared domain's values) make every legal value a dict hit."""
    keys = {to_key(v) for cell in cells for iv in cell.intervals for v in (iv.lo, iv.hi) if v is not None}
    points = tuple(sorted(keys | {to_key(v) for v in extra_points}))
    where = {p: j for j, p in enumerate(points)}
    k = len(points)
    # Toggle a row's bit where its coverage starts and just after it ends; a running XOR then gives
    # each segment its rows in O(rows + segments) big-int operations instead of rows x segments.
    toggles = [0] * (2 * k + 2)
    null_rows = 0
    for row, cell in enumerate(cells):
        bit = 1 << row
        if cell.null:
            null_rows |= bit
        for iv in cell.intervals:
            first, last = _span(iv, where, k)
            toggles[first] ^= bit
            toggles[last + 1] ^= bit
    segments, running = [], 0
    for toggle in toggles[:-1]:
        running ^= toggle
        segments.append(running)
    exact = {p: segments[2 * j + 1] for j, p in enumerate(points)}
    return ColumnIndex(points, tuple(segments), exact, null_rows)
