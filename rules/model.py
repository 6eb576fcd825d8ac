"""A decision table as its authors write it: typed input columns, output columns, rows of cells."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Literal

ColumnType = Literal["number", "integer", "string", "boolean", "date"]
COLUMN_TYPES: tuple[str, ...] = ("number", "integer", "string", "boolean", "date")


class HitPolicy(StrEnum):
    """How the matching rows become the result (DMN 1.x, section 8.2.11)."""

    UNIQUE = "UNIQUE"
    ANY = "ANY"
    PRIORITY = "PRIORITY"
    FIRST = "FIRST"
    RULE_ORDER = "RULE ORDER"
    OUTPUT_ORDER = "OUTPUT ORDER"
    COLLECT = "COLLECT"

    @property
    def single(self) -> bool:
        """Whether the policy returns at most one row's outputs."""
        return self in (HitPolicy.UNIQUE, HitPolicy.ANY, HitPolicy.PRIORITY, HitPolicy.FIRST)


class Aggregation(StrEnum):
    """COLLECT's optional aggregator: C+, C<, C>, C#."""

    SUM = "SUM"
    MIN = "MIN"
    MAX = "MAX"
    COUNT = "COUNT"


@dataclass(frozen=True, slots=True)
class InputColumn:
    """One input: its name in the inputs mapping, type, declared domain (unary test text) and nullability."""

    name: str
    type: ColumnType
    domain: str | None = None
    nullable: bool = False
    label: str = ""


@dataclass(frozen=True, slots=True)
class OutputColumn:
    """One output: its name, type, allowed values in priority order (highest first) and default."""

    name: str
    type: ColumnType | None = None
    values: tuple[Any, ...] = ()
    default: Any = None


@dataclass(frozen=True, slots=True)
class Rule:
    """One row: stable id, a cell (unary test text) per input, a value per output, and why it exists."""

    id: str
    cells: tuple[str, ...]
    outputs: tuple[Any, ...]
    description: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class TestCase:
    """A worked example that ships with the table: given inputs, expected outputs."""

    id: str
    given: dict[str, Any]
    expect: Any


@dataclass(frozen=True, slots=True)
class DecisionTable:
    """A whole table; the unit that is versioned, validated and evaluated."""

    key: str
    hit_policy: HitPolicy
    inputs: tuple[InputColumn, ...]
    outputs: tuple[OutputColumn, ...]
    rules: tuple[Rule, ...]
    aggregation: Aggregation | None = None
    complete: bool = False
    name: str = ""
    description: str = ""
    owner: str = ""
    effective_from: date | None = None
    effective_to: date | None = None
    tests: tuple[TestCase, ...] = ()

    def row_index(self, rule_id: str) -> int:
        """Position of a row by its id."""
        return next(i for i, rule in enumerate(self.rules) if rule.id == rule_id)
