"""Parse DMN unary tests (the text in an input cell) once, into a structured form and a value set.

Grammar (FEEL simple unary tests): `-` | test ("," test)* where test is `not(tests)`, a comparison
(`< 0.8`, `>= 30`, `= "x"`, `!= 3`), an interval (`[0.8..1.0)`, `]1..2[`), or a literal (number,
"string", true, false, null, date("2026-01-01")).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from rules.errors import UnaryTestSyntaxError
from rules.intervals import EVERYTHING, Interval, IntervalSet, Kind, complement, normalise, point

_TOKEN = re.compile(
    r'\s*(?:(?P<num>-?\d+(?:\.\d+)?)|(?P<str>"(?:[^"\\]|\\.)*")|(?P<op>\.\.|<=|>=|!=|[<>=\[\]\(\),-])'
    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*))"
)


@dataclass(frozen=True, slots=True)
class AnyTest:
    """`-`: matches every value, null included."""


@dataclass(frozen=True, slots=True)
class NullTest:
    """`null`: matches only a missing value."""


@dataclass(frozen=True, slots=True)
class RangeTest:
    """A comparison, interval or literal: the values inside one interval."""

    interval: Interval


@dataclass(frozen=True, slots=True)
class NotTest:
    """`not(...)`: values outside the inner tests; never null, as FEEL's not(null) is null."""

    inner: tuple[Test, ...]


Test = AnyTest | NullTest | RangeTest | NotTest


@dataclass(frozen=True, slots=True)
class CellSet:
    """The values a cell matches: disjoint intervals, and whether null matches."""

    intervals: IntervalSet
    null: bool


def cell_set(tests: tuple[Test, ...], kind: Kind) -> CellSet:
    """The value set a list of tests denotes (their union)."""
    pieces: list[Interval] = []
    null = False
    for test in tests:
        if isinstance(test, AnyTest):
            pieces.append(EVERYTHING)
            null = True
        elif isinstance(test, NullTest):
            null = True
        elif isinstance(test, RangeTest):
            pieces.append(test.interval)
        else:
            pieces.extend(complement(cell_set(test.inner, kind).intervals, kind))
    return CellSet(normalise(pieces, kind), null)


def literals(tests: tuple[Test, ...]) -> list[Any]:
    """Every literal a cell mentions, for type and domain checks."""
    out: list[Any] = []
    for test in tests:
        if isinstance(test, RangeTest):
            out.extend(v for v in (test.interval.lo, test.interval.hi) if v is not None)
        elif isinstance(test, NotTest):
            out.extend(literals(test.inner))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str, int]] = []
        pos = 0
        while pos < len(text.rstrip()):
            m = _TOKEN.match(text, pos)
            if m is None or m.lastgroup is None:
                raise UnaryTestSyntaxError(text, pos, "unexpected character")
            self.tokens.append((m.lastgroup, m.group(m.lastgroup), m.start(m.lastgroup)))
            pos = m.end()
        self.i = 0

    def fail(self, message: str) -> UnaryTestSyntaxError:
        pos = self.tokens[self.i][2] if self.i < len(self.tokens) else len(self.text)
        return UnaryTestSyntaxError(self.text, pos, message)

    def peek(self) -> str | None:
        return self.tokens[self.i][1] if self.i < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.i >= len(self.tokens):
            raise self.fail("unexpected end")
        kind, value, _ = self.tokens[self.i]
        if expected is not None and value != expected:
            raise self.fail(f"expected {expected!r}")
        self.i += 1
        return kind, value

    def tests(self) -> tuple[Test, ...]:
        items = [self.test()]
        while self.peek() == ",":
            self.take()
            items.append(self.test())
        return tuple(items)

    def test(self) -> Test:
        token = self.peek()
        if token == "not":
            self.take()
            self.take("(")
            inner = self.tests()
            self.take(")")
            return NotTest(inner)
        if token in ("<", "<=", ">", ">="):
            self.take()
            value = self.endpoint()
            closed = token in ("<=", ">=")
            return RangeTest(
                Interval(None, value, False, closed) if token[0] == "<" else Interval(value, None, closed, False)
            )
        if token in ("=", "!="):
            self.take()
            value = self.endpoint()
            return RangeTest(point(value)) if token == "=" else NotTest((RangeTest(point(value)),))
        if token in ("[", "(", "]"):
            return self.interval()
        if token == "null":
            self.take()
            return NullTest()
        return RangeTest(point(self.endpoint()))

    def interval(self) -> RangeTest:
        _, opening = self.take()
        lo = self.endpoint()
        self.take("..")
        hi = self.endpoint()
        _, closing = self.take()
        if closing not in ("]", ")", "["):
            raise self.fail("expected closing bracket")
        return RangeTest(Interval(lo, hi, opening == "[", closing == "]"))

    def endpoint(self) -> Any:
        kind, value = self.take()
        if kind == "num":
            return Decimal(value)
        if kind == "str":
            return re.sub(r"\\(.)", r"\1", value[1:-1])
        if value in ("true", "false"):
            return value == "true"
        if value == "date":
            self.take("(")
            kind, text = self.take()
            self.take(")")
            try:
                if kind != "str":
                    raise ValueError(text)
                return date.fromisoformat(text[1:-1])
            except ValueError:
                raise self.fail("invalid date") from None
        self.i -= 1
        raise self.fail("expected a literal")


def parse_unary_tests(text: str) -> tuple[Test, ...]:
    """Parse a cell's text into its tests; `-` (or an empty cell) is the any test."""
    if text.strip() in ("", "-"):
        return (AnyTest(),)
    parser = _Parser(text)
    tests = parser.tests()
    if parser.i != len(parser.tokens):
        raise parser.fail("unexpected trailing text")
    return tests


def parse_literal(text: str) -> Any:
    """Parse one FEEL literal (an output entry): number, string, boolean, date or null."""
    tests = parse_unary_tests(text)
    if len(tests) == 1 and isinstance(tests[0], NullTest):
        return None
    first = tests[0]
    if len(tests) != 1 or not isinstance(first, RangeTest) or first.interval.lo is not first.interval.hi:
        raise UnaryTestSyntaxError(text, 0, "expected a single literal")
    return first.interval.lo


def literal_text(value: Any) -> str:
    """FEEL literal for a plain value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return f'date("{value.isoformat()}")'
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def interval_text(iv: Interval) -> str:
    """FEEL unary-test text for one interval."""
    if iv.lo is not None and iv.lo == iv.hi:
        return literal_text(iv.lo)
    if iv.lo is None:
        return f"{'<=' if iv.hi_closed else '<'} {literal_text(iv.hi)}"
    if iv.hi is None:
        return f"{'>=' if iv.lo_closed else '>'} {literal_text(iv.lo)}"
    return f"{'[' if iv.lo_closed else '('}{literal_text(iv.lo)}..{literal_text(iv.hi)}{']' if iv.hi_closed else ')'}"
