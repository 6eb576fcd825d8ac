"""Load test of reservations (`make loadtest-reserve`): clerks reserve, confirm and release a scarce item while the
ERP posts stock events, against a multi-worker server; at the end it prints the overcommit count, which must be 0.

Loopback only. The run's length is the Makefile's `-t`. The key in `DECISION_SERVICE_API_KEY` needs the
`integration` and `order_entry` roles (`decision-service keys create load --role integration --role order_entry`).
Locust prints throughput and latency percentiles; a pool whose reserved units exceed its sellable units counts
as an overcommit, and any overcommit makes the run fail (exit code 1).
"""

from __future__ import annotations

import copy
import json
import os
import random
import uuid
from typing import Any
from urllib.parse import urlsplit

import requests
from locust import HttpUser, between, events, task
from locust.exception import StopUser

from decision_service.web.resources.allocations import SPEC_EXAMPLE

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
NETWORK_ID = f"load-{uuid.uuid4().hex[:8]}"
ITEMS = ("SKU-1", "SKU-1B")


def _headers() -> dict[str, str]:
    key = os.environ.get("DECISION_SERVICE_API_KEY", "")
    return {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}


def _order(number: int) -> str:
    body = {k: v for k, v in copy.deepcopy(SPEC_EXAMPLE).items() if k != "network"}
    body["order"]["id"] = f"LOAD-{number}"
    body["order"]["lines"][0]["qty"] = random.randint(1, 6)
    return json.dumps({**body, "network_ref": NETWORK_ID, "mode": "reserve"})


@events.test_start.add_listener
def load_network(environment: Any, **kwargs: Any) -> None:
    """Load the spec example's network once, before the users start."""
    host = environment.host or ""
    if urlsplit(host).hostname not in LOOPBACK:
        raise StopUser(f"loopback only, not {host!r}")
    answer = requests.put(f"{host}/v1/networks/{NETWORK_ID}", json=SPEC_EXAMPLE["network"], headers=_headers(),
                          timeout=10)  # fmt: skip
    answer.raise_for_status()


@events.test_stop.add_listener
def count_overcommits(environment: Any, **kwargs: Any) -> None:
    """Every pool's reserved units against its sellable units: print the overcommits; fail the run on any."""
    overcommits = 0
    for item in ITEMS:
        url = f"{environment.host}/v1/networks/{NETWORK_ID}/availability"
        pools = requests.get(url, params={"item": item}, headers=_headers(), timeout=10).json()["pools"]
        overcommits += sum(1 for pool in pools if pool["reserved"] > pool["sellable"])
    print(f"overcommitted pools: {overcommits}")
    if overcommits:
        environment.process_exit_code = 1


class Clerk(HttpUser):
    """An order-entry clerk reserving, then confirming or releasing; now and then the ERP posts a count."""

    wait_time = between(0.0, 0.05)

    def on_start(self) -> None:
        """Refuse any host but loopback, and run without a key."""
        if urlsplit(self.host or "").hostname not in LOOPBACK:
            raise StopUser(f"loopback only, not {self.host!r}")
        if not os.environ.get("DECISION_SERVICE_API_KEY"):
            raise StopUser("set DECISION_SERVICE_API_KEY to a key with the integration and order_entry roles")
        self.held: list[str] = []

    @task(6)
    def reserve(self) -> None:
        answer = self.client.post("/v1/allocations", data=_order(random.randint(1, 10**9)), headers=_headers(),
                                  name="/v1/allocations [reserve]")  # fmt: skip
        if answer.status_code == 200:
            self.held += [r["id"] for r in answer.json()["reservations"]]

    @task(2)
    def confirm_or_release(self) -> None:
        if self.held:
            step = random.choice(["confirm", "release"])
            self.client.post(f"/v1/reservations/{self.held.pop()}/{step}", headers=_headers(),
                             name=f"/v1/reservations/[id]/{step}")  # fmt: skip

    @task(1)
    def stock_event(self) -> None:
        event = {"id": uuid.uuid4().hex, "type": "stock_adjusted", "item": "SKU-1", "location": "WH-EAST",
                 "delta": random.randint(1, 5)}  # fmt: skip
        with self.client.post(
            f"/v1/networks/{NETWORK_ID}/events",
            data=json.dumps({"events": [event]}),
            headers=_headers(),
            name="/v1/networks/[id]/events",
            catch_response=True,
        ) as answer:
            if answer.status_code in (200, 422):  # a count below the promised units is refused, as designed
                answer.success()
