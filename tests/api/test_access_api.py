"""Who may do what, as a client sees it: 401 without a valid key, 403 for a role that may not, 200 for each role
on what it may do, the open endpoints, and the key's name recorded as who asked."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from decision_service.orders.keys import StoredKey
from decision_service.orders.log import StoreUnavailable
from decision_service.orders.ports import FixedClock
from decision_service.storage.memory import InMemoryDecisionLog, InMemoryKeyStore
from decision_service.web import create_app
from decision_service.web.access import KEYS_KEY
from tests.api.fakes import TODAY, keyed_client, memory_config, new_key
from tests.api.test_rules_api import GOLD_OVERDUE

ALLOCATE = "/v1/allocations"
PROBLEM = "application/problem+json"


@pytest.fixture
def app() -> Flask:
    return create_app(memory_config(), clock=FixedClock(TODAY), log=InMemoryDecisionLog())


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _refused(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.data[:300]
    assert response.mimetype == PROBLEM
    body: dict[str, Any] = response.get_json()
    assert body["status"] == status
    return body


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwdw==", "Bearer ds_nothex_secret", "Token ds_0123456789ab_x"],
)
def test_no_key_or_a_malformed_header_is_401_with_a_bearer_challenge(
    app: Flask, spec_request: dict[str, Any], authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = app.test_client().post(ALLOCATE, json=spec_request, headers=headers)
    body = _refused(response, 401)
    assert body["type"].endswith(":unauthenticated") and response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_key_a_wrong_secret_and_a_revoked_key_are_401(app: Flask, spec_request: dict[str, Any]) -> None:
    key = new_key(app, "order_entry", name="erp")
    client = app.test_client()
    assert client.post(ALLOCATE, json=spec_request, headers=_bearer(key)).status_code == 200
    wrong = key[:-1] + ("x" if key[-1] != "x" else "y")
    _refused(client.post(ALLOCATE, json=spec_request, headers=_bearer(wrong)), 401)
    _refused(client.post(ALLOCATE, json=spec_request, headers=_bearer("ds_0123456789ab_" + "s" * 43)), 401)
    app.extensions[KEYS_KEY].store.revoke("erp", datetime.now(UTC))
    _refused(client.post(ALLOCATE, json=spec_request, headers=_bearer(key)), 401)  # the very next request


def test_a_role_that_may_not_is_403_naming_what_it_needs(app: Flask, spec_request: dict[str, Any]) -> None:
    body = _refused(keyed_client(app, "auditor").post(ALLOCATE, json=spec_request), 403)
    assert "order_entry" in body["detail"] and body["type"].endswith(":forbidden")
    _refused(keyed_client(app, "order_entry").get("/v1/audit/verify"), 403)
    _refused(keyed_client(app, "planner").get("/v1/audit/digest"), 403)
    _refused(keyed_client(app, "policy_owner:credit").post("/v1/rules/tables/pricing/evaluate", json={}), 403)
    _refused(keyed_client(app, "order_entry").get("/v1/decisions"), 403)


def test_each_role_may_do_what_it_is_for(app: Flask, spec_request: dict[str, Any]) -> None:
    decided = keyed_client(app, "order_entry").post(ALLOCATE, json=spec_request)
    assert decided.status_code == 200
    decision = decided.get_json()["decision_id"]
    planner, auditor = keyed_client(app, "planner"), keyed_client(app, "auditor")
    for client in (planner, auditor):
        assert client.get(f"/v1/decisions/{decision}").status_code == 200
        assert client.get("/v1/decisions?customer=C-17").status_code == 200
    for url in ("/v1/audit/verify", "/v1/audit/digest", "/v1/rules/tables", "/v1/rules/tables/credit"):
        assert auditor.get(url).status_code == 200, url
    assert auditor.post(f"/v1/decisions/{decision}/replay").status_code == 200
    owner = keyed_client(app, "policy_owner:credit")
    assert owner.post("/v1/rules/tables/credit/evaluate", json={"inputs": GOLD_OVERDUE}).status_code == 200
    draft = owner.get("/v1/rules/tables/credit").get_json()["versions"][-1]["content"]
    assert owner.post("/v1/rules/tables/credit/validate", json=draft).status_code == 200
    admin = keyed_client(app)
    assert admin.post(ALLOCATE, json=spec_request).status_code == 200
    assert admin.get("/v1/audit/verify").get_json()["ok"] is True


@pytest.mark.parametrize("url", ["/healthz", "/openapi.json", "/docs", "/docs/assets/swagger-ui.css"])
def test_health_and_the_documentation_stay_open(app: Flask, url: str) -> None:
    with app.test_client().get(url) as response:  # a streamed file: close it
        assert response.status_code == 200


def test_the_decision_log_records_the_keys_name_as_who_asked(app: Flask, spec_request: dict[str, Any]) -> None:
    decision = keyed_client(app, "order_entry", name="erp-east").post(ALLOCATE, json=spec_request).get_json()
    entry = keyed_client(app, "auditor").get(f"/v1/decisions/{decision['decision_id']}").get_json()
    assert entry["audit"]["actor"] == "erp-east"


def test_the_document_states_the_scheme_roles_401_and_403_on_every_protected_operation(app: Flask) -> None:
    client: FlaskClient = app.test_client()
    document = client.get("/openapi.json").get_json()
    assert document["components"]["securitySchemes"]["apiKey"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "ds_<id>_<secret>"
    }  # fmt: skip
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            if path == "/healthz":
                assert "security" not in operation and "401" not in operation["responses"]
                continue
            assert operation["security"] == [{"apiKey": []}], (path, method)
            assert {"401", "403"} <= set(operation["responses"]), (path, method)
            assert operation["x-roles"][0] == "admin" and "Roles:" in operation["description"]
    assert document["paths"]["/v1/allocations"]["post"]["x-roles"] == ["admin", "order_entry"]


class DownKeys(InMemoryKeyStore):
    def get(self, key_id: str) -> StoredKey | None:
        raise StoreUnavailable("the key store could not read a key")


def test_a_key_store_that_cannot_be_read_is_503_never_a_pass(spec_request: dict[str, Any]) -> None:
    app = create_app(memory_config(), clock=FixedClock(TODAY), keys=DownKeys())
    response = app.test_client().post(ALLOCATE, json=spec_request, headers=_bearer("ds_0123456789ab_" + "s" * 43))
    assert _refused(response, 503)["type"].endswith(":store-unavailable") and response.headers["Retry-After"]
