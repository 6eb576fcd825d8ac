"""Modifiers applied to the spec's input (a plain dict, never changed in place): each returns a new input that
shares every part it does not change, so fifty scenarios over a 20,000-line book copy only what they touch.

Supply rows carry no supplier in the spec, so a supplier's slip is written as a delay of the inbound of its
items (and/or into its receiving locations). A location out from `from` to `to` makes its available stock and
the inbound due in that window usable only the day after `to` (when the window covers `as_of`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from optimizers.problem import DEFAULT_TIERS
from scenarios.batches.errors import BatchError
from scenarios.batches.model import Modifier

Input = dict[str, Any]


def _net(data: Input) -> dict[str, Any]:
    net: dict[str, Any] = data.get("network") or {}
    return net


def _with_net(data: Input, **parts: Any) -> Input:
    return {**data, "network": {**_net(data), **parts}}


def _tiers(data: Input) -> dict[str, str]:
    return {c["id"]: c.get("tier") or "none" for c in _net(data).get("customers", [])}


def _order_filter(data: Input, p: dict[str, Any]) -> Callable[[dict[str, Any]], bool]:
    tiers = _tiers(data)

    def match(order: dict[str, Any]) -> bool:
        return ((p.get("regions") is None or order.get("ship_to_region") in p["regions"])
                and (p.get("customers") is None or order.get("customer") in p["customers"])
                and (p.get("orders") is None or order.get("id") in p["orders"])
                and (p.get("tiers") is None or tiers.get(order.get("customer", ""), "none") in p["tiers"]))  # fmt: skip

    return match


def _map_lines(data: Input, p: dict[str, Any], change: Callable[[dict[str, Any]], dict[str, Any] | None]) -> Input:
    match, items = _order_filter(data, p), p.get("items")
    orders = []
    for order in data.get("orders", []):
        if not match(order):
            orders.append(order)
            continue
        lines = [ln if items is not None and ln.get("item") not in items else change(ln) for ln in order["lines"]]
        kept = [ln for ln in lines if ln is not None]
        if kept:
            orders.append({**order, "lines": kept})
    return {**data, "orders": orders}


def _scale(value: float, percent: float) -> float:
    return value * (100 + percent) / 100


def demand(data: Input, p: dict[str, Any]) -> Input:
    """Line quantities scaled by `percent` (rounded half up); a line scaled to 0 is dropped, and so is an order
    left with no line; confirmed units are capped at the new quantity."""

    def change(ln: dict[str, Any]) -> dict[str, Any] | None:
        qty = math.floor(_scale(ln["qty"], p["percent"]) + 0.5)
        return {**ln, "qty": qty, "confirmed_qty": min(ln.get("confirmed_qty") or 0, qty)} if qty > 0 else None

    return _map_lines(data, p, change)


def price(data: Input, p: dict[str, Any]) -> Input:
    """Line prices scaled by `percent` (the pricing rules then judge the new prices)."""
    return _map_lines(data, p, lambda ln: {**ln, "unit_price": round(_scale(ln["unit_price"], p["percent"]), 2)})


def cost(data: Input, p: dict[str, Any]) -> Input:
    """Item costs scaled by `percent`."""
    items = p.get("items")
    rows = [{**i, "unit_cost": round(_scale(i["unit_cost"], p["percent"]), 4)} if items is None or i["id"] in items
            else i for i in _net(data).get("items", [])]  # fmt: skip
    return _with_net(data, items=rows)


def _shift(eta: str, days: int) -> str:
    return (date.fromisoformat(eta) + timedelta(days=days)).isoformat()


def delay(data: Input, p: dict[str, Any]) -> Input:
    """Inbound of the given items and/or into the given locations arrives `days` later."""
    items, locs = p.get("items"), p.get("locations")
    rows = [{**r, "eta": _shift(r["eta"], p["days"])} if (items is None or r["item"] in items)
            and (locs is None or r["location"] in locs) else r for r in _net(data).get("inbound", [])]  # fmt: skip
    return _with_net(data, inbound=rows)


def location_out(data: Input, p: dict[str, Any]) -> Input:
    """The location ships nothing from `from` to `to`: what it holds or receives then waits for the day after."""
    loc, first, last = p["location"], p["from"], p["to"]
    reopen = _shift(last, 1)
    inbound = [{**r, "eta": reopen} if r["location"] == loc and first <= r["eta"] <= last else r
               for r in _net(data).get("inbound", [])]  # fmt: skip
    stock = _net(data).get("stock", [])
    if first <= data["as_of"] <= last:
        held = [r for r in stock if r["location"] == loc and r.get("status", "available") == "available"]
        inbound += [{"item": r["item"], "location": loc, "qty": r["qty"], "eta": reopen} for r in held if r["qty"]]
        stock = [r for r in stock if not (r["location"] == loc and r.get("status", "available") == "available")]
    return _with_net(data, inbound=inbound, stock=stock)


def stock(data: Input, p: dict[str, Any]) -> Input:
    """The available stock of an item at a location changed by `change` units (not below 0) or `set` to a figure."""
    rows, found = [], False
    for r in _net(data).get("stock", []):
        if r["item"] == p["item"] and r["location"] == p["location"] and r.get("status", "available") == "available":
            found = True
            r = {**r, "qty": p["set"] if "set" in p else max(0, r["qty"] + p["change"])}
        rows.append(r)
    if not found:
        rows.append({"item": p["item"], "location": p["location"], "qty": p.get("set", max(0, p.get("change", 0)))})
    return _with_net(data, stock=rows)


def _edit(row: dict[str, Any], p: dict[str, Any], time_key: str) -> dict[str, Any]:
    out = dict(row)
    if "unit_cost" in p:
        out["unit_cost"] = p["unit_cost"]
    if "cost_percent" in p:
        out["unit_cost"] = round(_scale(row["unit_cost"], p["cost_percent"]), 4)
    if time_key in p:
        out[time_key] = p[time_key]
    if "capacity" in p:
        out["capacity"] = p["capacity"]
    return out


def lane(data: Input, p: dict[str, Any]) -> Input:
    """A transfer lane's cost, lead time or capacity changed, or the lane closed."""
    rows = []
    for r in _net(data).get("lanes", []):
        if r["from"] == p["from"] and r["to"] == p["to"]:
            if p.get("closed"):
                continue
            r = _edit(r, p, "lead_days")
        rows.append(r)
    return _with_net(data, lanes=rows)


def route(data: Input, p: dict[str, Any]) -> Input:
    """A shipping route's cost or transit time changed, or the route closed."""
    rows = []
    for r in _net(data).get("shipping", []):
        if r["location"] == p["location"] and r["region"] == p["region"]:
            if p.get("closed"):
                continue
            r = _edit(r, p, "transit_days")
        rows.append(r)
    return _with_net(data, shipping=rows)


def new_orders(data: Input, p: dict[str, Any]) -> Input:
    """Orders added to the book (the spec's order objects)."""
    return {**data, "orders": [*data.get("orders", []), *p["orders"]]}


def policy(data: Input, p: dict[str, Any]) -> Input:
    """The run's policy, segments (strategies) or protections changed."""
    out = {
        **data,
        "policy": {
            **(data.get("policy") or {}),
            **{k: p[k] for k in ("tiers", "fair_share", "horizon_days", "time_limit_ms") if k in p},
        },
    }
    if "segments" in p:
        out["strategy"] = {**(data.get("strategy") or {}), "segments": p["segments"]}
    if "protections" in p:
        out = _with_net(out, protections=p["protections"])
    if "add_protections" in p:
        out = _with_net(out, protections=[*_net(out).get("protections", []), *p["add_protections"]])
    return out


APPLY: dict[str, Callable[[Input, dict[str, Any]], Input]] = {
    "delay": delay, "demand": demand, "location_out": location_out, "stock": stock, "lane": lane, "route": route,
    "price": price, "cost": cost, "new_orders": new_orders, "policy": policy,
}  # fmt: skip


def apply(data: Input, modifiers: tuple[Modifier, ...]) -> Input:
    """`data` with every modifier applied in the order written."""
    for mod in modifiers:
        data = APPLY[mod.type](data, mod.params)
    return data


def check(data: Input, modifiers: tuple[Modifier, ...]) -> None:
    """Refuse a modifier that names what the base does not have (`BatchError` naming its field)."""
    net = _net(data)
    known = {
        "items": {i["id"] for i in net.get("items", [])},
        "locations": {loc["id"] for loc in net.get("locations", [])},
        "customers": {c["id"] for c in net.get("customers", [])},
        "regions": {o.get("ship_to_region") for o in data.get("orders", [])} | {r["region"] for r in
                                                                                 net.get("shipping", [])},
        "orders": {o.get("id") for o in data.get("orders", [])},
        "tiers": {*(data.get("policy") or {}).get("tiers", DEFAULT_TIERS), "none"},
    }  # fmt: skip
    known["item"], known["location"], known["region"] = known["items"], known["locations"], known["regions"]
    lanes = {(r["from"], r["to"]) for r in net.get("lanes", [])}
    routes = {(r["location"], r["region"]) for r in net.get("shipping", [])}
    for mod in modifiers:
        for key, value in mod.params.items():
            names = value if isinstance(value, list) else [value]
            if key in known and mod.type not in ("new_orders", "policy"):
                missing = [n for n in names if n not in known[key]]
                if missing:
                    raise BatchError(f"{mod.path}.{key}", f"{missing[0]!r} is not in the base")
        if mod.type == "lane" and (mod.params["from"], mod.params["to"]) not in lanes:
            raise BatchError(mod.path, f"the base has no lane from {mod.params['from']} to {mod.params['to']}")
        if mod.type == "route" and (mod.params["location"], mod.params["region"]) not in routes:
            raise BatchError(mod.path, f"the base has no route from {mod.params['location']} to "
                             f"{mod.params['region']}")  # fmt: skip
