"""Parse every cell of a table once and check it against its column's type and declared domain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from rules.errors import UnaryTestSyntaxError
from rules.findings import Finding
from rules.intervals import EVERYTHING, IntervalSet, intersect, point
from rules.model import DecisionTable, InputColumn, OutputColumn
from rules.unary import CellSet, NotTest, RangeTest, Test, cell_set, interval_text, literals, parse_unary_tests


@dataclass(frozen=True, slots=True)
class ParsedTable:
    """Each cell's tests and value set, each column's domain, and what was wrong on the way."""

    tests: tuple[tuple[tuple[Test, ...], ...], ...]
    sets: tuple[tuple[CellSet, ...], ...]
    domains: tuple[CellSet, ...]
    findings: tuple[Finding, ...]


def type_name(value: Any) -> str:
    """The column type a literal belongs to."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, Decimal | int | float):
        return "number"
    if isinstance(value, date):
        return "date"
    return "string" if isinstance(value, str) else type(value).__name__


def fits(value: Any, column_type: str | None) -> bool:
    """Whether a literal may stand in a column of that type."""
    kind = type_name(value)
    if column_type == "integer":
        return kind == "number" and value == int(value)
    return column_type is None or kind == column_type


def _domain(column: InputColumn, findings: list[Finding]) -> CellSet:
    if column.type == "boolean":
        return CellSet((point(False), point(True)), column.nullable)
    if column.domain is None:
        return CellSet((EVERYTHING,), column.nullable)
    try:
        tests = parse_unary_tests(column.domain)
    except UnaryTestSyntaxError as exc:
        findings.append(Finding("syntax", "error", f"domain: {exc}", column=column.name))
        return CellSet((EVERYTHING,), column.nullable)
    for value in literals(tests):
        if not fits(value, column.type):
            findings.append(
                Finding("type", "error", f"domain literal {value!r} is not a {column.type}", column=column.name)
            )
            return CellSet((EVERYTHING,), column.nullable)
    return CellSet(cell_set(tests, column.type).intervals, column.nullable)


def _check_pieces(tests: tuple[Test, ...], domain: IntervalSet, kind: str) -> list[str]:
    """Texts of the comparisons/intervals/literals that lie wholly outside the domain."""
    bad: list[str] = []
    for test in tests:
        if isinstance(test, RangeTest) and not intersect((test.interval,), domain, kind):
            bad.append(interval_text(test.interval))
        elif isinstance(test, NotTest):
            bad.extend(_check_pieces(test.inner, domain, kind))
    return bad


def _cell(table: DecisionTable, r: int, c: int, domain: CellSet, out: list[Finding]) -> tuple[Test, ...]:
    column, rule = table.inputs[c], table.rules[r]
    try:
        tests = parse_unary_tests(rule.cells[c])
    except UnaryTestSyntaxError as exc:
        out.append(Finding("syntax", "error", str(exc), (rule.id,), column.name))
        return parse_unary_tests("-")
    wrong = [v for v in literals(tests) if not fits(v, "number" if column.type == "integer" else column.type)]
    if wrong:
        message = f"{type_name(wrong[0])} {wrong[0]!r} tested against {column.type} input {column.name!r}"
        out.append(Finding("type", "error", message, (rule.id,), column.name))
        return parse_unary_tests("-")
    for text in _check_pieces(tests, domain.intervals, column.type):
        message = f"{text} lies outside the domain {column.domain} of {column.name!r}"
        out.append(Finding("domain", "error", message, (rule.id,), column.name))
    return tests


def _outputs(table: DecisionTable, out: list[Finding]) -> None:
    for rule in table.rules:
        for column, value in zip(table.outputs, rule.outputs, strict=True):
            if value is not None and not fits(value, column.type):
                out.append(
                    Finding(
                        "output",
                        "error",
                        f"output {value!r} is not a {column.type}",
                        rows=(rule.id,),
                        column=column.name,
                    )
                )
            elif column.values and value not in column.values:
                out.append(
                    Finding(
                        "output",
                        "error",
                        f"output {value!r} is not one of {list(column.values)}",
                        rows=(rule.id,),
                        column=column.name,
                    )
                )


def parse_table(table: DecisionTable) -> ParsedTable:
    """Parse all cells; a cell with a syntax or type error is recorded and read as `-`."""
    findings: list[Finding] = []
    domains = tuple(_domain(column, findings) for column in table.inputs)
    tests = tuple(
        tuple(_cell(table, r, c, domains[c], findings) for c in range(len(table.inputs)))
        for r in range(len(table.rules))
    )
    sets = tuple(tuple(cell_set(row[c], table.inputs[c].type) for c in range(len(table.inputs))) for row in tests)
    _outputs(table, findings)
    return ParsedTable(tests, sets, domains, tuple(findings))


def output_priority(column: OutputColumn, value: Any) -> int:
    """Rank of an output value in its column's priority list (0 is highest); unlisted values rank last."""
    try:
        return column.values.index(value)
    except ValueError:
        return len(column.values)
