"""An `OrderRequest` to the JSON body of `POST /v1/allocations` (shared/spec/allocation.md, docs/rules.md).

Every field is written out, defaults included, so a request reads the same whichever defaults a reader
assumes; an unlimited lane simply has no `capacity`, a customer with no tier no `tier`, a policy with no work
limit no `work_limit`. Reading a body back is `codec.schemas.request.load_request`, which validates: the
generator, the datasets, the benchmark and the load test write with this and read with that.
"""

from __future__ import annotations

from typing import Any

from decision_service.orders.request import CustomerCredit, LinePrices, OrderRequest, OrderTerms
from optimizers.problem import AllocationProblem, Customer, Item, Order, OrderLine, Policy, TransferLane

Json = dict[str, Any]


def problem_body(problem: AllocationProblem) -> Json:
    """The request body of `problem` with the default commercial terms."""
    return request_body(OrderRequest(problem))


def request_body(request: OrderRequest) -> Json:
    """The exact request body that reads back as `request`."""
    problem, terms = request.problem, request.terms
    return {
        "as_of": problem.as_of.isoformat(),
        "order": _order(problem.order, terms),
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
            "customers": [_customer(x, terms.credit_of(x.id)) for x in problem.customers],
            "protections": [
                {"item": x.item, "location": x.location, "qty": x.qty, "min_tier": x.min_tier}
                for x in problem.protections
            ],
        },
        "policy": _policy(problem.policy),
        "explain": request.explain.value,
    }


def _policy(policy: Policy) -> Json:
    body: Json = {"tiers": list(policy.tiers), "horizon_days": policy.horizon_days}
    body["time_limit_ms"] = policy.time_limit_ms
    if policy.work_limit is not None:
        body["work_limit"] = policy.work_limit
    return body


def _order(order: Order, terms: OrderTerms) -> Json:
    prices = terms.prices_by_line()
    lines = [_line(x, prices.get(x.line) or LinePrices(x.line)) for x in order.lines]
    return {
        "id": order.id,
        "customer": order.customer,
        "entity": order.entity,
        "ship_to_region": order.ship_to_region,
        "requested_date": order.requested_date.isoformat(),
        "lines": lines,
        "channel": terms.channel,
    }


def _line(x: OrderLine, prices: LinePrices) -> Json:
    return {
        "line": x.line,
        "item": x.item,
        "qty": x.qty,
        "unit_price": x.unit_price,
        "allow_substitution": x.allow_substitution,
        "ship_complete": x.ship_complete,
        "list_price": prices.list_price,
        "contract_price": prices.contract_price,
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


def _customer(customer: Customer, credit: CustomerCredit) -> Json:
    body: Json = {"id": customer.id}
    if customer.tier is not None:
        body["tier"] = customer.tier
    body["allow_substitution"] = customer.allow_substitution
    body["max_shipments"] = customer.max_shipments
    body["credit_limit"] = credit.credit_limit
    body["open_balance"] = credit.open_balance
    body["days_overdue"] = credit.days_overdue
    body["risk_score"] = credit.risk_score
    body["contractual_penalty"] = credit.contractual_penalty
    return body
