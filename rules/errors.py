"""Domain errors of the rules engine; the web layer maps them to HTTP, so none carries a status code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rules.findings import Finding


class RulesError(Exception):
    """Base class of every error the rules engine raises."""


class UnaryTestSyntaxError(RulesError):
    """A cell's unary test text does not parse."""

    def __init__(self, text: str, position: int, message: str) -> None:
        super().__init__(f"{message} at position {position} in {text!r}")
        self.text = text
        self.position = position


class InputError(RulesError):
    """An evaluation input is missing, of the wrong type or outside its declared domain."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class TableValidationError(RulesError):
    """A table (draft or file) is malformed or fails static validation; findings name rows and columns."""

    def __init__(self, message: str, findings: Sequence[Finding]) -> None:
        super().__init__(message)
        self.findings = tuple(findings)


class UnknownTableError(RulesError):
    """No table with that key, or no version of it in force on the requested date."""


class VersionConflictError(RulesError):
    """A new version's effective period overlaps or rewrites the history of existing versions."""
