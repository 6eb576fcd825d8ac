"""What each clerk process does in the concurrency proof (run under spawn): reserve the same scarce item again and
again through the real app on the shared database."""

from __future__ import annotations

import copy
from typing import Any

from decision_service.orders.ports import FixedClock
from decision_service.web import create_app
from decision_service.web.config import Config
from decision_service.web.resources.allocations import SPEC_EXAMPLE
from tests.api.fakes import TODAY, keyed_client

QTY = 7


def order(clerk: int, number: int) -> dict[str, Any]:
    """An order of QTY units of SKU-1 against the stored network `west`."""
    body = {k: v for k, v in copy.deepcopy(SPEC_EXAMPLE).items() if k != "network"}
    body["order"]["id"] = f"SO-{clerk}-{number}"
    body["order"]["lines"][0]["qty"] = QTY
    return {**body, "network_ref": "west", "mode": "reserve"}


def reserve_many(url: str, clerk: int, count: int, go: Any, answered: Any) -> None:
    """Wait for the others, then reserve `count` orders; count the decisions answered (200)."""
    app = create_app(Config(DATABASE_URL=url), clock=FixedClock(TODAY))
    client = keyed_client(app, "order_entry", name=f"clerk-{clerk}")
    go.wait(timeout=60)
    for number in range(count):
        answer = client.post("/v1/allocations", json=order(clerk, number))
        assert answer.status_code == 200, answer.get_data(as_text=True)
        if answer.status_code == 200:
            with answered.get_lock():
                answered.value += 1


def reserve_until_killed(url: str, clerk: int, reserved: Any) -> None:
    """Reserve (and release, so the stock never runs out) through the real app until the process is killed."""
    app = create_app(Config(DATABASE_URL=url), clock=FixedClock(TODAY))
    client = keyed_client(app, "order_entry", name=f"killed-{clerk}")
    number = 0
    while True:
        answer = client.post("/v1/allocations", json=order(clerk, number))
        assert answer.status_code == 200, answer.get_data(as_text=True)
        for reservation in answer.get_json()["reservations"]:
            client.post(f"/v1/reservations/{reservation['id']}/release")
        reserved.value += 1  # this process is its only writer
        number += 1
