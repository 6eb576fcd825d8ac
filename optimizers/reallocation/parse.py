"""The spec's JSON input (a plain dict, already decoded) read into a `ReallocationProblem`.

Every refusal is an `InvalidRun` naming the field, e.g. `orders[3].lines[0].confirmed_qty`; references must
resolve as in `docs/allocation-reading.md` (items, locations, lanes, customers, tiers, segment tiers).
"""

from __future__ import annotations

from typing import Any

from optimizers.problem import (
    DEFAULT_TIERS,
    Customer,
    InboundSupply,
    Item,
    Location,
    Protection,
    ShippingRoute,
    StockPosition,
    Substitute,
    TransferLane,
)
from optimizers.reallocation.checks import check_references
from optimizers.reallocation.errors import InvalidRun
from optimizers.reallocation.problem import (
    COUNTERFACTUALS,
    DEFAULT_TIME_LIMIT_MS,
    Network,
    ReallocationProblem,
    RunLine,
    RunOrder,
    RunPolicy,
    Segment,
    Strategy,
)
from optimizers.reallocation.reader import count, day, field, flag, many, money, obj, text, texts


def _location(v: Any, p: str) -> Location:
    d = obj(v, p, {"id", "entity"})
    return Location(field(d, "id", p, text), field(d, "entity", p, text))


def _substitute(v: Any, p: str) -> Substitute:
    d = obj(v, p, {"item", "rank"})
    return Substitute(field(d, "item", p, text), field(d, "rank", p, count))


def _item(v: Any, p: str) -> Item:
    d = obj(v, p, {"id", "unit_cost", "substitutes"})
    return Item(
        field(d, "id", p, text), field(d, "unit_cost", p, money), field(d, "substitutes", p, many(_substitute), ())
    )


def _stock(v: Any, p: str) -> StockPosition:
    d = obj(v, p, {"item", "location", "qty", "status"})
    return StockPosition(
        field(d, "item", p, text), field(d, "location", p, text), field(d, "qty", p, count),
        field(d, "status", p, text, "available"),
    )  # fmt: skip


def _inbound(v: Any, p: str) -> InboundSupply:
    d = obj(v, p, {"item", "location", "qty", "eta"})
    return InboundSupply(
        field(d, "item", p, text), field(d, "location", p, text), field(d, "qty", p, count), field(d, "eta", p, day)
    )


def _shipping(v: Any, p: str) -> ShippingRoute:
    d = obj(v, p, {"location", "region", "unit_cost", "transit_days"})
    return ShippingRoute(
        field(d, "location", p, text), field(d, "region", p, text), field(d, "unit_cost", p, money),
        field(d, "transit_days", p, count),
    )  # fmt: skip


def _lane(v: Any, p: str) -> TransferLane:
    d = obj(v, p, {"from", "to", "unit_cost", "lead_days", "capacity"})
    return TransferLane(
        field(d, "from", p, text), field(d, "to", p, text), field(d, "unit_cost", p, money),
        field(d, "lead_days", p, count), field(d, "capacity", p, count, None),
    )  # fmt: skip


def _customer(v: Any, p: str) -> Customer:
    d = obj(v, p, {"id", "tier", "allow_substitution", "max_shipments"})
    return Customer(
        field(d, "id", p, text), field(d, "tier", p, text, None), field(d, "allow_substitution", p, flag, True),
        field(d, "max_shipments", p, count, None),
    )  # fmt: skip


def _protection(v: Any, p: str) -> Protection:
    d = obj(v, p, {"item", "location", "qty", "min_tier"})
    return Protection(
        field(d, "item", p, text), field(d, "location", p, text), field(d, "qty", p, count),
        field(d, "min_tier", p, text),
    )  # fmt: skip


def _network(v: Any, p: str) -> Network:
    keys = {"locations", "items", "stock", "inbound", "shipping", "lanes", "customers", "protections"}
    d = obj(v, p, keys)
    return Network(
        field(d, "locations", p, many(_location), ()),
        field(d, "items", p, many(_item), ()),
        field(d, "stock", p, many(_stock), ()),
        field(d, "inbound", p, many(_inbound), ()),
        field(d, "shipping", p, many(_shipping), ()),
        field(d, "lanes", p, many(_lane), ()),
        field(d, "customers", p, many(_customer), ()),
        field(d, "protections", p, many(_protection), ()),
    )


def _line(v: Any, p: str) -> RunLine:
    keys = {"line", "item", "qty", "unit_price", "allow_substitution", "ship_complete", "confirmed_qty"}
    d = obj(v, p, keys)
    qty = field(d, "qty", p, count)
    confirmed = field(d, "confirmed_qty", p, count, 0)
    if confirmed > qty:
        raise InvalidRun(f"{p}.confirmed_qty", f"may not exceed qty ({qty})")
    return RunLine(
        field(d, "line", p, count), field(d, "item", p, text), qty, field(d, "unit_price", p, money),
        field(d, "allow_substitution", p, flag, True), field(d, "ship_complete", p, flag, False), confirmed,
    )  # fmt: skip


def _order(as_of: Any) -> Any:
    def read(v: Any, p: str) -> RunOrder:
        keys = {"id", "customer", "entity", "ship_to_region", "requested_date", "created", "lines"}
        d = obj(v, p, keys)
        return RunOrder(
            field(d, "id", p, text), field(d, "customer", p, text), field(d, "entity", p, text),
            field(d, "ship_to_region", p, text), field(d, "requested_date", p, day),
            field(d, "created", p, day, as_of), field(d, "lines", p, many(_line)),
        )  # fmt: skip

    return read


def _segment(v: Any, p: str) -> Segment:
    d = obj(v, p, {"name", "strategy", "tiers", "customers", "orders", "regions", "entities"})
    raw = field(d, "strategy", p, text)
    if raw not in Strategy.__members__.values():
        raise InvalidRun(f"{p}.strategy", f"must be one of {', '.join(s.value for s in Strategy)}")
    filters = (field(d, k, p, texts, None) for k in ("tiers", "customers", "orders", "regions", "entities"))
    return Segment(field(d, "name", p, text), Strategy(raw), *filters)


def _policy(v: Any, p: str) -> RunPolicy:
    d = obj(v, p, {"tiers", "horizon_days", "fair_share", "time_limit_ms", "counterfactuals"})
    return RunPolicy(
        field(d, "tiers", p, texts, DEFAULT_TIERS), field(d, "horizon_days", p, count, 30),
        field(d, "fair_share", p, flag, True), field(d, "time_limit_ms", p, count, DEFAULT_TIME_LIMIT_MS),
        field(d, "counterfactuals", p, _verifying, "budget"),
    )  # fmt: skip


def _verifying(v: Any, p: str) -> str:
    if v not in COUNTERFACTUALS:
        raise InvalidRun(p, f"must be one of {', '.join(COUNTERFACTUALS)}")
    return str(v)


def parse(data: Any) -> ReallocationProblem:
    """The run described by the spec's JSON input; `InvalidRun(field, detail)` when it is not valid."""
    d = obj(data, "", {"as_of", "network", "orders", "strategy", "policy"})
    as_of = field(d, "as_of", "", day)
    strategy = obj(d.get("strategy") or {}, "strategy", {"segments"})
    problem = ReallocationProblem(
        as_of,
        field(d, "network", "", _network),
        field(d, "orders", "", many(_order(as_of))),
        field(strategy, "segments", "strategy", many(_segment), ()),
        field(d, "policy", "", _policy, RunPolicy()),
    )
    check_references(problem)
    return problem
