"""What static validation reports: each finding names its rows, its column and an example input."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]
FindingKind = Literal[
    "structure",
    "syntax",
    "type",
    "domain",
    "output",
    "overlap",
    "conflict",
    "gap",
    "masked",
    "unreachable",
    "test",
    "untested",
    "version",
]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a table: errors block publishing, warnings are for the reviewer."""

    kind: FindingKind
    severity: Severity
    message: str
    rows: tuple[str, ...] = ()
    column: str | None = None
    example: dict[str, Any] | None = field(default=None, compare=False)


def errors(findings: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
    """Only the findings that block use of the table."""
    return [f for f in findings if f.severity == "error"]
