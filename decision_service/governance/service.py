"""Governing a table: draft (validated), publish with an effective date and a comment, approve or reject.

Each step checks against the state folded from the log, appends one record, then folds it: the record is the
change, so a step is all or nothing. With four eyes a publication waits for a second person's approval.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from decision_service.governance import events
from decision_service.governance.book import RuleBook
from decision_service.governance.errors import DraftStateConflict, FourEyesViolation, UnknownDraft
from decision_service.governance.state import DRAFTED, IN_FORCE, PENDING, VOID, Draft
from decision_service.orders.log import DecisionRecord
from rules.errors import InputError, TableValidationError, UnknownTableError
from rules.findings import errors
from rules.service import findings_to_dict
from rules.tableio import content_hash, table_from_dict
from rules.versions import TableVersion, check_timeline, make_version


class Governance:
    """The governed steps of a table's life, over one worker's `RuleBook`."""

    def __init__(self, book: RuleBook, today: Callable[[], date], four_eyes: bool = False) -> None:
        self.book = book
        self.today = today
        self.four_eyes = four_eyes  # every publication needs a second person, whatever the request says

    def create_draft(self, key: str, table: Mapping[str, Any], comment: str, stamp: events.Stamp) -> Draft:
        """Validate a draft of `key` and record it; a draft with an error finding is refused, never recorded."""
        self._known(key)
        findings = self.book.rules.validate_draft(key, table)
        if errors(findings):
            raise TableValidationError(f"the draft of table {key!r} is not valid", findings)
        content = {k: v for k, v in table.items() if k not in ("key", "effective_from", "effective_to")}
        draft_id = f"draft-{secrets.token_hex(8)}"
        undated = content_hash(table_from_dict({**content, "key": key}))
        request = {"table": content, "comment": comment}
        response = {"draft_id": draft_id, "key": key, "findings": findings_to_dict(findings)}
        return self._append(events.rule_record(events.DRAFT, draft_id, key, stamp, request, response, undated), key)

    def publish(self, key: str, draft_id: str, period: tuple[date, date | None], comment: str,
                approval_required: bool, stamp: events.Stamp) -> Draft:  # fmt: skip
        """Publish a draft from `period[0]` (today or later): in force at once, or pending a second person."""
        draft = self.draft(key, draft_id)
        _expect(draft, DRAFTED, "published")
        effective_from, effective_to = period
        version = self._checked(draft, effective_from, effective_to).version
        request = {"draft_id": draft_id, "effective_from": effective_from.isoformat(),
                   "effective_to": None if effective_to is None else effective_to.isoformat(), "comment": comment,
                   "approval_required": approval_required or self.four_eyes}  # fmt: skip
        record_id = f"pub-{secrets.token_hex(8)}"
        response = {"draft_id": draft_id, "key": key, "version": version,
                    "status": PENDING if request["approval_required"] else IN_FORCE}  # fmt: skip
        return self._settled(self._append(events.rule_record(events.PUBLICATION, record_id, key, stamp, request,
                                                             response, version), key))  # fmt: skip

    def approve(self, key: str, draft_id: str, comment: str, stamp: events.Stamp) -> Draft:
        """A second person approves a pending publication: it is in force from its effective date."""
        draft = self.draft(key, draft_id)
        _expect(draft, PENDING, "approved")
        assert draft.publication is not None
        if stamp.actor == draft.publication.published_by:
            raise FourEyesViolation(f"{stamp.actor!r} published draft {draft_id}; another person must approve it")
        p = draft.publication
        version = self._checked(draft, p.effective_from, p.effective_to).version
        request, response = {"draft_id": draft_id, "comment": comment}, {"key": key, "status": IN_FORCE}
        record = events.rule_record(events.APPROVAL, f"apv-{secrets.token_hex(8)}", key, stamp, request, response,
                                    version)  # fmt: skip
        return self._settled(self._append(record, key))

    def reject(self, key: str, draft_id: str, comment: str, stamp: events.Stamp) -> Draft:
        """Close a draft or a pending publication without putting it in force."""
        draft = self.draft(key, draft_id)
        if draft.status not in (DRAFTED, PENDING):
            raise DraftStateConflict(f"draft {draft_id} is {draft.status}; only a draft or a pending one is rejected")
        request, response = {"draft_id": draft_id, "comment": comment}, {"key": key, "status": "rejected"}
        record = events.rule_record(events.REJECTION, f"rej-{secrets.token_hex(8)}", key, stamp, request, response,
                                    content_hash(table_from_dict({**draft.table, "key": key})))  # fmt: skip
        return self._append(record, key)

    def draft(self, key: str, draft_id: str) -> Draft:
        """One draft of `key`, as it stands after the latest records."""
        self._known(key)
        self.book.refresh()
        draft = self.book.draft(draft_id)
        if draft is None or draft.key != key:
            raise UnknownDraft(f"no draft {draft_id!r} of table {key!r}")
        return draft

    def drafts(self, key: str) -> list[Draft]:
        """Every draft of `key`, oldest first."""
        self._known(key)
        self.book.refresh()
        return self.book.drafts(key)

    def _known(self, key: str) -> None:
        if key not in self.book.rules.registry.keys():
            raise UnknownTableError(f"no table {key!r}")

    def _checked(self, draft: Draft, effective_from: date, effective_to: date | None) -> TableVersion:
        """The draft dated for publication (validated and compiled once), if its period may be published."""
        if effective_from < self.today():
            raise InputError("effective_from", f"{effective_from} has passed: a version starts today or later")
        if effective_to is not None and effective_to <= effective_from:
            raise InputError("effective_to", "must be after effective_from")
        dated = make_version(events.table_with_period({**draft.table, "key": draft.key}, effective_from, effective_to))
        check_timeline(self.book.versions(draft.key), dated)
        return dated

    def _append(self, record: DecisionRecord, key: str) -> Draft:
        self.book.log.append(record)
        self.book.refresh()
        found = self.book.draft(record.request["draft_id"] if "draft_id" in record.request else record.id)
        assert found is not None and found.key == key
        return found

    def _settled(self, draft: Draft) -> Draft:
        if draft.status == VOID:  # another publication of the table reached the log first
            raise DraftStateConflict(f"draft {draft.id} is void: {draft.note}")
        return draft


def _expect(draft: Draft, status: str, step: str) -> None:
    if draft.status != status:
        raise DraftStateConflict(f"draft {draft.id} is {draft.status}; only a {status.replace('_', ' ')} is {step}")
