"""What the decision log keeps of a re-allocation run: the input as received, the run as answered, and, for an
asynchronous run, the acceptance that lets every worker answer "running" until the run's own record lands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from decision_service.orders.log import DecisionRecord

RUN = "reallocation_run"
ACCEPTED = "reallocation_accepted"
FAILED = "reallocation_failed"
DOMAIN = ("domain", "reallocation")


def accepted_id(run_id: str) -> str:
    """The id of the record that an asynchronous run was accepted."""
    return f"{run_id}.accepted"


def run_record(run_id: str, body: str, answer: Any, *, input_hash: str, rules_versions: dict[str, str],
               versions: dict[str, str], actor: str, at: datetime) -> DecisionRecord:  # fmt: skip
    """The record of a finished run."""
    return DecisionRecord(run_id, RUN, at, actor, body, answer, input_hash, dict(rules_versions), dict(versions),
                          (DOMAIN,))  # fmt: skip


def accepted_record(run_id: str, body: str, *, actor: str, at: datetime, versions: dict[str, str]) -> DecisionRecord:
    """The record that a run was accepted to run in the background (its input as received)."""
    answer = {"run_id": run_id, "state": "running"}
    return DecisionRecord(accepted_id(run_id), ACCEPTED, at, actor, body, answer, "", {}, dict(versions), (DOMAIN,))


def failed_id(run_id: str) -> str:
    """The id of the record that an asynchronous run failed."""
    return f"{run_id}.failed"


def failed_record(run_id: str, reason: str, *, actor: str, at: datetime, versions: dict[str, str]) -> DecisionRecord:
    """The record that an accepted run could not be decided or applied, and why."""
    answer = {"run_id": run_id, "state": "failed", "error": reason}
    return DecisionRecord(failed_id(run_id), FAILED, at, actor, {"run_id": run_id}, answer, "", {}, dict(versions),
                          (DOMAIN,))  # fmt: skip
