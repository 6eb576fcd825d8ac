"""The table versions in force on one order's as-of date, looked up once and evaluated directly."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, cast

from rules.errors import InputError, UnknownTableError
from rules.evaluate import EvaluationResult, evaluate_compiled
from rules.service import RulesService
from rules.versions import TableVersion

TABLES = ("credit", "pricing", "exception_severity")


class PinnedRules:
    """What `rules.policies` needs of a `RulesService` (`evaluate`), bound to the versions of one date."""

    def __init__(self, versions: dict[str, TableVersion], day: date) -> None:
        self.versions = versions
        self.day = day

    @classmethod
    def of(cls, rules: RulesService, day: date) -> PinnedRules:
        """The versions in force on `day`; a table without one makes `as_of` the field in error."""
        try:
            return cls({key: rules.registry.in_force(key, day) for key in TABLES}, day)
        except UnknownTableError as exc:
            raise InputError("as_of", f"no rules in force on {day}: {exc}") from None

    @classmethod
    def recorded(cls, rules: RulesService, hashes: dict[str, str], day: date) -> PinnedRules:
        """The versions a decision recorded, by hash, whatever is in force today (for replays)."""
        versions = {}
        for key in TABLES:
            found = [v for v in rules.registry.versions(key) if v.version == hashes.get(key)]
            if not found:
                raise InputError(
                    f"rules_versions.{key}", f"version {hashes.get(key)!r} of table {key!r} is unknown here"
                )
            versions[key] = found[0]
        return cls(versions, day)

    def with_version(self, version: TableVersion) -> PinnedRules:
        """The same versions but `version` for its table (a draft under backtest)."""
        return PinnedRules({**self.versions, version.key: version}, self.day)

    def evaluate(self, key: str, inputs: Mapping[str, Any], as_of: date | None = None) -> EvaluationResult:
        """Evaluate the pinned version of `key`."""
        return evaluate_compiled(self.versions[key].compiled, inputs, as_of or self.day)

    def hashes(self) -> dict[str, str]:
        """Table key -> version hash, for the decision record."""
        return {key: version.version for key, version in self.versions.items()}

    def as_service(self) -> RulesService:
        """Typed as the service the policy helpers take; they only call `evaluate`."""
        return cast(RulesService, self)
