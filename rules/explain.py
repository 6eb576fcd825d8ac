"""The explanation of one evaluation, always recorded: what was asked, what matched, what was chosen, why not.

Recording is cheap because the per-evaluation part is the input values and one bitset per column (which
rows each input's cell test passed): that is the whole trace. Matched rows, failing cells and the nearest
non-matching rows are derived from it, and the static part (row ids, cell texts, reasons) is shared with
the compiled table, expanded only when someone reads the explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from rules.bits import fewest_failures, rows_of
from rules.compiled import CompiledTable

NEAR_MISS_LIMIT = 3


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A row that did not match, and the columns whose cells failed (the fewest among non-matching rows)."""

    row: int
    failed: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CellTrace:
    """One cell checked against one input value."""

    column: str
    test: str
    value: Any
    passed: bool


@dataclass(frozen=True, slots=True)
class RowTrace:
    """One row as the explanation shows it."""

    id: str
    description: str
    reason: str
    cells: tuple[CellTrace, ...]
    outputs: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Explanation:
    """Table key, version, as-of date, hit policy, inputs, matched and selected rows, why, and why not."""

    compiled: CompiledTable
    as_of: date | None
    values: tuple[Any, ...]
    hits: tuple[int, ...]
    matched: tuple[int, ...]
    selected: tuple[int, ...]
    why: str

    @property
    def near_misses(self) -> tuple[NearMiss, ...]:
        """The first few non-matching rows with the fewest failing cells, derived from the per-column hits."""
        nearest = rows_of(fewest_failures(self.compiled.all_rows, self.hits))[:NEAR_MISS_LIMIT]
        return tuple(NearMiss(r, tuple(c for c, bits in enumerate(self.hits) if not (bits >> r) & 1)) for r in nearest)

    @property
    def inputs(self) -> dict[str, Any]:
        """Input values by column name, as supplied."""
        return {column.name: v for column, v in zip(self.compiled.table.inputs, self.values, strict=True)}

    def row(self, r: int, failed: tuple[int, ...] = ()) -> RowTrace:
        """The trace of row r: each cell's test and the value it was tested on."""
        table = self.compiled.table
        rule = table.rules[r]
        cells = tuple(
            CellTrace(column.name, rule.cells[c], self.values[c], c not in failed)
            for c, column in enumerate(table.inputs)
        )
        outputs = {column.name: v for column, v in zip(table.outputs, rule.outputs, strict=True)}
        return RowTrace(rule.id, rule.description, rule.reason, cells, outputs)

    @property
    def matched_rows(self) -> tuple[RowTrace, ...]:
        """Every row whose cells all matched."""
        return tuple(self.row(r) for r in self.matched)

    @property
    def selected_ids(self) -> tuple[str, ...]:
        """Ids of the rows the hit policy chose."""
        return tuple(self.compiled.table.rules[r].id for r in self.selected)

    @property
    def why_not(self) -> tuple[RowTrace, ...]:
        """The nearest non-matching rows, with their failing cells marked."""
        return tuple(self.row(m.row, m.failed) for m in self.near_misses)


def plain(value: Any) -> Any:
    """A JSON-ready copy of a result value: Decimals become int/float, dates ISO strings."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _row_dict(row: RowTrace) -> dict[str, Any]:
    return {
        "id": row.id,
        "description": row.description,
        "reason": row.reason,
        "cells": [{"column": c.column, "test": c.test, "value": plain(c.value), "passed": c.passed} for c in row.cells],
        "outputs": plain(row.outputs),
    }


def explanation_to_dict(explanation: Explanation) -> dict[str, Any]:
    """Plain-JSON form of an explanation, for the web layer and the decision log."""
    table = explanation.compiled.table
    return {
        "table": table.key,
        "version": explanation.compiled.version,
        "as_of": None if explanation.as_of is None else explanation.as_of.isoformat(),
        "hit_policy": table.hit_policy.value,
        "aggregation": None if table.aggregation is None else table.aggregation.value,
        "inputs": plain(explanation.inputs),
        "matched": [_row_dict(row) for row in explanation.matched_rows],
        "selected": list(explanation.selected_ids),
        "why": explanation.why,
        "why_not": [
            {**_row_dict(row), "failed": [c.column for c in row.cells if not c.passed]} for row in explanation.why_not
        ],
    }
