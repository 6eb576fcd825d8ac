"""Rules behind a governed API: drafts validated, backtested, published with an effective date and a comment by
the table's owner, optionally approved by a second person, every step a record of the chained log, and every
worker deciding with the new version from its next request."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from decision_service.orders.ports import FixedClock
from decision_service.storage.memory import InMemoryDecisionLog
from decision_service.web import create_app
from tests.api.fakes import TODAY, ValidatingDecide, keyed_client, memory_config
from tests.api.test_order_policy_api import every_exception_request

TABLE = "/v1/rules/tables/credit"


def _worker(log: InMemoryDecisionLog, **settings: Any) -> Flask:
    """One worker of a service whose workers share `log` (as gunicorn's share the database)."""
    return create_app(memory_config(**settings), clock=FixedClock(TODAY), decide=ValidatingDecide(), log=log)


@pytest.fixture
def log() -> InMemoryDecisionLog:
    return InMemoryDecisionLog()


@pytest.fixture
def worker(log: InMemoryDecisionLog) -> Flask:
    return _worker(log)


def _lenient_credit(client: FlaskClient) -> dict[str, Any]:
    """The credit table in force, with CR-03 (far over the limit, not strategic) sending to review, not holding."""
    content = copy.deepcopy(client.get(TABLE).get_json()["versions"][-1]["content"])
    for k in ("key", "effective_from", "effective_to"):
        content.pop(k)
    rule = next(r for r in content["rules"] if r["id"] == "CR-03")
    rule["then"]["action"] = "review"
    case = next(c for c in content["tests"] if c["id"] == "far-over-limit-gold")
    case["expect"]["action"] = "review"
    return content


def _drafted(client: FlaskClient) -> dict[str, Any]:
    response = client.post(f"{TABLE}/drafts", json={"table": _lenient_credit(client), "comment": "CR-03 to review"})
    assert response.status_code == 201, response.data[:400]
    draft: dict[str, Any] = response.get_json()
    return draft


def _publish(client: FlaskClient, draft_id: str, **body: Any) -> Any:
    payload = {"effective_from": TODAY.isoformat(), "comment": "credit policy 3.2 rev. Dec", **body}
    return client.post(f"{TABLE}/drafts/{draft_id}/publish", json=payload)


def test_a_published_draft_decides_in_every_worker_from_its_next_request(log: InMemoryDecisionLog) -> None:
    first, second = _worker(log), _worker(log)
    owner = keyed_client(first, "policy_owner:credit", name="finance-lead")
    order_entry = keyed_client(second, "order_entry", "auditor")
    before = order_entry.post("/v1/allocations", json=every_exception_request()).get_json()
    assert before["held"] is True and before["credit"]["explanation"]["rule"] == "CR-03"
    draft = _drafted(owner)
    assert draft["status"] == "draft" and draft["author"] == "finance-lead"
    published = _publish(owner, draft["id"])
    assert published.status_code == 200 and published.get_json()["status"] == "in_force"
    version = published.get_json()["publication"]["version"]
    after = order_entry.post("/v1/allocations", json=every_exception_request()).get_json()
    assert after["held"] is False and after["credit"]["action"] == "review"
    assert after["rules_versions"]["credit"] == version != before["rules_versions"]["credit"]
    # the decision made before still replays under the version it recorded
    assert order_entry.post(f"/v1/decisions/{before['decision_id']}/replay").get_json()["identical"] is True
    kinds = [s.record.kind for s in log.walk()]
    assert kinds.count("rule_draft") == 1 and kinds.count("rule_publication") == 1
    assert order_entry.get("/v1/audit/verify").get_json()["ok"] is True
    found = order_entry.get("/v1/decisions?table=credit&domain=rules").get_json()["decisions"]
    assert [d["audit"]["kind"] for d in found][-2:] == ["rule_draft", "rule_publication"]


def test_shipped_tables_are_seeded_once_whatever_the_number_of_workers(log: InMemoryDecisionLog) -> None:
    _worker(log)
    seeded = log.head().records
    _worker(log)
    assert log.head().records == seeded >= 4
    assert {s.record.kind for s in log.walk()} == {"rule_seed"} and {s.record.actor for s in log.walk()} == {"seed"}


def test_four_eyes_needs_another_person(log: InMemoryDecisionLog) -> None:
    worker = _worker(log, RULES_FOUR_EYES=True)
    publisher = keyed_client(worker, "policy_owner:credit", name="alice")
    approver = keyed_client(worker, "policy_owner:credit", name="bob")
    order_entry = keyed_client(worker, "order_entry")
    draft = _drafted(publisher)
    pending = _publish(publisher, draft["id"]).get_json()
    assert pending["status"] == "pending_approval" and pending["publication"]["approval_required"] is True
    assert order_entry.post("/v1/allocations", json=every_exception_request()).get_json()["held"] is True
    own = publisher.post(f"{TABLE}/drafts/{draft['id']}/approve", json={"comment": "looks right"})
    assert own.status_code == 403 and own.mimetype == "application/problem+json"
    approved = approver.post(f"{TABLE}/drafts/{draft['id']}/approve", json={"comment": "checked the backtest"})
    assert approved.status_code == 200 and approved.get_json()["status"] == "in_force"
    assert approved.get_json()["publication"]["decided_by"] == "bob"
    assert order_entry.post("/v1/allocations", json=every_exception_request()).get_json()["held"] is False
    again = approver.post(f"{TABLE}/drafts/{draft['id']}/approve", json={})
    assert again.status_code == 409


def test_a_rejected_draft_never_takes_effect(worker: Flask) -> None:
    owner = keyed_client(worker, "policy_owner:credit")
    draft = _drafted(owner)
    rejected = owner.post(f"{TABLE}/drafts/{draft['id']}/reject", json={"comment": "not this quarter"})
    assert rejected.get_json()["status"] == "rejected"
    assert _publish(owner, draft["id"]).status_code == 409
    assert [d["status"] for d in owner.get(f"{TABLE}/drafts").get_json()["drafts"]] == ["rejected"]


def test_backtest_counts_what_the_draft_would_change(worker: Flask) -> None:
    owner = keyed_client(worker, "policy_owner:credit")
    order_entry = keyed_client(worker, "order_entry")
    released = every_exception_request()
    released["network"]["customers"][0]["credit_limit"] = None
    ids = [order_entry.post("/v1/allocations", json=b).get_json()["decision_id"]
           for b in (every_exception_request(), released, every_exception_request())]  # fmt: skip
    seeded_and_decided = worker.extensions["decision_log"].head().records
    draft = _drafted(owner)
    report = owner.post(f"{TABLE}/drafts/{draft['id']}/backtest", json={"last": 10}).get_json()
    assert report["decisions"] == 3 and report["changed"] == 2 and report["skipped"] == {}
    assert report["counts"]["credit: held (hold) -> released (review)"] == 2
    assert [d["decision_id"] for d in report["listed"]] == [ids[0], ids[2]]
    assert report["listed"][0]["changes"] == [
        {"subject": "credit", "recorded": "held (hold)", "draft": "released (review)"},
        {"subject": "exception credit_hold lines 1,2,3,4,5,6,8", "recorded": "medium", "draft": None},
    ]
    assert worker.extensions["decision_log"].head().records == seeded_and_decided + 1  # a backtest records nothing
    period = {"from": "2020-01-01T00:00:00Z", "to": "2099-01-01T00:00:00Z"}
    assert owner.post(f"{TABLE}/drafts/{draft['id']}/backtest", json=period).get_json()["decisions"] == 3


def test_refusals_name_the_field_and_change_nothing(worker: Flask) -> None:
    owner = keyed_client(worker, "policy_owner:credit")
    count = worker.extensions["decision_log"].head().records
    broken = _lenient_credit(owner)
    broken["rules"][0]["when"] = {"days_overdue": "> sixty"}
    invalid = owner.post(f"{TABLE}/drafts", json={"table": broken})
    assert invalid.status_code == 422 and invalid.get_json()["findings"]
    assert worker.extensions["decision_log"].head().records == count
    draft = _drafted(owner)
    past = _publish(owner, draft["id"], effective_from=(TODAY - timedelta(days=1)).isoformat())
    assert past.status_code == 422 and past.get_json()["errors"][0]["field"] == "effective_from"
    no_comment = owner.post(f"{TABLE}/drafts/{draft['id']}/publish", json={"effective_from": TODAY.isoformat()})
    assert no_comment.status_code == 422 and "comment" in no_comment.get_data(as_text=True)
    assert owner.get(f"{TABLE}/drafts/draft-nope").status_code == 404
    assert owner.get("/v1/rules/tables/nope/drafts").status_code in (403, 404)
    assert worker.extensions["decision_log"].head().records == count + 1


def test_a_period_inside_the_history_is_a_conflict(worker: Flask) -> None:
    owner = keyed_client(worker, "policy_owner:credit")
    first, second = _drafted(owner), _drafted(owner)
    later = (TODAY + timedelta(days=30)).isoformat()
    assert _publish(owner, first["id"], effective_from=later).get_json()["status"] == "in_force"
    clash = _publish(owner, second["id"])  # would start before the version just published
    assert clash.status_code == 409 and clash.mimetype == "application/problem+json"


def test_only_the_tables_owner_governs_it(worker: Flask) -> None:
    pricing_owner = keyed_client(worker, "policy_owner:pricing")
    auditor = keyed_client(worker, "auditor")
    credit_owner = keyed_client(worker, "policy_owner:credit")
    body = {"table": _lenient_credit(credit_owner)}
    assert pricing_owner.post(f"{TABLE}/drafts", json=body).status_code == 403
    assert auditor.post(f"{TABLE}/drafts", json=body).status_code == 403
    draft = _drafted(credit_owner)
    assert auditor.get(f"{TABLE}/drafts/{draft['id']}").status_code == 200
    assert _publish(auditor, draft["id"]).status_code == 403
    assert auditor.post(f"/v1/decisions/{draft['id']}/replay").status_code == 409  # a rule record, not a decision
