"""Runs over a stored network (`network_ref`): confirmed quantities from the reservations, other orders'
reservations kept, and `mode: apply` changing the reservations to the run in one unit of work, or nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from decision_service.codec.encode_run import input_body
from decision_service.network.reserving import Conflict
from decision_service.orders.ports import FixedClock
from decision_service.runs.live import apply_run, resolve_run
from decision_service.storage.sql import SqlDecisionLog
from decision_service.storage.sql.keys import SqlKeyStore
from decision_service.web import create_app
from decision_service.web.config import Config
from decision_service.web.resources.networks import current_networks
from scenarios.orderbook import order_book
from tests.api.fakes import TODAY, keyed_client, memory_config
from tests.integration.storage.stores import migrated

URL = "/v1/reallocations"


def _book() -> dict[str, Any]:
    return input_body(order_book(5, 60, 12, 4))


def _erp_orders(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The book's orders as an ERP sends them with a stored network: no confirmed quantities."""
    return [{**o, "lines": [{k: v for k, v in ln.items() if k != "confirmed_qty"} for ln in o["lines"]]}
            for o in body["orders"]]  # fmt: skip


def _by_ref(body: dict[str, Any], **options: Any) -> dict[str, Any]:
    run = {k: v for k, v in body.items() if k not in ("network", "orders")}
    return {**run, "orders": _erp_orders(body), "network_ref": "book", **options}


def _allocated(answer: dict[str, Any], key: str = "allocated_qty") -> dict[tuple[str, int], int]:
    return {(o["id"], ln["line"]): ln[key] for o in answer["orders"] for ln in o["lines"]}


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app whose log and networks are in memory, or in SQLite or PostgreSQL (an apply's unit of work is the
    database's transaction there)."""
    with ExitStack() as stack:
        if request.param == "memory":
            service = create_app(memory_config(), clock=FixedClock(TODAY))
        else:
            url, engine = stack.enter_context(migrated(request.param, tmp_path))
            log, keys = SqlDecisionLog(engine), SqlKeyStore(engine)
            service = create_app(Config(DATABASE_URL=url), clock=FixedClock(TODAY), log=log, keys=keys)
        loaded = keyed_client(service, "integration").put("/v1/networks/book", json=_book()["network"])
        assert loaded.status_code == 200, loaded.get_json()
        yield service


@pytest.fixture
def planner(app: Flask) -> FlaskClient:
    return keyed_client(app, "planner")


def test_a_run_over_a_stored_network_without_reservations_is_the_inline_run_with_nothing_confirmed(
    planner: FlaskClient,
) -> None:
    body = _book()
    nothing = [{**o, "lines": [{**ln, "confirmed_qty": 0} for ln in o["lines"]]} for o in _erp_orders(body)]
    inline = planner.post(URL, json={**body, "orders": nothing}).get_json()
    stored = planner.post(URL, json=_by_ref(body))
    assert stored.status_code == 200, stored.get_json()
    assert _allocated(stored.get_json()) == _allocated(inline) and sum(_allocated(inline).values()) > 0
    assert stored.get_json()["network_ref"] == "book" and "applied" not in stored.get_json()


def test_applying_a_run_makes_its_allocation_the_reservations_line_by_line(app: Flask, planner: FlaskClient) -> None:
    body = _book()
    applied = planner.post(URL, json=_by_ref(body, mode="apply")).get_json()
    summary = applied["applied"]
    assert summary["orders_changed"] > 0 and summary["reservations_made"] > 0 and summary["reservations_released"] == 0
    again = planner.post(URL, json=_by_ref(body)).get_json()  # simulate: confirmed quantities now from reservations
    assert _allocated(again, "confirmed_qty") == _allocated(applied)
    assert all(ln["change"] == 0 for o in again["orders"] for ln in o["lines"])  # nothing moved: stability holds it
    second = planner.post(URL, json=_by_ref(body, mode="apply")).get_json()
    assert _allocated(second) == _allocated(applied)  # same quantities; a line may move between equal pools
    third = planner.post(URL, json=_by_ref(body)).get_json()
    assert _allocated(third, "confirmed_qty") == _allocated(second)
    auditor = keyed_client(app, "auditor")
    served = sorted({o["id"] for o in applied["orders"] if any(ln["allocated_qty"] for ln in o["lines"])})
    for order_id in served:  # one `reservation` record per changed order, found by the order
        record = auditor.get(f"/v1/decisions/{applied['run_id']}-{order_id}-reserved")
        assert record.status_code == 200 and record.get_json()["audit"]["kind"] == "reservation"
    assert len(served) == summary["orders_changed"]
    assert auditor.get(f"/v1/decisions/{applied['run_id']}").get_json()["decision"]["applied"] == summary


def test_a_run_keeps_the_units_other_orders_hold_and_never_promises_a_unit_twice(
    app: Flask, planner: FlaskClient
) -> None:
    body = _book()
    outside, inside = body["orders"][0], body["orders"][1:]
    clerk = keyed_client(app, "order_entry")
    order = {"id": "SO-OUTSIDE", **{k: outside[k] for k in ("customer", "entity", "ship_to_region")},
             "requested_date": outside["requested_date"],
             "lines": [{k: ln[k] for k in ("line", "item", "qty", "unit_price")}
                       for ln in outside["lines"]]}  # fmt: skip
    run_only = ("fair_share", "counterfactuals")  # a run's own policy fields
    policy = {k: v for k, v in body.get("policy", {}).items() if k not in run_only}
    reserved = clerk.post("/v1/allocations", json={"as_of": body["as_of"], "order": order, "network_ref": "book",
                                                   "mode": "reserve", "policy": policy})  # fmt: skip
    assert reserved.status_code == 200, reserved.get_json()["errors"]
    assert reserved.get_json()["reservations"]
    planner.post(URL, json={**_by_ref(body, mode="apply"), "orders": _erp_orders({"orders": inside})})
    with app.app_context():
        overdrawn = current_networks().read("book", lambda state: _overdrawn(state, body))
    assert overdrawn == []


def _overdrawn(state: Any, body: dict[str, Any]) -> list[Any]:
    now = datetime.now(UTC)
    items = [row["id"] for row in body["network"]["items"]]
    promised: dict[tuple[str, str, str | None], int] = {}
    for r in state.reservations_of_items(items):
        if r.is_open(now):
            promised[r.pool()] = promised.get(r.pool(), 0) + r.remaining
    rows = state.rows_of_items(["stock", "inbound"], items)
    units = {(s["item"], s["location"], None): s["qty"] for s in rows["stock"] if s["status"] == "available"}
    units |= {(i["item"], i["location"], i["eta"]): i["qty"] for i in rows["inbound"]}
    return [(pool, qty, units.get(pool, 0)) for pool, qty in promised.items() if qty > units.get(pool, 0)]


def test_an_apply_refuses_when_the_network_changed_after_the_run_read_it(app: Flask, planner: FlaskClient) -> None:
    body = _book()
    data = {k: v for k, v in _by_ref(body).items() if k not in ("network_ref",)}
    answer = planner.post(URL, json=_by_ref(body)).get_json()
    with app.app_context():
        store = current_networks()
        read = store.read("book", lambda state: resolve_run(state, data, datetime.now(UTC)))
        stock = body["network"]["stock"][0]
        count = {"id": "count-1", "type": "stock_adjusted", "item": stock["item"], "location": stock["location"],
                 "delta": 1}  # fmt: skip
        assert keyed_client(app, "integration").post("/v1/networks/book/events", json={"events": [count]}).is_json
        with pytest.raises(Conflict):
            store.commit("book", lambda changes: apply_run(changes, read, answer, network_id="book", run_id="r",
                                                             now=datetime.now(UTC)))  # fmt: skip


def test_bad_live_options_are_named(planner: FlaskClient) -> None:
    body = _book()
    confirmed = _by_ref(body)
    confirmed["orders"][0]["lines"][0]["confirmed_qty"] = 1
    cases = {
        "orders[0].lines[0].confirmed_qty": confirmed,
        "network_ref": {**body, "network_ref": "book"},
        "mode": _by_ref(body, mode="commit"),
    }
    for field, sent in cases.items():
        answer = planner.post(URL, json=sent)
        assert answer.status_code == 422, (field, answer.get_json())
        assert field in [e["field"] for e in answer.get_json()["errors"]], answer.get_json()
    inline_apply = planner.post(URL, json={**body, "mode": "apply"})
    assert inline_apply.status_code == 422 and inline_apply.get_json()["errors"][0]["field"] == "network_ref"
    assert planner.post(URL, json=_by_ref(body, network_ref="nowhere")).status_code == 404


def test_an_asynchronous_apply_is_recorded_and_read_back(planner: FlaskClient) -> None:
    accepted = planner.post(URL, json=_by_ref(_book(), mode="apply", **{"async": True}))
    assert accepted.status_code == 202, accepted.get_json()
    for _ in range(300):
        state = planner.get(accepted.headers["Location"]).get_json()
        if state["state"] != "running":
            break
        time.sleep(0.1)
    assert state["state"] == "done", state
    assert state["result"]["applied"]["orders_changed"] > 0
