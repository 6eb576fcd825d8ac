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


CREDIT_LIMIT, CREDIT_QTY = 2000.0, 10  # each credit order is worth 10 x 12.5 = 125: 16 fit under the limit


def credit_network(clerks: int) -> dict[str, Any]:
    """The spec example's network with C-17 a silver account of limit CREDIT_LIMIT, and an item of ample stock
    per clerk, so that clerks never share an item and only the customer's credit links their reserves."""
    network = copy.deepcopy(SPEC_EXAMPLE["network"])
    network["customers"] = [{**network["customers"][0], "tier": "silver", "credit_limit": CREDIT_LIMIT}]
    for clerk in range(clerks):
        network["items"].append({"id": f"SKU-C{clerk}", "unit_cost": 8.1, "substitutes": []})
        network["stock"].append({"item": f"SKU-C{clerk}", "location": "WH-EAST", "qty": 1000, "status": "available"})
    return network


def reserve_on_credit(url: str, clerk: int, count: int, go: Any) -> None:
    """Wait for the others, then reserve `count` orders of this clerk's own item for C-17."""
    app = create_app(Config(DATABASE_URL=url), clock=FixedClock(TODAY))
    client = keyed_client(app, "order_entry", name=f"credit-clerk-{clerk}")
    go.wait(timeout=60)
    for number in range(count):
        body = order(clerk, number)
        body["order"]["lines"][0].update(item=f"SKU-C{clerk}", qty=CREDIT_QTY)
        answer = client.post("/v1/allocations", json=body)
        assert answer.status_code == 200, answer.get_data(as_text=True)
