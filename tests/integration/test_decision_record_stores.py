"""The decision record end to end on real databases: the app records into SQLite and PostgreSQL as into the fake."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from decision_service.orders.ports import FixedClock
from decision_service.storage.sql import SqlDecisionLog
from decision_service.storage.sql.keys import SqlKeyStore
from decision_service.web import Config, create_app
from tests.api.fakes import TODAY, keyed_client
from tests.api.test_order_policy_api import every_exception_request
from tests.integration.storage.stores import migrated


@pytest.fixture(params=["sqlite", "postgresql"])
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FlaskClient]:
    with migrated(request.param, tmp_path) as (url, engine):
        app = create_app(
            Config(DATABASE_URL=url), clock=FixedClock(TODAY), log=SqlDecisionLog(engine), keys=SqlKeyStore(engine)
        )
        yield keyed_client(app)


def _decide(client: FlaskClient, body: dict[str, Any]) -> str:
    response = client.post("/v1/allocations", json=body)
    assert response.status_code == 200, response.data[:300]
    decision_id: str = response.get_json()["decision_id"]
    return decision_id


def test_decisions_are_recorded_searched_replayed_and_verified(client: FlaskClient) -> None:
    held = every_exception_request()
    released = every_exception_request()
    released["network"]["customers"][0]["credit_limit"] = None
    seeded = client.get("/v1/audit/digest").get_json()["records"]  # the shipped rule versions
    ids = [_decide(client, body) for body in (held, released, held)]
    entry = client.get(f"/v1/decisions/{ids[1]}").get_json()
    assert entry["decision"]["held"] is False and entry["audit"]["seq"] == seeded + 2
    found = client.get("/v1/decisions?rule=CR-03&exception=credit_hold&limit=1").get_json()
    assert [d["id"] for d in found["decisions"]] == [ids[0]] and found["next_cursor"]
    rest = client.get(f"/v1/decisions?rule=CR-03&exception=credit_hold&cursor={found['next_cursor']}").get_json()
    assert [d["id"] for d in rest["decisions"]] == [ids[2]]
    assert client.post(f"/v1/decisions/{ids[0]}/replay").get_json()["identical"] is True
    assert client.get("/v1/audit/verify").get_json()["ok"] is True
    assert client.get("/v1/audit/digest").get_json()["records"] == seeded + 3


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_a_version_published_through_one_worker_decides_in_another(store: str, tmp_path: Path) -> None:
    from tests.api.test_rule_governance_api import TABLE, _drafted, _publish

    with migrated(store, tmp_path) as (url, engine):

        def worker() -> FlaskClient:
            log, keys = SqlDecisionLog(engine), SqlKeyStore(engine)
            return keyed_client(create_app(Config(DATABASE_URL=url), clock=FixedClock(TODAY), log=log, keys=keys))

        publisher, deciding = worker(), worker()
        assert _drafted(publisher)["status"] == "draft"
        draft = publisher.get(f"{TABLE}/drafts").get_json()["drafts"][0]
        assert _publish(publisher, draft["id"]).get_json()["status"] == "in_force"
        answer = deciding.post("/v1/allocations", json=every_exception_request()).get_json()
        assert answer["held"] is False and answer["credit"]["action"] == "review"
        assert deciding.get("/v1/audit/verify").get_json()["ok"] is True


def test_the_engines_decision_reads_back_exactly_as_answered(client: FlaskClient) -> None:
    for detail in ("summary", "none", "full"):
        answer = client.post("/v1/allocations", json={**every_exception_request(), "explain": detail}).get_json()
        assert client.get(f"/v1/decisions/{answer['decision_id']}").get_json()["decision"] == answer
