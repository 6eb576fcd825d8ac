"""Each modifier changes the spec's input as documented, and never the input it was given."""

from __future__ import annotations

import copy
from typing import Any

from scenarios.batches.model import Modifier
from scenarios.batches.modifiers import apply


def book() -> dict[str, Any]:
    net = {
        "locations": [{"id": "WH-A", "entity": "US01"}, {"id": "WH-B", "entity": "US01"}],
        "items": [{"id": "X", "unit_cost": 10.0}, {"id": "Y", "unit_cost": 4.0}],
        "stock": [{"item": "X", "location": "WH-A", "qty": 50}, {"item": "Y", "location": "WH-A", "qty": 5,
                                                                  "status": "quality_hold"}],
        "inbound": [{"item": "X", "location": "WH-B", "qty": 20, "eta": "2026-11-25"},
                    {"item": "Y", "location": "WH-A", "qty": 9, "eta": "2026-11-26"}],
        "shipping": [{"location": "WH-A", "region": "N", "unit_cost": 1.0, "transit_days": 2}],
        "lanes": [{"from": "WH-B", "to": "WH-A", "unit_cost": 0.5, "lead_days": 1, "capacity": 30}],
        "customers": [{"id": "C1", "tier": "gold"}, {"id": "C2"}],
        "protections": [],
    }  # fmt: skip
    orders = [
        {"id": "O1", "customer": "C1", "entity": "US01", "ship_to_region": "N", "requested_date": "2026-11-27",
         "lines": [{"line": 1, "item": "X", "qty": 10, "unit_price": 15.0, "confirmed_qty": 10},
                   {"line": 2, "item": "Y", "qty": 3, "unit_price": 6.0}]},
        {"id": "O2", "customer": "C2", "entity": "US01", "ship_to_region": "S", "requested_date": "2026-11-27",
         "lines": [{"line": 1, "item": "X", "qty": 1, "unit_price": 15.0}]},
    ]  # fmt: skip
    return {"as_of": "2026-11-23", "network": net, "orders": orders, "policy": {"tiers": ["gold"]}}


def changed(*mods: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    data = book()
    before = copy.deepcopy(data)
    out = apply(data, tuple(Modifier(t, p) for t, p in mods))
    assert data == before  # the base is shared by every scenario: never changed in place
    return out


def test_delay_moves_the_inbound_of_the_named_items_or_locations() -> None:
    out = changed(("delay", {"days": 14, "items": ["X"]}))
    assert [r["eta"] for r in out["network"]["inbound"]] == ["2026-12-09", "2026-11-26"]
    out = changed(("delay", {"days": -1, "locations": ["WH-A"]}))
    assert [r["eta"] for r in out["network"]["inbound"]] == ["2026-11-25", "2026-11-25"]


def test_demand_scales_lines_by_region_tier_or_customer_and_drops_lines_scaled_to_nothing() -> None:
    out = changed(("demand", {"percent": 25, "tiers": ["gold"]}))
    assert [ln["qty"] for ln in out["orders"][0]["lines"]] == [13, 4] and out["orders"][1]["lines"][0]["qty"] == 1
    assert out["orders"][0]["lines"][0]["confirmed_qty"] == 10
    out = changed(("demand", {"percent": -50, "regions": ["N"]}))
    assert [ln["qty"] for ln in out["orders"][0]["lines"]] == [5, 2]
    assert out["orders"][0]["lines"][0]["confirmed_qty"] == 5
    out = changed(("demand", {"percent": -100, "customers": ["C2"]}))
    assert [o["id"] for o in out["orders"]] == ["O1"]
    out = changed(("demand", {"percent": 100, "items": ["Y"], "tiers": ["none", "gold"]}))
    assert [ln["qty"] for ln in out["orders"][0]["lines"]] == [10, 6]


def test_a_location_out_over_as_of_holds_its_stock_and_inbound_until_the_day_after() -> None:
    out = changed(("location_out", {"location": "WH-A", "from": "2026-11-20", "to": "2026-11-30"}))
    net = out["network"]
    assert net["stock"] == [{"item": "Y", "location": "WH-A", "qty": 5, "status": "quality_hold"}]
    assert {"item": "X", "location": "WH-A", "qty": 50, "eta": "2026-12-01"} in net["inbound"]
    assert {"item": "Y", "location": "WH-A", "qty": 9, "eta": "2026-12-01"} in net["inbound"]
    later = changed(("location_out", {"location": "WH-B", "from": "2026-11-24", "to": "2026-11-26"}))["network"]
    assert later["stock"] == book()["network"]["stock"] and later["inbound"][0]["eta"] == "2026-11-27"


def test_stock_changes_or_sets_available_stock() -> None:
    assert changed(("stock", {"item": "X", "location": "WH-A", "change": -80}))["network"]["stock"][0]["qty"] == 0
    assert changed(("stock", {"item": "X", "location": "WH-B", "set": 7}))["network"]["stock"][-1] == {
        "item": "X", "location": "WH-B", "qty": 7}  # fmt: skip


def test_lanes_and_routes_change_cost_time_capacity_or_close() -> None:
    lane = changed(("lane", {"from": "WH-B", "to": "WH-A", "cost_percent": 100, "lead_days": 3, "capacity": None}))
    assert lane["network"]["lanes"] == [{"from": "WH-B", "to": "WH-A", "unit_cost": 1.0, "lead_days": 3,
                                         "capacity": None}]  # fmt: skip
    assert changed(("lane", {"from": "WH-B", "to": "WH-A", "closed": True}))["network"]["lanes"] == []
    route = changed(("route", {"location": "WH-A", "region": "N", "unit_cost": 2.5, "transit_days": 5}))
    assert route["network"]["shipping"][0] == {"location": "WH-A", "region": "N", "unit_cost": 2.5, "transit_days": 5}


def test_prices_costs_new_orders_and_policy() -> None:
    out = changed(("price", {"percent": -10, "orders": ["O2"]}), ("cost", {"percent": 50, "items": ["Y"]}))
    assert out["orders"][1]["lines"][0]["unit_price"] == 13.5 and out["orders"][0]["lines"][0]["unit_price"] == 15.0
    assert [i["unit_cost"] for i in out["network"]["items"]] == [10.0, 6.0]
    new = {"id": "O3", "customer": "C2", "entity": "US01", "ship_to_region": "N", "requested_date": "2026-11-24",
           "lines": [{"line": 1, "item": "X", "qty": 2, "unit_price": 15.0}]}  # fmt: skip
    assert changed(("new_orders", {"orders": [new]}))["orders"][-1] == new
    segments = [{"name": "key", "strategy": "win", "tiers": ["gold"]}]
    protection = {"item": "X", "location": "WH-A", "qty": 20, "min_tier": "gold"}
    out = changed(("policy", {"fair_share": False, "horizon_days": 10, "segments": segments,
                              "add_protections": [protection]}))  # fmt: skip
    assert out["policy"] == {"tiers": ["gold"], "fair_share": False, "horizon_days": 10}
    assert out["strategy"] == {"segments": segments} and out["network"]["protections"] == [protection]
