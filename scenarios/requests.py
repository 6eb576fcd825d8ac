"""`AllocationProblem` <-> the JSON request body of `POST /v1/allocations` (shared/spec/allocation.md).

The service's own schemas are the edge that validates; this is the plain mapping the generator, the datasets,
the benchmark and the load test need, with no web framework. Every field is written out, defaults included,
so a request reads the same whichever defaults a reader assumes; an unlimited lane simply has no `capacity`
and a customer with no tier no `tier`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

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

Json = dict[str, Any]


def problem_to_request(problem: AllocationProblem) -> Json:
    """The exact request body the spec defines for `problem`."""
    return {
        "as_of": problem.as_of.isoformat(),
        "order": _order(problem.order),
        "network": {
            "locations": [{"id": x.id, "entity": x.entity} for x in problem.locations],
            "items": [_item(x) for x in problem.items],
            "stock": [
                {"item": x.item, "location": x.location, "qty": x.qty, "status": x.status} for x in problem.stock
            ],
            "inbound": [
                {"item": x.item, "location": x.location, "qty": x.qty, "eta": x.eta.isoformat()}
                for x in problem.inbound
            ],
            "shipping": [
                {
                    "location": x.location,
                    "region": x.region,
                    "unit_cost": x.unit_cost,
                    "transit_days": x.transit_days,
                }
                for x in problem.shipping
            ],
            "lanes": [_lane(x) for x in problem.lanes],
            "customers": [_customer(x) for x in problem.customers],
            "protections": [
                {"item": x.item, "location": x.location, "qty": x.qty, "min_tier": x.min_tier}
                for x in problem.protections
            ],
        },
        "policy": {
            "tiers": list(problem.policy.tiers),
            "horizon_days": problem.policy.horizon_days,
            "time_limit_ms": problem.policy.time_limit_ms,
        },
    }


def _order(order: Order) -> Json:
    lines = [
        {
            "line": x.line,
            "item": x.item,
            "qty": x.qty,
            "unit_price": x.unit_price,
            "allow_substitution": x.allow_substitution,
            "ship_complete": x.ship_complete,
        }
        for x in order.lines
    ]
    return {
        "id": order.id,
        "customer": order.customer,
        "entity": order.entity,
        "ship_to_region": order.ship_to_region,
        "requested_date": order.requested_date.isoformat(),
        "lines": lines,
    }


def _item(item: Item) -> Json:
    subs = [{"item": s.item, "rank": s.rank} for s in item.substitutes]
    return {"id": item.id, "unit_cost": item.unit_cost, "substitutes": subs}


def _lane(lane: TransferLane) -> Json:
    body: Json = {"from": lane.from_location, "to": lane.to_location, "unit_cost": lane.unit_cost}
    body["lead_days"] = lane.lead_days
    if lane.capacity is not None:
        body["capacity"] = lane.capacity
    return body


def _customer(customer: Customer) -> Json:
    body: Json = {"id": customer.id}
    if customer.tier is not None:
        body["tier"] = customer.tier
    body["allow_substitution"] = customer.allow_substitution
    body["max_shipments"] = customer.max_shipments
    return body


def request_to_problem(body: Json) -> AllocationProblem:
    """The problem a well-formed body describes, spec defaults applied; validation is the service's job."""
    net, policy = body["network"], body.get("policy", {})
    return AllocationProblem(
        as_of=date.fromisoformat(body["as_of"]),
        order=_parse_order(body["order"]),
        locations=tuple(Location(x["id"], x["entity"]) for x in net["locations"]),
        items=tuple(
            Item(
                x["id"],
                x["unit_cost"],
                tuple(Substitute(s["item"], s["rank"]) for s in x.get("substitutes", [])),
            )
            for x in net["items"]
        ),
        stock=tuple(
            StockPosition(x["item"], x["location"], x["qty"], x.get("status", "available")) for x in net["stock"]
        ),
        inbound=tuple(
            InboundSupply(x["item"], x["location"], x["qty"], date.fromisoformat(x["eta"]))
            for x in net.get("inbound", [])
        ),
        shipping=tuple(
            ShippingRoute(x["location"], x["region"], x["unit_cost"], x["transit_days"]) for x in net["shipping"]
        ),
        lanes=tuple(
            TransferLane(x["from"], x["to"], x["unit_cost"], x["lead_days"], x.get("capacity"))
            for x in net.get("lanes", [])
        ),
        customers=tuple(
            Customer(x["id"], x.get("tier"), x.get("allow_substitution", True), x.get("max_shipments"))
            for x in net.get("customers", [])
        ),
        protections=tuple(
            Protection(x["item"], x["location"], x["qty"], x["min_tier"]) for x in net.get("protections", [])
        ),
        policy=Policy(
            tuple(policy.get("tiers", Policy().tiers)),
            policy.get("horizon_days", 30),
            policy.get("time_limit_ms", 1000),
        ),
    )


def _parse_order(order: Json) -> Order:
    lines = tuple(
        OrderLine(
            x["line"],
            x["item"],
            x["qty"],
            x["unit_price"],
            x.get("allow_substitution", True),
            x.get("ship_complete", False),
        )
        for x in order["lines"]
    )
    requested = date.fromisoformat(order["requested_date"])
    return Order(order["id"], order["customer"], order["entity"], order["ship_to_region"], requested, lines)
