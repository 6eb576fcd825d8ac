"""A request's network as the rows the network store keeps: validated by the request's own schema, each row in
its JSON shape with every default explicit, rows with the same key added up (they pool together anyway)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from decision_service.codec.errors import InvalidRequest, flatten_messages
from decision_service.codec.schemas.references import reference_errors
from decision_service.network.model import Row, key_of
from decision_service.orders.request import CustomerCredit
from optimizers.problem import AllocationProblem, Customer, Item, Order, Policy, TransferLane

ADDED_UP = ("stock", "inbound", "protections")
ANY_DAY = date(2000, 1, 1)  # the references of a network do not depend on the date


def item_row(item: Item) -> Row:
    """An item as a network row."""
    return {"id": item.id, "unit_cost": item.unit_cost,
            "substitutes": [{"item": s.item, "rank": s.rank} for s in item.substitutes]}  # fmt: skip


def lane_row(lane: TransferLane) -> Row:
    """A transfer lane as a network row."""
    return {"from": lane.from_location, "to": lane.to_location, "unit_cost": lane.unit_cost,
            "lead_days": lane.lead_days, "capacity": lane.capacity}  # fmt: skip


def customer_row(loaded: tuple[Customer, CustomerCredit]) -> Row:
    """A customer and its credit position as one network row."""
    customer, credit = loaded
    row = customer._asdict()
    row.update({name: getattr(credit, name) for name in
                ("credit_limit", "open_balance", "days_overdue", "risk_score", "contractual_penalty")})  # fmt: skip
    return row


def _plain(record: Any) -> Row:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in record._asdict().items()}


def snapshot_rows(network: dict[str, Any]) -> dict[str, list[Row]]:
    """The rows of a network `NetworkSchema` loaded, or `InvalidRequest` naming each unresolved reference."""
    _check_references(network)
    convert: dict[str, Callable[[Any], Row]] = {"items": item_row, "lanes": lane_row, "customers": customer_row}
    tables: dict[str, list[Row]] = {}
    for kind, records in network.items():
        rows = [convert.get(kind, _plain)(record) for record in records]
        tables[kind] = _added_up(kind, rows) if kind in ADDED_UP else rows
    return tables


def _added_up(kind: str, rows: list[Row]) -> list[Row]:
    merged: dict[str, Row] = {}
    for row in rows:
        key = key_of(kind, row)
        merged[key] = {**row, "qty": merged[key]["qty"] + row["qty"]} if key in merged else row
    return list(merged.values())


def _check_references(network: dict[str, Any]) -> None:
    """Every reference inside the network resolves and every id is unique (tiers are checked per decision)."""
    customers = tuple(c for c, _ in network["customers"])
    tiers = {c.tier for c in customers if c.tier} | {p.min_tier for p in network["protections"]}
    order = Order("-", customers[0].id if customers else "-", "-", "-", ANY_DAY, ())  # an order of no lines
    policy = Policy(tiers=tuple(sorted(tiers)) or ("-",))
    problem = AllocationProblem(as_of=ANY_DAY, order=order, policy=policy, **{**network, "customers": customers})
    errors = reference_errors(problem).get("network")
    if errors:
        raise InvalidRequest(flatten_messages(errors))
