"""API keys in the core: the key's form, its salted slow hash, the roles, and the one policy table."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from decision_service.orders import keyhash
from decision_service.orders.keyhash import Authenticator, hash_secret, issue, secret_matches, split_key
from decision_service.orders.keys import UnknownRole, allowed, check_roles
from decision_service.storage.memory import InMemoryKeyStore
from decision_service.web import create_app
from decision_service.web.access import OPEN, POLICY, required_roles
from tests.api.fakes import memory_config

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_a_key_is_stored_only_as_a_salted_scrypt_hash_of_its_secret() -> None:
    one, two = issue("erp", ["order_entry"], NOW), issue("erp2", ["order_entry"], NOW)
    key_id, secret = split_key(one.key) or ("", "")
    assert one.key == f"ds_{one.stored.id}_{secret}" and key_id == one.stored.id and len(secret) >= 43
    assert secret not in repr(one.stored) and secret.encode() not in one.stored.salt
    assert one.stored.hash.startswith("scrypt$16384$8$1$") and len(one.stored.salt) == 16
    assert one.stored.salt != two.stored.salt and one.stored.hash != two.stored.hash
    assert secret_matches(secret, one.stored)
    assert not secret_matches(secret[:-1] + ("A" if secret[-1] != "A" else "B"), one.stored)
    assert not secret_matches(secret, two.stored)


def test_the_cost_travels_with_the_hash_so_it_can_be_raised_later() -> None:
    issued = issue("erp", ["planner"], NOW)
    _, secret = split_key(issued.key) or ("", "")
    cheaper = replace(issued.stored, hash=hash_secret(secret, issued.stored.salt, n=2**10))
    assert cheaper.hash.startswith("scrypt$1024$") and secret_matches(secret, cheaper)
    assert not secret_matches(secret, replace(issued.stored, hash="md5$" + "0" * 32))


@pytest.mark.parametrize(
    "key", ["", "ds_", "ds_abc_secret", "xx_0123456789ab_secret", "ds_0123456789ab_", "ds_0123456789AB_s", "Bearer"]
)
def test_a_malformed_key_is_refused_before_any_lookup(key: str) -> None:
    assert split_key(key) is None


def test_roles_are_checked_and_admin_may_do_everything() -> None:
    assert check_roles(["planner", "auditor", "planner"]) == ("auditor", "planner")
    assert check_roles(["policy_owner:credit"]) == ("policy_owner:credit",)
    for bad in ([], ["root"], ["policy_owner"], ["policy_owner:"], ["policy_owner:Credit Limits"]):
        with pytest.raises(UnknownRole):
            check_roles(bad)
    assert allowed(("admin",), ()) and allowed(("admin",), ("order_entry",))
    assert allowed(("planner",), ("planner", "auditor")) and not allowed(("planner",), ("auditor",))
    assert not allowed(("order_entry",), ())  # an endpoint outside the table is admin only


def test_the_policy_table_covers_every_endpoint_and_names_the_table_owner() -> None:
    app = create_app(memory_config())
    routed = {r.endpoint for r in app.url_map.iter_rules()} - {"static"}
    assert routed - OPEN == set(POLICY)  # every protected endpoint is in the one table, and nothing else is
    assert required_roles("allocations.post_allocation") == ("order_entry",)
    assert required_roles("rules.evaluate_table", {"key": "credit"}) == ("policy_owner:credit",)
    assert required_roles("rules.get_table", {"key": "pricing"}) == ("auditor", "policy_owner:pricing")
    assert required_roles("audit.verify_chain") == ("auditor",) and required_roles("unlisted.endpoint") == ()
    writes = {e for e, roles in POLICY.items() if "auditor" in roles and e.split(".")[1].startswith("post")}
    assert writes == set()  # an auditor changes nothing: replay decides again but records nothing


def test_the_slow_hash_is_checked_once_per_worker_but_revocation_is_read_every_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = InMemoryKeyStore()
    issued = issue("erp", ["order_entry"], NOW)
    store.add(issued.stored)
    checks: list[str] = []
    real = keyhash.secret_matches
    monkeypatch.setattr(keyhash, "secret_matches", lambda s, k: checks.append(k.name) or real(s, k))
    auth = Authenticator(store)
    assert auth.authenticate(issued.key) == issued.stored
    assert auth.authenticate(issued.key) == issued.stored and checks == ["erp"]  # the second from memory
    assert auth.authenticate(issued.key[:-1] + ("x" if issued.key[-1] != "x" else "y")) is None  # wrong secret
    assert auth.authenticate("ds_ffffffffffff_" + "a" * 43) is None  # unknown id
    store.revoke("erp", NOW)
    assert auth.authenticate(issued.key) is None  # at once, though the hash was remembered
