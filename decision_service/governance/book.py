"""One worker's view of the rule store: the log's rule records folded, kept current, and swapped into the rules
service its decisions evaluate.

`refresh` asks the log for rule records after the last one folded: one indexed query that finds nothing on
almost every request, so a version published through any worker is in force in this one from its next request.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from decision_service.governance import events
from decision_service.governance.state import Draft, RuleState
from decision_service.orders.log import DecisionFilter, DecisionLog, DecisionRecord, DuplicateRecord, cursor_after
from rules.explain import plain
from rules.service import RulesService
from rules.tableio import table_to_dict
from rules.versions import TableRegistry, TableVersion

RULE_RECORDS = DecisionFilter({events.DOMAIN[0]: events.DOMAIN[1]})
PAGE = 200


class RuleBook:
    """The rule state folded from `log`, and `rules`, whose registry always holds the versions in force."""

    def __init__(self, log: DecisionLog, rules: RulesService) -> None:
        self.log = log
        self.rules = rules
        self._state = RuleState()
        self._lock = threading.Lock()
        self.loaded = False
        self.seeded = False

    def refresh(self) -> None:
        """Fold the rule records appended since the last refresh (`StoreUnavailable` when the log cannot be read:
        the request is answered 503 and the next one tries again)."""
        with self._lock:
            if self.loaded and self.log.newest(*events.DOMAIN) <= self._state.last_seq:
                return  # no rule record since the last fold: one index seek, not a page of the log
            changed = False
            cursor: str | None = cursor_after(self._state.last_seq)
            while cursor is not None:
                page = self.log.find(RULE_RECORDS, cursor, PAGE)
                for sealed in page.records:
                    changed = self._state.apply(sealed) or changed
                cursor = page.next_cursor
            if changed or not self.loaded:
                self.rules.registry = self._state.registry()
            self.loaded = True

    def seed(self, shipped: TableRegistry, stamp: events.Stamp) -> int:
        """Record the shipped versions of every table the log has never heard of; how many were recorded. A table
        with any record is the owners' from then on: a later release's files do not overwrite it."""
        self.refresh()
        added = 0
        for key in shipped.keys():
            if key in self._state.tables:
                continue
            for version in shipped.versions(key):
                try:
                    self.log.append(_seed_record(version, stamp))
                    added += 1
                except DuplicateRecord:
                    pass  # another worker seeded it first
        self.refresh()
        self.seeded = True
        return added

    def draft(self, draft_id: str) -> Draft | None:
        """A draft as it stands now."""
        with self._lock:
            return self._state.drafts.get(draft_id)

    def drafts(self, key: str) -> list[Draft]:
        """The drafts of one table, oldest first."""
        with self._lock:
            return [d for d in self._state.drafts.values() if d.key == key]

    def versions(self, key: str) -> list[TableVersion]:
        """The versions of one table in force (some perhaps from a future date), oldest first."""
        with self._lock:
            return list(self._state.versions.get(key, []))


def _seed_record(version: TableVersion, stamp: events.Stamp) -> DecisionRecord:
    source = f"rules/tables/{version.key}/{version.path.name}" if version.path else "shipped"
    table = plain(table_to_dict(version.table))
    response = {"key": version.key, "version": version.version, "status": "in_force", "table": table}
    seeded = replace(stamp, actor="seed")
    return events.rule_record(events.SEED, events.seed_id(version.key, version.version), version.key, seeded,
                              {"source": source}, response, version.version)  # fmt: skip
