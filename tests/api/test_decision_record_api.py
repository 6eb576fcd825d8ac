"""The decision record over HTTP: every answered decision is in the log first; read, search, replay, verify."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from decision_service.orders.log import DecisionRecord, Sealed, StoreUnavailable
from decision_service.orders.ports import FixedClock
from decision_service.storage.memory import InMemoryDecisionLog
from decision_service.web import create_app
from tests.api.fakes import TODAY, keyed_client, memory_config
from tests.api.test_order_policy_api import every_exception_request

URL = "/v1/allocations"


@pytest.fixture
def log() -> InMemoryDecisionLog:
    return InMemoryDecisionLog()


@pytest.fixture
def app(log: InMemoryDecisionLog) -> Flask:
    return create_app(memory_config(), clock=FixedClock(TODAY), log=log)


def _decide(client: FlaskClient, body: Any) -> dict[str, Any]:
    response = client.post(URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.data[:500]
    answer: dict[str, Any] = response.get_json()
    return answer


def test_every_answer_is_recorded_first_with_the_request_as_received(
    app: Flask, log: InMemoryDecisionLog, spec_request: dict[str, Any]
) -> None:
    client = keyed_client(app, "order_entry", "planner", name="erp-west")
    seeded = log.head().records  # the shipped rule table versions, recorded when the app started
    raw = json.dumps(spec_request, indent=2)
    answer = client.post(URL, data=raw, content_type="application/json").get_json()
    entry = client.get(f"/v1/decisions/{answer['decision_id']}").get_json()
    assert entry["request"] == raw  # byte for byte
    assert (
        entry["decision"]["input_hash"] == answer["input_hash"]
        and entry["decision"]["lines"][0]["fills"] == (answer["lines"][0]["fills"])
    )
    assert entry["decision"] == answer  # exactly as answered, in the detail the request asked for (summary)
    assert entry["decision"]["lines"][0]["explanation"]["summarised"] is True
    full = client.get(f"/v1/decisions/{answer['decision_id']}?detail=full").get_json()["decision"]
    assert full["lines"][0]["explanation"]["summarised"] is False  # the record keeps it all
    audit = entry["audit"]
    assert (
        audit["seq"] == seeded + 1
        and audit["actor"] == "erp-west"
        and audit["rules_versions"] == answer["rules_versions"]
    )
    assert audit["versions"] == answer["versions"] and audit["hash"].startswith("sha256:")


def test_an_auditors_questions_are_answered_by_facet_with_paging(app: Flask) -> None:
    client = keyed_client(app)
    held = every_exception_request()
    released = every_exception_request()
    released["network"]["customers"][0]["credit_limit"] = None
    ids = [_decide(client, body)["decision_id"] for body in (held, released, held)]
    page = client.get("/v1/decisions?held=true&limit=1").get_json()
    assert [d["id"] for d in page["decisions"]] == [ids[0]] and page["next_cursor"]
    rest = client.get(f"/v1/decisions?held=true&cursor={page['next_cursor']}").get_json()
    assert [d["id"] for d in rest["decisions"]] == [ids[2]] and rest["next_cursor"] is None
    by_rule = client.get("/v1/decisions?rule=CR-03").get_json()["decisions"]
    assert [d["id"] for d in by_rule] == [ids[0], ids[2]]
    for query in ("reason=PRICE_REJECTED", "exception=credit_hold&severity=high", "customer=C-1", "item=C2"):
        assert client.get(f"/v1/decisions?{query}").get_json()["decisions"], query
    assert client.get("/v1/decisions?order_id=SO-404").get_json()["decisions"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=1000", "limit"), ("limit=0", "limit"), ("held=maybe", "held"), ("from=yesterday", "from"),
     ("reason=LUCK", "reason"), ("severity=dire", "severity"), ("custmer=C-1", "custmer")],
)  # fmt: skip
def test_a_malformed_filter_is_422_naming_the_parameter(client: FlaskClient, query: str, field: str) -> None:
    response = client.get(f"/v1/decisions?{query}")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert [e["field"] for e in response.get_json()["errors"]] == [field]


def test_an_unknown_decision_is_404(client: FlaskClient) -> None:
    for response in (client.get("/v1/decisions/nope"), client.post("/v1/decisions/nope/replay")):
        assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_a_replay_of_a_proven_decision_is_identical(app: Flask, spec_request: dict[str, Any]) -> None:
    client = keyed_client(app)
    del spec_request["as_of"]  # decided on the day the service's clock said: the replay uses that day
    answer = _decide(client, spec_request)
    replay = client.post(f"/v1/decisions/{answer['decision_id']}/replay").get_json()
    assert replay["identical"] is True and replay["recorded_proven"] is True and replay["same_software"] is True
    assert [lv["identical"] for lv in replay["levels"]] == [True] * 4 and all(ln["identical"] for ln in replay["lines"])


def test_a_replay_names_the_differences(app: Flask, log: InMemoryDecisionLog, spec_request: dict[str, Any]) -> None:
    client = keyed_client(app)
    answer = _decide(client, spec_request)
    sealed = log.get(answer["decision_id"])
    assert sealed is not None
    forged = json.loads(json.dumps(sealed.record.response))
    forged["lines"][0]["fills"][0]["qty"] -= 1
    forged["objective"]["units"] -= 1
    other = InMemoryDecisionLog()
    other.append(_with_response(sealed, forged))
    replay = keyed_client(create_app(memory_config(), clock=FixedClock(TODAY), log=other))
    result = replay.post(f"/v1/decisions/{answer['decision_id']}/replay").get_json()
    assert result["identical"] is False and "error" in result["note"]
    assert [lv["name"] for lv in result["levels"] if not lv["identical"]] == ["units"]
    (line,) = result["lines"]
    assert not line["identical"] and line["recorded_fills"] != line["replayed_fills"]


def _with_response(sealed: Sealed, response: Any) -> DecisionRecord:
    r = sealed.record
    return DecisionRecord(r.id, r.kind, r.recorded_at, r.actor, r.request, response, r.input_hash,
                          r.rules_versions, r.versions, r.facets)  # fmt: skip


def test_verify_and_digest_over_http(app: Flask, spec_request: dict[str, Any]) -> None:
    client = keyed_client(app)
    seeded = client.get("/v1/audit/verify").get_json()
    assert seeded == {"ok": True, "records": seeded["records"], "first_broken": None, "reason": None}
    assert seeded["records"] >= 4  # every shipped version of every rule table is on the record from the start
    for _ in range(3):
        _decide(client, spec_request)
    digest = client.get("/v1/audit/digest").get_json()
    assert digest["records"] == seeded["records"] + 3 and digest["head"].startswith("sha256:")
    assert client.get("/v1/audit/verify").get_json()["ok"] is True


class DownLog(InMemoryDecisionLog):
    def append(self, record: DecisionRecord) -> Sealed:
        raise StoreUnavailable("connection refused")


def test_a_decision_that_cannot_be_recorded_is_not_answered(spec_request: dict[str, Any]) -> None:
    client = keyed_client(create_app(memory_config(), clock=FixedClock(TODAY), log=DownLog()))
    response = client.post(URL, json=spec_request)
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] and b"fills" not in response.data


@pytest.mark.parametrize("detail", ["full", "summary", "none"])
def test_a_decision_reads_back_exactly_as_it_was_answered(
    app: Flask, spec_request: dict[str, Any], detail: str
) -> None:
    client = keyed_client(app)
    answer = client.post(URL, json={**spec_request, "explain": detail}).get_json()
    entry = client.get(f"/v1/decisions/{answer['decision_id']}").get_json()
    assert entry["decision"] == answer
    assert client.get(f"/v1/decisions/{answer['decision_id']}?detail=everything").status_code == 422
