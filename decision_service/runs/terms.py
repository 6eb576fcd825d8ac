"""The commercial terms a run's input carries for the rules, taken out before the core reads the rest.

A run's `network` is the allocation request's network, unchanged, and its orders and lines take the allocation
request's fields: customers may carry their credit position, lines their list and contract prices, orders their
channel. The optimizer needs none of them; the pricing and credit tables read them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from decision_service.orders.request import DEFAULT_CHANNEL, CustomerCredit, LinePrices
from optimizers.reallocation import InvalidRun

CREDIT_FIELDS = ("credit_limit", "open_balance", "days_overdue", "risk_score", "contractual_penalty")
PRICE_FIELDS = ("list_price", "contract_price")


@dataclass(frozen=True, slots=True)
class RunTerms:
    """Credit by customer, reference prices by order, channel by order."""

    credit: dict[str, CustomerCredit] = field(default_factory=dict)
    prices: dict[str, list[LinePrices]] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)


def split_terms(data: Any) -> tuple[Any, RunTerms]:
    """The input without its commercial fields (for the core) and those fields (for the rules)."""
    if not isinstance(data, dict):
        return data, RunTerms()
    core, terms = copy.copy(data), RunTerms()
    network = core.get("network")
    if isinstance(network, dict) and isinstance(network.get("customers"), list):
        core["network"] = {**network, "customers": [_credit(c, f"network.customers[{i}]", terms)
                                                    for i, c in enumerate(network["customers"])]}  # fmt: skip
    if isinstance(core.get("orders"), list):
        core["orders"] = [_order(o, f"orders[{i}]", terms) for i, o in enumerate(core["orders"])]
    return core, terms


def _credit(row: Any, path: str, terms: RunTerms) -> Any:
    if not isinstance(row, dict) or not any(k in row for k in CREDIT_FIELDS):
        return row
    given = {k: row[k] for k in CREDIT_FIELDS if k in row and row[k] is not None}
    for k, v in given.items():
        expected = bool if k == "contractual_penalty" else (int if k == "days_overdue" else (int, float))
        if not isinstance(v, expected) or (k != "contractual_penalty" and (isinstance(v, bool) or v < 0)):
            raise InvalidRun(f"{path}.{k}", "must be a non-negative number" if k != "contractual_penalty" else
                             "must be true or false")  # fmt: skip
    terms.credit[str(row.get("id"))] = CustomerCredit(str(row.get("id")), **given)
    return {k: v for k, v in row.items() if k not in CREDIT_FIELDS}


def _order(order: Any, path: str, terms: RunTerms) -> Any:
    if not isinstance(order, dict):
        return order
    out = {k: v for k, v in order.items() if k != "channel"}
    channel = order.get("channel", DEFAULT_CHANNEL)
    if not isinstance(channel, str) or not channel:
        raise InvalidRun(f"{path}.channel", "must be a non-empty string")
    terms.channels[str(order.get("id"))] = channel
    if isinstance(order.get("lines"), list):
        out["lines"] = [_line(ln, f"{path}.lines[{i}]", str(order.get("id")), terms)
                        for i, ln in enumerate(order["lines"])]  # fmt: skip
    return out


def _line(line: Any, path: str, order_id: str, terms: RunTerms) -> Any:
    if not isinstance(line, dict) or not any(k in line for k in PRICE_FIELDS):
        return line
    given = {k: line[k] for k in PRICE_FIELDS if line.get(k) is not None}
    for k, v in given.items():
        if isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
            raise InvalidRun(f"{path}.{k}", "must be a non-negative number")
    terms.prices.setdefault(order_id, []).append(LinePrices(int(line.get("line", 0)), **given))
    return {k: v for k, v in line.items() if k not in PRICE_FIELDS}
