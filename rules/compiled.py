"""A table made ready to evaluate: cells parsed once, columns indexed, outputs and priorities precomputed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rules.cells import ParsedTable, output_priority, parse_table
from rules.errors import TableValidationError
from rules.findings import errors
from rules.index import ColumnIndex, build_index
from rules.inputs import InputSpec, input_spec, matcher
from rules.model import DecisionTable


@dataclass(frozen=True, slots=True)
class CompiledTable:
    """Everything evaluation needs, computed once per table version."""

    table: DecisionTable
    version: str
    parsed: ParsedTable
    specs: tuple[InputSpec, ...]
    names: frozenset[str]
    input_names: tuple[str, ...]
    matchers: tuple[Callable[[Any], int], ...]
    indexes: tuple[ColumnIndex, ...]
    all_rows: int
    row_values: tuple[Any, ...]
    priorities: tuple[tuple[int, ...], ...]
    default: Any
    single_output: bool


def _row_value(table: DecisionTable, outputs: tuple[Any, ...]) -> Any:
    """A row's result as DMN shapes it: the bare value for one output column, else a context (dict)."""
    if len(table.outputs) == 1:
        return outputs[0]
    return {column.name: value for column, value in zip(table.outputs, outputs, strict=True)}


def _default(table: DecisionTable) -> Any:
    if all(column.default is None for column in table.outputs):
        return None
    return _row_value(table, tuple(column.default for column in table.outputs))


def _domain_points(parsed: ParsedTable, c: int) -> tuple[Any, ...]:
    intervals = parsed.domains[c].intervals
    if all(iv.lo is not None and iv.lo == iv.hi for iv in intervals):
        return tuple(iv.lo for iv in intervals)
    return ()


def compile_table(table: DecisionTable, version: str = "") -> CompiledTable:
    """Parse and index a table; raises TableValidationError if any cell is malformed or mistyped."""
    parsed = parse_table(table)
    blocking = [f for f in errors(parsed.findings) if f.kind in ("syntax", "type", "structure")]
    if blocking:
        raise TableValidationError(f"table {table.key!r} has malformed cells", blocking)
    n_columns = len(table.inputs)
    indexes = tuple(build_index([row[c] for row in parsed.sets], _domain_points(parsed, c)) for c in range(n_columns))
    specs = tuple(input_spec(column, parsed.domains[c]) for c, column in enumerate(table.inputs))
    priorities = tuple(
        tuple(
            output_priority(column, value)
            for column, value in zip(table.outputs, rule.outputs, strict=True)
            if column.values
        )
        for rule in table.rules
    )
    return CompiledTable(
        table=table,
        version=version,
        parsed=parsed,
        specs=specs,
        names=frozenset(column.name for column in table.inputs),
        input_names=tuple(column.name for column in table.inputs),
        matchers=tuple(matcher(spec, index) for spec, index in zip(specs, indexes, strict=True)),
        indexes=indexes,
        all_rows=(1 << len(table.rules)) - 1,
        row_values=tuple(_row_value(table, rule.outputs) for rule in table.rules),
        priorities=priorities,
        default=_default(table),
        single_output=len(table.outputs) == 1,
    )
