"""A draft's backtest: recorded decisions decided again with the draft in place of its table, outcomes compared.

Each decision is re-decided under the rule versions it recorded, but with the draft (dated to the decision's
as-of day) for the drafted table, so the only difference is the draft. Outcomes are compared as a policy owner
reads them: credit held or released, each priced line's decision and whether it was allocated, and each
exception's severity. Nothing is recorded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from decision_service.orders.log import DecisionFilter, DecisionLog, DecisionRecord, cursor_after
from decision_service.orders.record import KIND as ALLOCATION

MAX_DECISIONS = 1000
LISTED = 200  # changed decisions listed in full; the counts cover all


@dataclass(frozen=True, slots=True)
class Selection:
    """Which recorded decisions to replay: the last `last`, or those recorded in [since, until)."""

    last: int | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Change:
    subject: str  # "credit", "pricing line 3", "exception backorder lines 1,2"
    recorded: str | None  # None: the outcome did not exist
    draft: str | None


@dataclass(frozen=True, slots=True)
class DecisionChanges:
    decision_id: str
    order_id: str
    changes: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class Backtest:
    decisions: int  # replayed
    changed: int  # decisions with at least one changed outcome
    skipped: dict[str, str]  # decision id -> why it could not be replayed
    counts: dict[str, int]  # e.g. "credit: held -> released": 3
    listed: tuple[DecisionChanges, ...]  # the first LISTED changed decisions


Redecide = Callable[[DecisionRecord], dict[str, Any]]  # the record's request decided with the draft, as JSON


def selected(log: DecisionLog, choice: Selection) -> list[DecisionRecord]:
    """The allocation records `choice` names, oldest first, at most MAX_DECISIONS."""
    if choice.last is None:
        found = _allocations(log, DecisionFilter(since=choice.since, until=choice.until), 0)
        return [r for _, r in zip(range(MAX_DECISIONS), found, strict=False)]
    wanted, total = min(choice.last, MAX_DECISIONS), log.head().records
    window = wanted
    while True:  # records are numbered 1..total, so the last ones are a cursor away
        start = max(0, total - window)
        records = list(_allocations(log, DecisionFilter(), start))
        if len(records) >= wanted or start == 0:
            return records[-wanted:]
        window *= 2


def _allocations(log: DecisionLog, question: DecisionFilter, after: int) -> Iterator[DecisionRecord]:
    cursor: str | None = cursor_after(after)
    while cursor is not None:
        page = log.find(question, cursor, 200)
        yield from (s.record for s in page.records if s.record.kind == ALLOCATION)
        cursor = page.next_cursor


def backtest(records: list[DecisionRecord], redecide: Redecide) -> Backtest:
    """Decide every record again with the draft and count what changes."""
    counts: Counter[str] = Counter()
    listed: list[DecisionChanges] = []
    skipped: dict[str, str] = {}
    changed = 0
    for record in records:
        try:
            answer = redecide(record)
        except Exception as exc:  # one decision that cannot be replayed must not hide the rest  # noqa: BLE001
            skipped[record.id] = f"{type(exc).__name__}: {exc}"
            continue
        changes = compare_outcomes(record.response, answer)
        if changes:
            changed += 1
            counts.update(f"{_family(c.subject)}: {c.recorded} -> {c.draft}" for c in changes)
            if len(listed) < LISTED:
                listed.append(DecisionChanges(record.id, record.response["order_id"], changes))
    return Backtest(len(records) - len(skipped), changed, skipped, dict(sorted(counts.items())), tuple(listed))


def outcomes(answer: dict[str, Any]) -> dict[str, str]:
    """What a policy owner reads off an answer (the API's JSON): subject -> outcome."""
    found = {"credit": ("held" if answer["held"] else "released") + f" ({answer['credit']['action']})"}
    for p in answer["pricing"]:
        found[f"pricing line {p['line']}"] = p["decision"] + ("" if p["allocated"] else " (not allocated)")
    for e in answer["exceptions"]:
        found[f"exception {e['type']} lines {','.join(map(str, e['lines']))}"] = e["severity"]
    return found


def compare_outcomes(recorded: dict[str, Any], draft: dict[str, Any]) -> tuple[Change, ...]:
    """The outcomes that differ between the recorded answer and the answer under the draft."""
    before, after = outcomes(recorded), outcomes(draft)
    subjects = sorted(set(before) | set(after))
    return tuple(Change(s, before.get(s), after.get(s)) for s in subjects if before.get(s) != after.get(s))


def _family(subject: str) -> str:
    words = subject.split(" ")
    return " ".join(words[:2]) if words[0] == "exception" else words[0]
