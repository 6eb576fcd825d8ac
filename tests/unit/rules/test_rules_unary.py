"""Every unary test form parses once into the value set a DMN author means."""

from datetime import date
from decimal import Decimal

import pytest

from rules.errors import UnaryTestSyntaxError
from rules.unary import cell_set, parse_literal, parse_unary_tests


def matches(text: str, kind: str, value: object) -> bool:
    cell = cell_set(parse_unary_tests(text), kind)
    if value is None:
        return cell.null
    return any(iv.contains(value) for iv in cell.intervals)


@pytest.mark.parametrize(
    ("text", "kind", "inside", "outside"),
    [
        ("-", "number", [Decimal(-5), Decimal(0), None], []),
        ("", "string", ["x", None], []),
        ("< 0.8", "number", [Decimal("0.79")], [Decimal("0.8"), None]),
        ("<= 0.8", "number", [Decimal("0.8")], [Decimal("0.81")]),
        (">= 30", "integer", [Decimal(30), Decimal(400)], [Decimal(29)]),
        ("> 30", "integer", [Decimal(31)], [Decimal(30)]),
        ('= "x"', "string", ["x"], ["y"]),
        ("!= 3", "number", [Decimal(2), Decimal(4)], [Decimal(3), None]),
        ("[0.8..1.0)", "number", [Decimal("0.8"), Decimal("0.99")], [Decimal("1.0"), Decimal("0.79")]),
        ("(0.8..1.0]", "number", [Decimal("1.0")], [Decimal("0.8")]),
        ("]1..2[", "number", [Decimal("1.5")], [Decimal(1), Decimal(2)]),
        ("[1..2[", "number", [Decimal(1)], [Decimal(2)]),
        ('"gold","strategic"', "string", ["gold", "strategic"], ["silver", None]),
        ("<0, >10", "number", [Decimal(-1), Decimal(11)], [Decimal(0), Decimal(5), Decimal(10)]),
        ('not("gold", "silver")', "string", ["none"], ["gold", "silver", None]),
        ("not(< 5)", "number", [Decimal(5)], [Decimal(4), None]),
        ("true", "boolean", [True], [False]),
        ("false", "boolean", [False], [True]),
        ('date("2026-01-01")', "date", [date(2026, 1, 1)], [date(2026, 1, 2)]),
        ('>= date("2026-01-01")', "date", [date(2026, 6, 1)], [date(2025, 12, 31)]),
        ("null", "number", [None], [Decimal(0)]),
        ("null, > 5", "number", [None, Decimal(6)], [Decimal(5)]),
        ("-5", "number", [Decimal(-5)], [Decimal(5)]),
        (r'"say \"hi\""', "string", ['say "hi"'], ["say"]),
    ],
)
def test_unary_forms(text: str, kind: str, inside: list[object], outside: list[object]) -> None:
    for value in inside:
        assert matches(text, kind, value), (text, value)
    for value in outside:
        assert not matches(text, kind, value), (text, value)


def test_integer_cells_merge_adjacent_ranges() -> None:
    cell = cell_set(parse_unary_tests("[1..3], (3..7), [7..9]"), "integer")
    assert len(cell.intervals) == 1
    assert (cell.intervals[0].lo, cell.intervals[0].hi) == (Decimal(1), Decimal(9))


@pytest.mark.parametrize("text", ["< ", "[1..2", "foo", '"open', "1 2", "date(3)", 'date("2026-13-01")', "not(1"])
def test_malformed_tests_name_the_position(text: str) -> None:
    with pytest.raises(UnaryTestSyntaxError) as info:
        parse_unary_tests(text)
    assert text in str(info.value)


def test_output_literals() -> None:
    assert parse_literal('"Approved"') == "Approved"
    assert parse_literal("98.83") == Decimal("98.83")
    assert parse_literal("null") is None
    with pytest.raises(UnaryTestSyntaxError):
        parse_literal("< 3")
