"""Boxes: one value set per input column. A row is a box; validation is set algebra on boxes, not sampling.

Subtracting box b from box a yields at most one disjoint box per column: the part of a outside b in
column i, restricted to b in every earlier column. Repeated subtraction therefore gives exact gaps
(domain minus all rows) and exact masking (a row minus the rows that win over it).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from rules.intervals import Interval, Kind, intersect, subtract
from rules.unary import CellSet

Box = tuple[CellSet, ...]


def cell_intersect(a: CellSet, b: CellSet, kind: Kind) -> CellSet:
    """Values in both cells."""
    return CellSet(intersect(a.intervals, b.intervals, kind), a.null and b.null)


def cell_subtract(a: CellSet, b: CellSet, kind: Kind) -> CellSet:
    """Values in a and not in b."""
    return CellSet(subtract(a.intervals, b.intervals, kind), a.null and not b.null)


def is_empty(cell: CellSet) -> bool:
    """True when the cell admits no value, null included."""
    return not cell.intervals and not cell.null


def box_intersect(a: Box, b: Box, kinds: tuple[Kind, ...]) -> Box | None:
    """The common part of two boxes, or None when they are disjoint."""
    out = []
    for x, y, kind in zip(a, b, kinds, strict=True):
        cell = cell_intersect(x, y, kind)
        if is_empty(cell):
            return None
        out.append(cell)
    return tuple(out)


def box_subtract(a: Box, b: Box, kinds: tuple[Kind, ...]) -> list[Box]:
    """Disjoint boxes covering a minus b."""
    if box_intersect(a, b, kinds) is None:
        return [a]
    pieces: list[Box] = []
    rest = list(a)
    for i, kind in enumerate(kinds):
        outside = cell_subtract(rest[i], b[i], kind)
        if not is_empty(outside):
            pieces.append((*rest[:i], outside, *rest[i + 1 :]))
        rest[i] = cell_intersect(rest[i], b[i], kind)
    return pieces


def _between(lo: Any, hi: Any, kind: Kind) -> Any:
    if kind == "number":
        return (lo + hi) / 2
    return lo + " " if lo + " " < hi else lo + "\x00"


def _beyond(bound: Any, kind: Kind, above: bool) -> Any:
    if kind in ("number", "integer"):
        return bound + (1 if above else -1)
    if kind == "boolean":
        return not bound
    if kind == "date":
        return date.fromordinal(bound.toordinal() + (1 if above else -1))
    return bound + " " if above else ""


def example_value(iv: Interval, kind: Kind) -> Any:
    """One concrete value inside a non-empty interval."""
    if iv.lo_closed:
        return iv.lo
    if iv.hi_closed:
        return iv.hi
    if iv.lo is not None and iv.hi is not None:
        return _between(iv.lo, iv.hi, kind)
    if iv.lo is not None:
        return _beyond(iv.lo, kind, above=True)
    if iv.hi is not None:
        return _beyond(iv.hi, kind, above=False)
    return {"number": Decimal(0), "integer": Decimal(0), "date": date(2000, 1, 1), "boolean": True}.get(kind, "any")


def example(box: Box, names: tuple[str, ...], kinds: tuple[Kind, ...]) -> dict[str, Any]:
    """An input (column name to value) inside the box; null where only null is left."""
    return {
        name: example_value(cell.intervals[0], kind) if cell.intervals else None
        for name, cell, kind in zip(names, box, kinds, strict=True)
    }
