"""The log records of a table's life: seed, draft, publication, approval, rejection.

Each record carries the facets `domain=rules` (so every worker finds the rule records with one indexed query)
and `table=<key>`; `rules_versions` names the version the record is about, and `input_hash` its content hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from decision_service.orders.log import DecisionRecord

SEED = "rule_seed"
DRAFT = "rule_draft"
PUBLICATION = "rule_publication"
APPROVAL = "rule_approval"
REJECTION = "rule_rejection"
KINDS = (SEED, DRAFT, PUBLICATION, APPROVAL, REJECTION)
DOMAIN = ("domain", "rules")


@dataclass(frozen=True, slots=True)
class Stamp:
    """Who changes a table, when, under which software."""

    actor: str
    at: datetime
    software: dict[str, str]


def rule_record(
    kind: str, record_id: str, key: str, stamp: Stamp, request: Any, response: Any, version: str
) -> DecisionRecord:
    """One rule record about `version` of table `key`."""
    return DecisionRecord(
        id=record_id,
        kind=kind,
        recorded_at=stamp.at,
        actor=stamp.actor,
        request=request,
        response=response,
        input_hash=version,
        rules_versions={key: version},
        versions=dict(stamp.software),
        facets=(DOMAIN, ("table", key)),
    )


def seed_id(key: str, version: str) -> str:
    """A seed's id is fixed by its version, so workers seeding at once append it once (the log refuses a twin)."""
    return f"rule-seed-{key}-{version[:24]}"


def table_with_period(table: dict[str, Any], effective_from: date, effective_to: date | None) -> dict[str, Any]:
    """A table's content (as drafted) dated for publication."""
    return {**table, "effective_from": effective_from.isoformat(),
            "effective_to": None if effective_to is None else effective_to.isoformat()}  # fmt: skip
