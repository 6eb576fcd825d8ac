"""`Idempotency-Key`: a retry gets the original answer and changes nothing; another body 422; in flight 409."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import UTC, datetime, timedelta

from decision_service.orders.idempotency import KeyPolicy
from decision_service.web.idempotency import STORE_KEY
from tests.api.fakes import keyed_client
from tests.api.test_network_ref_api import by_ref
from tests.api.test_networks_api import pools
from tests.api.test_reservations_api import kinds, reserved_app

KEY = {"Idempotency-Key": "order-SO-1001-try"}


def test_a_retried_reserve_gets_the_original_answer_and_reserves_nothing_more() -> None:
    service = reserved_app()
    clerk = keyed_client(service, "order_entry", name="clerk-1")
    first = clerk.post("/v1/allocations", json=by_ref(mode="reserve"), headers=KEY)
    again = clerk.post("/v1/allocations", json=by_ref(mode="reserve"), headers=KEY)
    assert first.status_code == again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert pools(service)[0]["reserved"] == 25 and kinds(service) == ["allocation", "reservation"]
    other = keyed_client(service, "order_entry", name="clerk-2")  # keys are per API key: a new request
    assert "Idempotent-Replayed" not in other.post("/v1/allocations", json=by_ref(mode="reserve"), headers=KEY).headers


def test_the_same_key_with_another_body_is_422_and_a_running_one_409() -> None:
    service = reserved_app()
    clerk = keyed_client(service, "order_entry", name="clerk-1")
    clerk.post("/v1/allocations", json=by_ref(), headers=KEY)
    changed = clerk.post("/v1/allocations", json=by_ref(explain="none"), headers=KEY)
    assert changed.status_code == 422 and changed.get_json()["errors"][0]["field"] == "Idempotency-Key"
    store = service.extensions[STORE_KEY]
    policy = KeyPolicy(timedelta(days=1), timedelta(minutes=2))
    body = json.dumps(by_ref()).encode()
    fingerprint = "sha256:" + hashlib.sha256(body).hexdigest()
    store.claim("clerk-1 POST /v1/allocations", "running", fingerprint, datetime.now(UTC), policy)
    running = clerk.post("/v1/allocations", data=body, content_type="application/json",
                         headers={"Idempotency-Key": "running"})  # fmt: skip
    assert running.status_code == 409 and running.content_type == "application/problem+json"
    assert clerk.post("/v1/allocations", json=by_ref(), headers={"Idempotency-Key": ""}).status_code == 422


def test_a_replayed_answer_is_compressed_like_the_first() -> None:
    service = reserved_app()
    clerk = keyed_client(service, "order_entry", name="clerk-1")
    headers = {**KEY, "Accept-Encoding": "gzip"}
    first = clerk.post("/v1/allocations", json=by_ref(explain="full"), headers=headers)
    again = clerk.post("/v1/allocations", json=by_ref(explain="full"), headers=headers)
    unpack = [
        gzip.decompress(r.data) if r.headers.get("Content-Encoding") == "gzip" else r.data for r in (first, again)
    ]
    assert unpack[0] == unpack[1]
