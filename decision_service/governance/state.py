"""Folding the rule records of the log, in chain order, into drafts and the versions in force.

The fold is the only judge of what is in force: every worker applies the same records in the same order and
reaches the same registry. A publication or approval whose period would overlap a version that reached the
chain before it (two owners publishing at once through two workers) is kept in the log but void, with the
reason; the service checks first, so this happens only in such a race, and the loser is told (409).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import orjson

from decision_service.governance import events
from decision_service.orders.log import Sealed
from rules.errors import RulesError
from rules.versions import TableRegistry, TableVersion, check_timeline, make_version

DRAFTED, PENDING, IN_FORCE, REJECTED, VOID = "draft", "pending_approval", "in_force", "rejected", "void"


@dataclass(frozen=True, slots=True)
class Publication:
    """A draft's publication: its period, who published it and why, and, with four eyes, who approved it."""

    id: str
    effective_from: date
    effective_to: date | None
    comment: str
    published_by: str
    published_at: datetime
    approval_required: bool
    version: str | None = None  # the version hash once in force
    decided_by: str | None = None  # who approved or rejected it
    decided_at: datetime | None = None
    decision_comment: str | None = None


@dataclass(frozen=True, slots=True)
class Draft:
    """A proposed version of one table, validated when drafted, and where it stands."""

    id: str
    key: str
    table: dict[str, Any]  # as drafted: no key, no dates
    author: str
    created_at: datetime
    comment: str
    findings: list[dict[str, Any]]  # warnings the validation left (a draft with errors is never recorded)
    status: str = DRAFTED
    publication: Publication | None = None
    note: str | None = None  # why it is void


@dataclass
class RuleState:
    """Drafts and versions in force, as of the last record folded."""

    versions: dict[str, list[TableVersion]] = field(default_factory=dict)
    drafts: dict[str, Draft] = field(default_factory=dict)
    tables: set[str] = field(default_factory=set)  # every key with a record
    last_seq: int = 0

    def registry(self) -> TableRegistry:
        """The versions in force, as the rules service evaluates them."""
        return TableRegistry(v for vs in self.versions.values() for v in vs)

    def apply(self, sealed: Sealed) -> bool:
        """Fold one record; True when the versions in force changed."""
        record, body = sealed.record, sealed.record.response
        self.last_seq = sealed.seq
        key = next(iter(record.rules_versions))
        self.tables.add(key)
        if record.kind == events.SEED:
            return isinstance(self._add(key, body["table"]), TableVersion)
        if record.kind == events.DRAFT:
            self.drafts[record.id] = Draft(record.id, key, record.request["table"], record.actor, record.recorded_at,
                                           record.request.get("comment", ""), body["findings"])  # fmt: skip
            return False
        draft = self.drafts.get(record.request["draft_id"])
        if draft is None:
            return False
        if record.kind == events.PUBLICATION:
            return self._publish(draft, record.id, record.request, record.actor, record.recorded_at)
        decided = _decided(draft.publication, record.actor, record.recorded_at, record.request.get("comment"))
        if record.kind == events.APPROVAL and draft.status == PENDING:
            return self._in_force(replace(draft, publication=decided))
        if record.kind == events.REJECTION and draft.status in (DRAFTED, PENDING):
            self.drafts[draft.id] = replace(draft, status=REJECTED, publication=decided)
        return False

    def _publish(self, draft: Draft, record_id: str, request: dict[str, Any], actor: str, at: datetime) -> bool:
        if draft.status != DRAFTED:
            return False
        until = request.get("effective_to")
        publication = Publication(record_id, date.fromisoformat(request["effective_from"]),
                                  None if until is None else date.fromisoformat(until), request.get("comment", ""),
                                  actor, at, bool(request.get("approval_required")))  # fmt: skip
        draft = replace(draft, publication=publication)
        if publication.approval_required:
            self.drafts[draft.id] = replace(draft, status=PENDING)
            return False
        return self._in_force(draft)

    def _in_force(self, draft: Draft) -> bool:
        p = draft.publication
        assert p is not None
        dated = events.table_with_period({**draft.table, "key": draft.key}, p.effective_from, p.effective_to)
        added = self._add(draft.key, dated)
        if isinstance(added, str):
            self.drafts[draft.id] = replace(draft, status=VOID, note=added)
            return False
        self.drafts[draft.id] = replace(draft, status=IN_FORCE, publication=replace(p, version=added.version))
        return True

    def _add(self, key: str, table: dict[str, Any]) -> TableVersion | str:
        """Put a dated table in force; the reason as text when it cannot be."""
        try:
            version = _version(orjson.dumps(table, option=orjson.OPT_SORT_KEYS))
            check_timeline(self.versions.get(key, []), version)
        except RulesError as exc:
            return str(exc)
        self.versions.setdefault(key, []).append(version)
        return version


@lru_cache(maxsize=256)
def _version(table: bytes) -> TableVersion:
    """A checked version of a dated table; validating and compiling one takes milliseconds and every worker (and
    every app a test suite builds) folds the same seeds, so equal content is checked once per process."""
    return make_version(orjson.loads(table))


def _decided(p: Publication | None, actor: str, at: datetime, comment: str | None) -> Publication | None:
    return None if p is None else replace(p, decided_by=actor, decided_at=at, decision_comment=comment)
