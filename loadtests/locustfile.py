"""Load test of `POST /v1/allocations` with generated small and medium orders (`make loadtest`).

Loopback only: a user whose host is not 127.0.0.1 (or localhost) stops before sending anything. The run's
length is the Makefile's `-t`. Each response must be a 200 carrying a decision of the spec's shape. Requests send
the API key in `DECISION_SERVICE_API_KEY` (one with the order_entry role: `decision-service keys create loadtest
--role order_entry`, or the key `serve` prints on its first start); without it a user stops before sending anything.
"""

from __future__ import annotations

import json
import os
import random
from typing import Any
from urllib.parse import urlsplit

from locust import HttpUser, between, task
from locust.exception import StopUser

from decision_service.codec.encode_request import problem_body
from scenarios.generator import preset

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DECISION_KEYS = {"decision_id", "order_id", "as_of", "status", "lines", "objective", "solver", "input_hash"}
LINE_KEYS = {"line", "item", "requested_qty", "allocated_qty", "backorder_qty", "fills"}
HEADERS = {"Content-Type": "application/json"}

# Bodies are built once, before the clock starts: the load test measures the service, not the generator.
SMALL = [json.dumps(problem_body(preset("small", seed))) for seed in range(1, 21)]
MEDIUM = [json.dumps(problem_body(preset("medium", seed))) for seed in range(1, 4)]


def shape_problem(body: str, answer: Any) -> str | None:
    """What is wrong with `answer` as the decision for request `body`, or None."""
    if not isinstance(answer, dict) or not DECISION_KEYS <= answer.keys():
        return f"missing keys {sorted(DECISION_KEYS - set(answer or {}))}"
    if answer["status"] not in ("complete", "partial", "backordered"):
        return f"status {answer['status']!r}"
    lines = json.loads(body)["order"]["lines"]
    if len(answer["lines"]) != len(lines) or not all(LINE_KEYS <= set(x) for x in answer["lines"]):
        return "lines do not match the order"
    if not {"on_time_units", "units", "margin"} <= answer["objective"].keys():
        return "objective incomplete"
    return None if str(answer["input_hash"]).startswith("sha256:") else "input_hash not sha256"


class AllocationUser(HttpUser):
    """An ERP order-entry screen posting orders, mostly small, now and then a big one."""

    wait_time = between(0.0, 0.05)

    def on_start(self) -> None:
        """Refuse any host but loopback."""
        if urlsplit(self.host or "").hostname not in LOOPBACK:
            raise StopUser(f"loopback only, not {self.host!r}")
        key = os.environ.get("DECISION_SERVICE_API_KEY", "")
        if not key:
            raise StopUser("set DECISION_SERVICE_API_KEY to a key with the order_entry role")
        self.headers = {**HEADERS, "Authorization": f"Bearer {key}"}
        self.rng = random.Random(id(self))

    @task(9)
    def small_order(self) -> None:
        self._post(self.rng.choice(SMALL), "small")

    @task(1)
    def medium_order(self) -> None:
        self._post(self.rng.choice(MEDIUM), "medium")

    def _post(self, body: str, name: str) -> None:
        with self.client.post(
            "/v1/allocations", data=body, headers=self.headers, name=f"/v1/allocations [{name}]", catch_response=True
        ) as resp:
            if resp.status_code != 200:
                resp.failure(f"HTTP {resp.status_code}: {resp.text[:200]}")
                return
            try:
                answer = resp.json()
            except ValueError:
                resp.failure("response is not JSON")
                return
            problem = shape_problem(body, answer)
            if problem:
                resp.failure(problem)
            else:
                resp.success()
