"""Evaluate a compiled table: one index lookup per column, a bitset AND, the hit policy, the explanation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from rules.bits import rows_of
from rules.compiled import CompiledTable
from rules.errors import InputError
from rules.explain import Explanation
from rules.hitpolicy import select


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    """The decision table's result (DMN-shaped), the error that made it null if any, and its explanation."""

    value: Any
    error: str | None
    explanation: Explanation

    @property
    def version(self) -> str:
        """Content hash of the table version that decided."""
        return self.explanation.compiled.version


def _unknown(ct: CompiledTable, inputs: Mapping[str, Any]) -> None:
    for name in inputs:
        if name not in ct.names:
            raise InputError(name, f"is not an input of table {ct.table.key!r}")


def evaluate_compiled(ct: CompiledTable, inputs: Mapping[str, Any], as_of: date | None = None) -> EvaluationResult:
    """Evaluate one set of inputs; raises InputError naming a missing, mistyped or unknown field."""
    if not ct.names.issuperset(inputs):
        _unknown(ct, inputs)
    values = tuple([inputs.get(name) for name in ct.input_names])
    hits = tuple([match(value) for match, value in zip(ct.matchers, values, strict=True)])
    mask = ct.all_rows
    for bits in hits:
        mask &= bits
    matched = rows_of(mask)
    result, selected, why, error = select(ct, matched)
    explanation = Explanation(ct, as_of, values, hits, tuple(matched), selected, why)
    return EvaluationResult(result, error, explanation)
