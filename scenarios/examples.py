"""Named example problems: the spec's own example and the datasets committed under `scenarios/data/`."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from importlib import resources

from decision_service.codec.encode_request import Json
from decision_service.codec.schemas.request import load_request as read_request
from optimizers.problem import (
    AllocationProblem,
    Customer,
    InboundSupply,
    Item,
    Location,
    Order,
    OrderLine,
    Policy,
    Protection,
    ShippingRoute,
    StockPosition,
    Substitute,
    TransferLane,
)
from scenarios.generator import preset
from scenarios.whatifs import (
    busiest_location,
    demand_spike,
    regional_shortage,
    supplier_slip,
    warehouse_closed,
)

BASE_SEED = 6  # a seed whose what-ifs each change the decision (see scenarios.batch)


def spec_example() -> AllocationProblem:
    """The example request of shared/spec/allocation.md, field for field."""
    line = OrderLine(1, "SKU-1", 40, 12.50, allow_substitution=True, ship_complete=False)
    return AllocationProblem(
        as_of=date(2026, 11, 23),
        order=Order("SO-1001", "C-17", "US01", "US-NE", date(2026, 11, 27), (line,)),
        locations=(Location("WH-EAST", "US01"), Location("WH-WEST", "US02")),
        items=(Item("SKU-1", 8.10, (Substitute("SKU-1B", 1),)), Item("SKU-1B", 8.40)),
        stock=(StockPosition("SKU-1", "WH-EAST", 25), StockPosition("SKU-1", "WH-EAST", 5, "quality_hold")),
        inbound=(InboundSupply("SKU-1", "WH-EAST", 100, date(2026, 11, 30)),),
        shipping=(ShippingRoute("WH-EAST", "US-NE", 0.40, 1),),
        lanes=(TransferLane("WH-WEST", "WH-EAST", 0.25, 3, 500),),
        customers=(Customer("C-17", "strategic", True, 2),),
        protections=(Protection("SKU-1", "WH-EAST", 10, "gold"),),
        policy=Policy(("strategic", "gold", "silver", "standard"), 30, 1000),
    )


def _small() -> AllocationProblem:
    return preset("small", BASE_SEED)


def _warehouse_closed() -> AllocationProblem:
    base = _small()
    return warehouse_closed(base, busiest_location(base))


DATASETS: dict[str, Callable[[], AllocationProblem]] = {
    "spec_example": spec_example,
    "small": _small,
    "medium": lambda: preset("medium", BASE_SEED),
    "regional_shortage": lambda: regional_shortage(_small()),
    "warehouse_closed": _warehouse_closed,
    "supplier_slip": lambda: supplier_slip(_small(), 14),
    "demand_spike": lambda: demand_spike(_small(), 1.5),
}


def load_request(name: str) -> Json:
    """The committed request body of dataset `name` (as `python -m scenarios.make_datasets` wrote it)."""
    text = resources.files("scenarios").joinpath("data", f"{name}.json").read_text(encoding="utf-8")
    body: Json = json.loads(text)
    return body


def load(name: str) -> AllocationProblem:
    """The committed dataset `name` as a problem."""
    return read_request(load_request(name)).problem
