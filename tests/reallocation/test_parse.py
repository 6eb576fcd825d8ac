"""Reading the spec's JSON input: defaults, and refusals that name the field."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from optimizers.reallocation import InvalidRun, parse
from optimizers.reallocation.problem import Strategy
from tests.reallocation.helpers import solved

RUN: dict[str, Any] = {
    "as_of": "2026-11-23",
    "network": {
        "locations": [{"id": "WH-EAST", "entity": "US01"}, {"id": "WH-WEST", "entity": "US02"}],
        "items": [{"id": "SKU-1", "unit_cost": 8.10, "substitutes": [{"item": "SKU-1B", "rank": 1}]},
                  {"id": "SKU-1B", "unit_cost": 8.40}],
        "stock": [{"item": "SKU-1", "location": "WH-EAST", "qty": 25},
                  {"item": "SKU-1B", "location": "WH-WEST", "qty": 30}],
        "inbound": [{"item": "SKU-1", "location": "WH-EAST", "qty": 100, "eta": "2026-11-30"}],
        "shipping": [{"location": "WH-EAST", "region": "US-NE", "unit_cost": 0.40, "transit_days": 1}],
        "lanes": [{"from": "WH-WEST", "to": "WH-EAST", "unit_cost": 0.25, "lead_days": 3, "capacity": 500}],
        "customers": [{"id": "C-17", "tier": "strategic", "max_shipments": 2}, {"id": "C-9"}],
        "protections": [{"item": "SKU-1", "location": "WH-EAST", "qty": 10, "min_tier": "gold"}],
    },
    "orders": [
        {"id": "SO-1001", "customer": "C-17", "entity": "US01", "ship_to_region": "US-NE",
         "requested_date": "2026-11-27", "created": "2026-11-02",
         "lines": [{"line": 1, "item": "SKU-1", "qty": 40, "unit_price": 12.50, "confirmed_qty": 25}]},
        {"id": "SO-2001", "customer": "C-9", "entity": "US01", "ship_to_region": "US-NE",
         "requested_date": "2026-11-25", "lines": [{"line": 1, "item": "SKU-1", "qty": 30, "unit_price": 12.0}]},
    ],
    "strategy": {"segments": [{"name": "key accounts", "strategy": "gain", "tiers": ["strategic"]},
                              {"name": "rush", "strategy": "win", "orders": ["SO-2001"]}]},
    "policy": {"tiers": ["strategic", "gold", "silver", "standard"], "horizon_days": 30},
}  # fmt: skip


def test_the_spec_example_reads_with_its_defaults_and_solves() -> None:
    p = parse(RUN)
    assert p.orders[1].created == p.as_of and p.policy.fair_share and p.policy.time_limit_ms == 60_000
    assert p.segments[0].strategy == Strategy.GAIN and p.segments[1].tiers is None
    got = solved(p)
    rush = next(o for o in got.orders if o.id == "SO-2001")
    assert rush.strategy == "win" and rush.lines[0].allocated_qty == 30


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("orders", 0, "lines", 0, "confirmed_qty"), 41, "orders[0].lines[0].confirmed_qty"),
        (("orders", 1, "customer"), "C-404", "orders[1].customer"),
        (("strategy", "segments", 0, "tiers", 0), "platinum", "strategy.segments[0].tiers[0]"),
        (("strategy", "segments", 1, "strategy"), "grab", "strategy.segments[1].strategy"),
        (("network", "lanes", 0, "to"), "WH-NOWHERE", "network.lanes[0].to"),
        (("orders", 0, "requested_date"), "27/11/2026", "orders[0].requested_date"),
        (("orders", 0, "lines", 0, "qty"), -1, "orders[0].lines[0].qty"),
        (("policy", "counterfactuals"), "every", "policy.counterfactuals"),
    ],
)
def test_invalid_input_names_the_field(path: tuple[Any, ...], value: Any, field: str) -> None:
    bad = copy.deepcopy(RUN)
    target = bad
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(InvalidRun) as caught:
        parse(bad)
    assert caught.value.field == field


def test_unknown_fields_are_refused() -> None:
    bad = copy.deepcopy(RUN)
    bad["orders"][0]["lines"][0]["confirmed"] = 3
    with pytest.raises(InvalidRun) as caught:
        parse(bad)
    assert caught.value.field == "orders[0].lines[0].confirmed"
