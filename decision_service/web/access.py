"""Who may do what: one table of endpoint -> roles, and the check every request passes before its view.

A request carries `Authorization: Bearer ds_<id>_<secret>`; the key's row is read on every request (revoked keys
stop at once, in every worker) and its slow hash checked once per worker (`orders.keyhash.Authenticator`).
No key, or one the service does not accept: 401 with `WWW-Authenticate: Bearer`. A key whose roles may not: 403.
An endpoint neither open nor in `POLICY` is for admin only, so a new endpoint is closed until it is listed.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, request

from decision_service.orders.keyhash import Authenticator
from decision_service.orders.keys import (
    AUDITOR,
    INTEGRATION,
    ORDER_ENTRY,
    PLANNER,
    KeyStore,
    StoredKey,
    allowed,
    policy_owner,
)
from decision_service.web.errors import Forbidden, Unauthenticated

KEYS_KEY = "api_keys"
OPEN = frozenset({"health.healthz", "api-docs.openapi_json", "api-docs.openapi_swagger_ui", "docs_assets.asset"})
TABLE = policy_owner("{key}")  # the owner of the table the path names
# endpoint -> the roles that may call it (admin may call everything)
POLICY: dict[str, tuple[str, ...]] = {
    "allocations.post_allocation": (ORDER_ENTRY,),
    "decisions.get_decision": (PLANNER, AUDITOR),
    "decisions.find_decisions": (PLANNER, AUDITOR),
    "decisions.replay_decision": (AUDITOR,),
    "audit.verify_chain": (AUDITOR,),
    "audit.digest": (AUDITOR,),
    "rules.list_tables": (AUDITOR,),
    "rules.get_table": (AUDITOR, TABLE),
    "rules.validate_table": (TABLE,),
    "rules.evaluate_table": (TABLE,),
    "reallocations.post_reallocation": (PLANNER,),
    "reallocations.get_reallocation": (PLANNER, AUDITOR),
    "scenario_batches.post_batch": (PLANNER,),
    "scenario_batches.get_batch": (PLANNER,),
    "scenario_batches.get_batch_report": (PLANNER,),
    "rule_drafts.create_draft": (TABLE,),
    "rule_drafts.list_drafts": (AUDITOR, TABLE),
    "rule_drafts.get_draft": (AUDITOR, TABLE),
    "rule_drafts.backtest_draft": (AUDITOR, TABLE),
    "rule_drafts.publish_draft": (TABLE,),
    "rule_drafts.approve_draft": (TABLE,),  # by another person than the publisher (governance.service)
    "rule_drafts.reject_draft": (TABLE,),
    "networks.load_network": (INTEGRATION,),
    "networks.post_events": (INTEGRATION,),
    "networks.get_availability": (ORDER_ENTRY, PLANNER, AUDITOR),
    "reservations.confirm_reservation": (ORDER_ENTRY,),
    "reservations.release_reservation": (ORDER_ENTRY,),
}


def required_roles(endpoint: str, view_args: dict[str, Any] | None = None) -> tuple[str, ...]:
    """The roles that may call `endpoint` with these path arguments; () means admin only."""
    return tuple(role.format(**(view_args or {})) for role in POLICY.get(endpoint, ()))


def install(app: Flask, store: KeyStore) -> None:
    """Check every request of `app` against `store` and `POLICY` before its view runs."""
    app.extensions[KEYS_KEY] = Authenticator(store)
    app.before_request(_check)


def current_key() -> StoredKey:
    """The key the current request was authenticated with."""
    key: StoredKey = g.api_key
    return key


def _check() -> None:
    if request.url_rule is None or request.method == "OPTIONS" or request.endpoint in OPEN:
        return  # routing errors answer as they are; the open endpoints need no key
    g.api_key = key = _authenticated()
    endpoint = request.endpoint or ""
    required = required_roles(endpoint, request.view_args)
    if not allowed(key.roles, required):
        needed = " or ".join(("admin", *required))
        raise Forbidden(f"The key {key.name!r} ({', '.join(key.roles)}) may not call this endpoint: it needs {needed}.")


def _authenticated() -> StoredKey:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Send an API key as `Authorization: Bearer <key>`.")
    authenticator: Authenticator = current_app.extensions[KEYS_KEY]
    key = authenticator.authenticate(token.strip())
    if key is None:
        raise Unauthenticated("The API key is not valid: malformed, unknown or revoked.")
    return key
