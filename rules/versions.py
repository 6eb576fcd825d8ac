"""Table versions: immutable, named by content hash, in force from effective_from until effective_to or the next.

A version is in force on day d when effective_from <= d, d < effective_to (if given), and no later version
has started by d. History is never rewritten: a new version must start after every existing one, and may
not start inside an explicitly bounded earlier period, so a past decision re-evaluates with the rules it had.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from rules.casetests import run_cases
from rules.compiled import CompiledTable, compile_table
from rules.errors import TableValidationError, UnknownTableError, VersionConflictError
from rules.findings import Finding, errors
from rules.model import DecisionTable
from rules.tableio import content_hash, table_from_dict
from rules.validate import validate_table


@dataclass(frozen=True, slots=True)
class TableVersion:
    """One published version of one table."""

    key: str
    version: str
    effective_from: date
    effective_to: date | None
    compiled: CompiledTable
    findings: tuple[Finding, ...]
    path: Path | None = None

    @property
    def table(self) -> DecisionTable:
        """The table as authored."""
        return self.compiled.table


def check_table(table: DecisionTable) -> tuple[CompiledTable, tuple[Finding, ...]]:
    """Validate, compile and run the table's own cases; raises TableValidationError on any error finding."""
    findings = validate_table(table)
    if errors(findings):
        raise TableValidationError(f"table {table.key!r} is not valid", errors(findings))
    compiled = compile_table(table, content_hash(table))
    case_findings = run_cases(compiled).findings()
    if case_findings:
        raise TableValidationError(f"table {table.key!r} fails its own test cases", case_findings)
    return compiled, findings


def make_version(data: dict[str, Any], path: Path | None = None) -> TableVersion:
    """A checked version from a table dict (a file's content or a draft)."""
    table = table_from_dict(data)
    if table.effective_from is None:
        raise TableValidationError("a table version needs effective_from", [_version_finding("missing date")])
    if table.effective_to is not None and table.effective_to <= table.effective_from:
        raise TableValidationError("empty effective period", [_version_finding("effective_to <= effective_from")])
    compiled, findings = check_table(table)
    return TableVersion(table.key, compiled.version, table.effective_from, table.effective_to, compiled, findings, path)


def _version_finding(message: str) -> Finding:
    return Finding("version", "error", message)


def check_timeline(existing: Iterable[TableVersion], new: TableVersion) -> None:
    """Refuse a version that would overlap or rewrite the periods of existing versions."""
    for old in existing:
        if old.version == new.version:
            raise VersionConflictError(f"{new.key}: version {new.version[:12]} already exists")
        if new.effective_from <= old.effective_from:
            raise VersionConflictError(
                f"{new.key}: a new version must start after {old.effective_from} (version {old.version[:12]})"
            )
        if old.effective_to is not None and new.effective_from < old.effective_to:
            raise VersionConflictError(
                f"{new.key}: version {old.version[:12]} is in force until {old.effective_to}, "
                f"after the new version's start {new.effective_from}"
            )


class TableRegistry:
    """Every version of every table, and the one in force on a date."""

    def __init__(self, versions: Iterable[TableVersion] = ()) -> None:
        self._versions: dict[str, list[TableVersion]] = {}
        for version in sorted(versions, key=lambda v: (v.key, v.effective_from)):
            check_timeline(self._versions.get(version.key, []), version)
            self._versions.setdefault(version.key, []).append(version)

    @classmethod
    def load(cls, directory: Path) -> TableRegistry:
        """Load `<directory>/<key>/*.yaml`; a file that fails validation stops the load, naming the file."""
        versions = []
        for path in sorted(directory.glob("*/*.yaml")):
            try:
                versions.append(make_version(yaml.safe_load(path.read_text(encoding="utf-8")), path))
            except TableValidationError as exc:
                raise TableValidationError(f"{path.name}: {exc}", exc.findings) from None
        return cls(versions)

    def keys(self) -> list[str]:
        """Table keys, sorted."""
        return sorted(self._versions)

    def versions(self, key: str) -> list[TableVersion]:
        """All versions of a table, oldest first."""
        if key not in self._versions:
            raise UnknownTableError(f"no table {key!r}")
        return list(self._versions[key])

    def in_force(self, key: str, as_of: date) -> TableVersion:
        """The version of a table that applies on a date."""
        started = [v for v in self.versions(key) if v.effective_from <= as_of]
        if not started or (started[-1].effective_to is not None and as_of >= started[-1].effective_to):
            raise UnknownTableError(f"no version of table {key!r} is in force on {as_of}")
        return started[-1]
