"""A table's own worked examples: run them, compare with DMN equality, and check every row is exercised."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from rules.compiled import CompiledTable
from rules.errors import RulesError
from rules.evaluate import evaluate_compiled
from rules.explain import plain
from rules.findings import Finding


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    try:
        return Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return None


def dmn_equal(expected: Any, actual: Any) -> bool:
    """DMN value equality: numbers compare as decimals, lists item by item, contexts key by key."""
    if _number(expected) is not None and _number(actual) is not None:
        return _number(expected) == _number(actual)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(dmn_equal(e, a) for e, a in zip(expected, actual, strict=True))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(dmn_equal(v, actual[k]) for k, v in expected.items())
    return type(expected) is type(actual) and bool(expected == actual)


def _matches(expect: Any, actual: Any) -> bool:
    # A case may name only the outputs it is about; the others are left to other cases.
    if isinstance(expect, dict) and isinstance(actual, dict):
        return all(k in actual and dmn_equal(v, actual[k]) for k, v in expect.items())
    return dmn_equal(expect, actual)


@dataclass(frozen=True, slots=True)
class CaseReport:
    """Outcome of a table's cases: failures (as findings) and the rows no case selected."""

    passed: int
    failures: tuple[Finding, ...]
    untested_rows: tuple[str, ...]

    def findings(self) -> tuple[Finding, ...]:
        """Failures and untested rows, as errors that block publishing."""
        untested = tuple(
            Finding("untested", "error", f"no test case selects row {row}", (row,)) for row in self.untested_rows
        )
        return self.failures + untested


def run_cases(compiled: CompiledTable) -> CaseReport:
    """Evaluate every shipped case; a case fails on a wrong result, an evaluation error or bad inputs."""
    failures: list[Finding] = []
    selected: set[int] = set()
    for case in compiled.table.tests:
        try:
            result = evaluate_compiled(compiled, case.given)
        except RulesError as exc:
            failures.append(Finding("test", "error", f"case {case.id}: {exc}"))
            continue
        selected.update(result.explanation.selected)
        actual = result.value
        if compiled.single_output and isinstance(case.expect, dict) and not isinstance(actual, list):
            actual = {compiled.table.outputs[0].name: actual}  # cases may name the single output
        if result.error is not None or not _matches(case.expect, actual):
            got = result.error or plain(result.value)
            failures.append(Finding("test", "error", f"case {case.id}: expected {case.expect!r}, got {got!r}"))
    untested = tuple(r.id for i, r in enumerate(compiled.table.rules) if i not in selected)
    return CaseReport(len(compiled.table.tests) - len(failures), tuple(failures), untested)
