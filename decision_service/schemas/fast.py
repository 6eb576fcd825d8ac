"""A fast path for well-formed requests: plain-Python conversion of the JSON into an `AllocationProblem`.

marshmallow costs milliseconds per small request (tens per 1,000 rows), too much for the HTTP latency target.
This converter accepts only what the schemas accept and builds the same problem; on anything it is not sure
of it gives up (`None`) and the schemas run to produce the full, field-by-field error report. A property test
holds the two paths to the same result.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, NoReturn

from decision_service.schemas import fields as f
from optimizers import problem as p


class _GiveUp(Exception):
    pass


def _give_up() -> NoReturn:
    raise _GiveUp


def _obj(value: Any, required: frozenset[str], allowed: frozenset[str]) -> dict[str, Any]:
    if type(value) is not dict or not required <= value.keys() <= allowed:
        _give_up()
    return value


def _text(value: Any) -> str:
    if type(value) is not str or not 0 < len(value) <= f.MAX_TEXT or not value.isascii():
        _give_up()  # non-ASCII text is left to the schema's UTF-8 check
    return value


def _int(value: Any, high: int, low: int = 0) -> int:
    if type(value) is not int or not low <= value <= high:
        _give_up()
    return value


def _bool(value: Any) -> bool:
    if value is not True and value is not False:
        _give_up()
    return value


def _money(value: Any) -> float:
    if type(value) is int and 0 <= value <= f.MAX_MONEY:
        return float(value)
    if type(value) is float and math.isfinite(value):
        value = Decimal(repr(value))  # as the Money field reads a float
    if type(value) is not Decimal or not value.is_finite() or not 0 <= value <= f.MAX_MONEY:
        _give_up()
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -f.MONEY_PLACES and f.decimal_places(value) > f.MONEY_PLACES:
        _give_up()
    return float(value)


def _date(value: Any) -> date:
    if type(value) is not str or len(value) != 10 or not f.ISO_DATE.fullmatch(value):
        _give_up()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        _give_up()
    if not f.MIN_DATE <= day <= f.MAX_DATE:
        _give_up()
    return day


def _rows(value: Any, make: Callable[[Any], Any], high: int = f.MAX_ROWS, low: int = 0) -> tuple[Any, ...]:
    if type(value) is not list or not low <= len(value) <= high:
        _give_up()
    return tuple(make(row) for row in value)


def _keys(*names: str) -> frozenset[str]:
    return frozenset(names)


def _line(v: Any) -> p.OrderLine:
    v = _obj(v, _keys("line", "item", "qty", "unit_price"), LINE_KEYS)
    return p.OrderLine(
        _int(v["line"], f.MAX_QTY), _text(v["item"]), _int(v["qty"], f.MAX_QTY), _money(v["unit_price"]),
        _bool(v.get("allow_substitution", True)), _bool(v.get("ship_complete", False)),
    )  # fmt: skip


LINE_KEYS = _keys("line", "item", "qty", "unit_price", "allow_substitution", "ship_complete")
ORDER_KEYS = _keys("id", "customer", "entity", "ship_to_region", "requested_date", "lines")


def _order(v: Any) -> p.Order:
    v = _obj(v, ORDER_KEYS, ORDER_KEYS)
    lines = _rows(v["lines"], _line, f.MAX_LINES, 1)
    texts = (_text(v["id"]), _text(v["customer"]), _text(v["entity"]), _text(v["ship_to_region"]))
    return p.Order(*texts, _date(v["requested_date"]), lines)


def _location(v: Any) -> p.Location:
    v = _obj(v, _keys("id", "entity"), _keys("id", "entity"))
    return p.Location(_text(v["id"]), _text(v["entity"]))


def _substitute(v: Any) -> p.Substitute:
    v = _obj(v, _keys("item", "rank"), _keys("item", "rank"))
    return p.Substitute(_text(v["item"]), _int(v["rank"], 1000))


def _item(v: Any) -> p.Item:
    v = _obj(v, _keys("id", "unit_cost"), _keys("id", "unit_cost", "substitutes"))
    subs = _rows(v.get("substitutes", []), _substitute, f.MAX_TEXT)
    return p.Item(_text(v["id"]), _money(v["unit_cost"]), subs)


def _stock(v: Any) -> p.StockPosition:
    v = _obj(v, _keys("item", "location", "qty"), _keys("item", "location", "qty", "status"))
    status = _text(v.get("status", "available"))
    return p.StockPosition(_text(v["item"]), _text(v["location"]), _int(v["qty"], f.MAX_QTY), status)


def _inbound(v: Any) -> p.InboundSupply:
    keys = _keys("item", "location", "qty", "eta")
    v = _obj(v, keys, keys)
    return p.InboundSupply(_text(v["item"]), _text(v["location"]), _int(v["qty"], f.MAX_QTY), _date(v["eta"]))


def _shipping(v: Any) -> p.ShippingRoute:
    keys = _keys("location", "region", "unit_cost", "transit_days")
    v = _obj(v, keys, keys)
    cost, days = _money(v["unit_cost"]), _int(v["transit_days"], f.MAX_DAYS)
    return p.ShippingRoute(_text(v["location"]), _text(v["region"]), cost, days)


def _lane(v: Any) -> p.TransferLane:
    v = _obj(
        v, _keys("from", "to", "unit_cost", "lead_days"), _keys("from", "to", "unit_cost", "lead_days", "capacity")
    )
    capacity = v.get("capacity")
    capacity = None if capacity is None else _int(capacity, f.MAX_QTY)
    cost, days = _money(v["unit_cost"]), _int(v["lead_days"], f.MAX_DAYS)
    return p.TransferLane(_text(v["from"]), _text(v["to"]), cost, days, capacity)


def _customer(v: Any) -> p.Customer:
    v = _obj(v, _keys("id"), _keys("id", "tier", "allow_substitution", "max_shipments"))
    tier, limit = v.get("tier"), v.get("max_shipments")
    tier = None if tier is None else _text(tier)
    limit = None if limit is None else _int(limit, f.MAX_QTY)
    return p.Customer(_text(v["id"]), tier, _bool(v.get("allow_substitution", True)), limit)


def _protection(v: Any) -> p.Protection:
    keys = _keys("item", "location", "qty", "min_tier")
    v = _obj(v, keys, keys)
    return p.Protection(_text(v["item"]), _text(v["location"]), _int(v["qty"], f.MAX_QTY), _text(v["min_tier"]))


NETWORK: dict[str, Callable[[Any], Any]] = {
    "locations": _location, "items": _item, "stock": _stock, "inbound": _inbound, "shipping": _shipping,
    "lanes": _lane, "customers": _customer, "protections": _protection,
}  # fmt: skip


def _policy(v: Any, time_limit_ms: Callable[[], int]) -> p.Policy:
    v = _obj(v, frozenset(), _keys("tiers", "horizon_days", "time_limit_ms"))
    tiers = _rows(v["tiers"], _text, 32, 1) if "tiers" in v else p.DEFAULT_TIERS
    limit = _int(v["time_limit_ms"], 60_000, 1) if "time_limit_ms" in v else time_limit_ms()
    return p.Policy(tiers, _int(v.get("horizon_days", 30), f.MAX_DAYS), limit)


def fast_problem(data: Any, today: Callable[[], date], time_limit_ms: Callable[[], int]) -> p.AllocationProblem | None:
    """The problem, when `data` is certainly schema-valid (references unchecked); None when unsure."""
    try:
        data = _obj(data, _keys("order", "network"), _keys("as_of", "order", "network", "policy"))
        network = _obj(data["network"], _keys("locations", "items"), frozenset(NETWORK))
        tables = {name: _rows(network.get(name, []), make) for name, make in NETWORK.items()}
        as_of = _date(data["as_of"]) if "as_of" in data else today()
        policy = _policy(data.get("policy", {}), time_limit_ms)
        return p.AllocationProblem(as_of=as_of, order=_order(data["order"]), policy=policy, **tables)
    except _GiveUp:
        return None
