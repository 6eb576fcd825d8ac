"""The rules facade the web layer and the allocation service call: list, read, validate, evaluate, publish."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from rules.casetests import run_cases
from rules.compiled import compile_table
from rules.errors import TableValidationError, UnknownTableError
from rules.evaluate import EvaluationResult, evaluate_compiled
from rules.explain import explanation_to_dict, plain
from rules.findings import Finding, errors
from rules.publish import publish
from rules.tableio import content_hash, table_from_dict, table_to_dict
from rules.validate import validate_table
from rules.versions import TableRegistry, TableVersion

TABLES_DIR = Path(__file__).resolve().parent / "tables"


class RulesService:
    """Versioned decision tables, evaluated as of a date (today by default): those of one directory, or those of
    a `registry` the caller keeps current (the service's rule store swaps in each new one whole)."""

    def __init__(
        self,
        directory: Path = TABLES_DIR,
        today: Callable[[], date] = date.today,
        registry: TableRegistry | None = None,
    ) -> None:
        self.directory = directory
        self.today = today
        self.registry = registry if registry is not None else TableRegistry.load(directory)

    def list_tables(self) -> list[dict[str, Any]]:
        """Every table key with its version in force today (None if none is) and its version count."""
        out = []
        for key in self.registry.keys():
            versions = self.registry.versions(key)
            active = self._in_force_or_none(key)
            out.append(
                {
                    "key": key,
                    "name": versions[-1].table.name,
                    "owner": versions[-1].table.owner,
                    "active_version": None if active is None else version_summary(active),
                    "versions": len(versions),
                }
            )
        return out

    def get_table(self, key: str) -> dict[str, Any]:
        """All versions of a table with their full content, oldest first."""
        return {
            "key": key,
            "versions": [
                {**version_summary(v), "content": table_to_dict(v.table)} for v in self.registry.versions(key)
            ],
        }

    def validate_draft(self, key: str, table_dict: Mapping[str, Any]) -> tuple[Finding, ...]:
        """Findings for a draft table (structure, cells, overlaps, gaps, masking, its own test cases)."""
        try:
            table = table_from_dict({**table_dict, "key": key})
        except TableValidationError as exc:
            return exc.findings
        findings = validate_table(table)
        if errors(findings):
            return findings
        return findings + run_cases(compile_table(table, content_hash(table))).findings()

    def evaluate(self, key: str, inputs: Mapping[str, Any], as_of: date | None = None) -> EvaluationResult:
        """Evaluate the version in force on as_of (default today); the result carries its explanation."""
        day = as_of or self.today()
        return evaluate_compiled(self.registry.in_force(key, day).compiled, inputs, day)

    def publish(
        self, key: str, table_dict: Mapping[str, Any], effective_from: date, effective_to: date | None = None
    ) -> TableVersion:
        """Write a new version file (after validation and the history check) and reload the registry."""
        version = publish(key, dict(table_dict), effective_from, self.directory, effective_to)
        self.registry = TableRegistry.load(self.directory)
        return version

    def _in_force_or_none(self, key: str) -> TableVersion | None:
        try:
            return self.registry.in_force(key, self.today())
        except UnknownTableError:  # no version today is a state to report, not an error
            return None


def version_summary(version: TableVersion) -> dict[str, Any]:
    """Version hash and effective period, JSON-ready."""
    return {
        "version": version.version,
        "effective_from": version.effective_from.isoformat(),
        "effective_to": None if version.effective_to is None else version.effective_to.isoformat(),
    }


def findings_to_dict(findings: tuple[Finding, ...] | list[Finding]) -> list[dict[str, Any]]:
    """Findings as plain JSON (rows, column and example input included)."""
    return [plain({**asdict(f), "rows": list(f.rows)}) for f in findings]


def result_to_dict(result: EvaluationResult) -> dict[str, Any]:
    """An evaluation as plain JSON: result, error, version and the full explanation."""
    return {
        "result": plain(result.value),
        "error": result.error,
        "version": result.version,
        "explanation": explanation_to_dict(result.explanation),
    }
