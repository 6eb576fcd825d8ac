"""A scenario's reading that takes the baseline's orders where its modifiers left them alone
(`scenarios.batches.reading`) is exactly `read_run`'s: the same problem (every order, line, rejection and hold),
the same rule versions, and for bad input the same error naming the same field, for every modifier kind, on a
book carrying credit positions, reference prices and channels for the rules."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

import scenarios.batches.reading as reading_module
from decision_service.runs.service import read_run
from optimizers.reallocation import InvalidRun
from scenarios.batches.base import base_input
from scenarios.batches.execute import default_ports, with_limit
from scenarios.batches.loader import parse_batch
from scenarios.batches.model import Modifier, Settings
from scenarios.batches.modifiers import apply
from scenarios.batches.reading import read_base, read_scenario


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    """A generated 150-line book with commercial terms on some customers, lines and orders."""
    gen = {"seed": 4, "lines": 150, "items": 30, "locations": 5}
    data = base_input(parse_batch({"base": {"generator": gen}, "scenarios": [{"name": "x"}]}).base)
    net = data["network"]
    customers = [{**c, "credit_limit": 500.0, "open_balance": 450.0} if k % 3 == 0 else c
                 for k, c in enumerate(net["customers"])]  # fmt: skip
    orders = []
    for k, o in enumerate(data["orders"]):
        lines = [{**ln, "list_price": round(ln["unit_price"] * 1.6, 2)} if (k + j) % 4 == 0 else ln
                 for j, ln in enumerate(o["lines"])]  # fmt: skip
        orders.append({**o, "lines": lines, **({"channel": "ecommerce"} if k % 5 == 0 else {})})
    return with_limit({**data, "network": {**net, "customers": customers}, "orders": orders}, Settings())


def _kinds(data: dict[str, Any]) -> list[dict[str, Any]]:
    net = data["network"]
    region = data["orders"][0]["ship_to_region"]
    stock, lane, ship = net["stock"][0], net["lanes"][0], net["shipping"][0]
    as_of = date.fromisoformat(data["as_of"])
    new = {"id": "SO-NEW", "customer": net["customers"][0]["id"], "entity": data["orders"][0]["entity"],
           "ship_to_region": region, "requested_date": (as_of + timedelta(days=5)).isoformat(),
           "lines": [{"line": 1, "item": net["items"][0]["id"], "qty": 5, "unit_price": 10.0}]}  # fmt: skip
    return [
        {"type": "delay", "days": 3},
        {"type": "demand", "percent": 20, "regions": [region]},
        {
            "type": "location_out",
            "location": stock["location"],
            "from": data["as_of"],
            "to": (as_of + timedelta(days=4)).isoformat(),
        },  # fmt: skip
        {"type": "stock", "item": stock["item"], "location": stock["location"], "change": -2},
        {"type": "lane", "from": lane["from"], "to": lane["to"], "cost_percent": 50},
        {"type": "route", "location": ship["location"], "region": ship["region"], "transit_days": 9},
        {"type": "price", "percent": -25},
        {"type": "cost", "percent": 30},
        {"type": "new_orders", "orders": [new]},
        {"type": "policy", "fair_share": False, "horizon_days": 12},
        {"type": "policy", "tiers": ["gold", "strategic", "silver", "standard"]},
        {
            "type": "policy",
            "add_protections": [{"item": stock["item"], "location": stock["location"], "qty": 3, "min_tier": "gold"}],
        },  # fmt: skip
    ]


def _modified(base: dict[str, Any], kind: dict[str, Any]) -> dict[str, Any]:
    params = {k: v for k, v in kind.items() if k != "type"}
    return apply(base, (Modifier(kind["type"], params, "scenarios[0].modifiers[0]"),))


@pytest.mark.parametrize("k", range(12))
def test_a_scenario_reads_as_read_run_reads_it(base: dict[str, Any], k: int) -> None:
    ports = default_ports()
    data = _modified(base, _kinds(base)[k])
    assert read_scenario(data, ports, read_base(base, ports)) == read_run(data, ports)


def test_the_orders_a_delay_leaves_alone_are_not_read_again(
    base: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not vacuous: the base's reading holds held orders and rejected lines, and a delay reads no order again,
    nor does a policy change of fair share and horizon; a demand change in one region reads only that region's
    orders."""
    ports = default_ports()
    reading = read_base(base, ports)
    assert any(o.held for o in reading.problem.orders)
    assert any(ln.rejection for o in reading.problem.orders for ln in o.lines)
    asked: list[int] = []

    def counted(data: Any, ports: Any) -> Any:
        asked.append(len(data["orders"]))
        return read_run(data, ports)

    monkeypatch.setattr(reading_module, "read_run", counted)
    read_scenario(_modified(base, _kinds(base)[0]), ports, reading)
    assert asked == [0]
    asked.clear()
    demand = _modified(base, _kinds(base)[1])
    read_scenario(demand, ports, reading)
    region = base["orders"][0]["ship_to_region"]
    assert asked == [sum(o["ship_to_region"] == region for o in demand["orders"])]
    asked.clear()
    read_scenario(_modified(base, _kinds(base)[9]), ports, reading)  # fair share off, another horizon
    assert asked == [0]


@pytest.mark.parametrize(
    "order",
    [
        {"customer": "C-NOPE"},  # unknown customer
        {"id": "__first__"},  # a duplicate order id
        {"lines": [{"line": 1, "item": "SKU-NOPE", "qty": 5, "unit_price": 10.0}]},  # unknown item
    ],
)
def test_bad_input_is_refused_as_read_run_refuses_it(base: dict[str, Any], order: dict[str, Any]) -> None:
    ports = default_ports()
    kind = _kinds(base)[8]
    new = {**kind["orders"][0], **order}
    if new["id"] == "__first__":
        new["id"] = base["orders"][0]["id"]
    data = _modified(base, {**kind, "orders": [new]})
    with pytest.raises(InvalidRun) as want:
        read_run(data, ports)
    with pytest.raises(InvalidRun) as got:
        read_scenario(data, ports, read_base(base, ports))
    assert (got.value.field, got.value.detail) == (want.value.field, want.value.detail)


def test_a_local_batch_reads_its_base_once_here_and_forgets_it_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """On one local worker the baseline's reading serves the other scenarios (a delay's orders are not read
    again), and the process keeps none of it once the batch is done."""
    import scenarios.batches.execute as execute_module
    from scenarios.batches.model import Scenario

    gen = {"seed": 5, "lines": 40, "items": 10, "locations": 3}
    data = base_input(parse_batch({"base": {"generator": gen}, "scenarios": [{"name": "x"}]}).base)
    asked: list[int] = []

    def counted(data: Any, ports: Any) -> Any:
        asked.append(len(data["orders"]))
        return read_run(data, ports)

    monkeypatch.setattr(reading_module, "read_run", counted)
    jobs = {0: Scenario("baseline"), 1: Scenario("slip", (Modifier("delay", {"days": 2}, "scenarios[1]"),))}
    out = dict(execute_module.run_local(data, jobs, Settings(), 1, default_ports))
    assert out[0]["ok"] and out[1]["ok"]
    assert asked == [len(data["orders"]), 0]  # the baseline read in full, the delay's orders taken from it
    assert execute_module._READ is None
