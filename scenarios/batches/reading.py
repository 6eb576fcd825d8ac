"""A scenario's run read from the baseline's where its modifiers left the input alone.

Reading a run (`decision_service.runs.service.read_run`) parses every order and applies the pricing and credit
tables to each: 0.35-0.6 s of a plain 20,000-line scenario (2026-12-05), though a delay, a stock change, a
location out or a lane change leaves every order as it was, and a demand change most of them. The modifiers
never change the input in place (`scenarios.batches.modifiers`): an order they leave alone is the base's own
dict. An order read under the rules depends on nothing but that dict, the as-of date, the network's items,
customers and shipping rows (what the tables' view of the order holds, and the credit terms), the policy's tiers,
and the tables pinned on that date. (The view holds the policy's horizon too, but neither the pricing nor the
credit helpers read it: a policy scenario that moves the horizon reads no order again, where it read all 20,000
lines of the bench's book in 0.6 s.) So when a scenario shares all of those with the base, its
untouched orders take the base's reading; the rest (changed or new orders, the network, the policy) are read
as usual, and the whole problem is checked again (`check_references`: ids unique, references resolved).

Anything else, or any error on the way, is read the usual way, so a scenario's problem, and its errors with the
fields they name, are exactly what `read_run` gives (the tests compare them for every modifier kind).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from decision_service.runs.service import read_run
from optimizers.reallocation import ReallocationProblem
from optimizers.reallocation.checks import check_references
from optimizers.reallocation.problem import RunOrder

_SHARED_NETWORK = ("items", "customers", "shipping")  # what an order's reading reads of the network
_SHARED_POLICY = ("tiers",)  # and of the policy


@dataclass(frozen=True)
class BaseRead:
    """The base's input as the scenarios' modifiers get it, and its reading."""

    data: dict[str, Any]
    problem: ReallocationProblem
    versions: dict[str, str]
    orders: dict[int, tuple[dict[str, Any], RunOrder]]  # id(an order's dict) -> (that dict, the order as read)

    @classmethod
    def of(cls, data: dict[str, Any], problem: ReallocationProblem, versions: dict[str, str]) -> BaseRead:
        """From the base's own reading (`read_run(data)`): its orders come in the input's order."""
        orders = {id(o): (o, r) for o, r in zip(data["orders"], problem.orders, strict=True)}
        return cls(data, problem, versions, orders)


def read_base(data: dict[str, Any], ports: Any) -> BaseRead:
    problem, versions = read_run(data, ports)
    return BaseRead.of(data, problem, versions)


def read_scenario(data: Any, ports: Any, base: BaseRead | None) -> tuple[ReallocationProblem, dict[str, str]]:
    """What `read_run(data, ports)` gives, taking the orders `data` shares with `base` from its reading."""
    if base is None or not _shares_terms(data, base.data):
        return read_run(data, ports)
    try:
        return _reusing(data, ports, base)
    except Exception:  # noqa: BLE001 - the usual reading names the error's field exactly
        return read_run(data, ports)


def _reusing(data: dict[str, Any], ports: Any, base: BaseRead) -> tuple[ReallocationProblem, dict[str, str]]:
    orders = data["orders"]
    reused: dict[int, RunOrder] = {}
    fresh: list[Any] = []
    for k, order in enumerate(orders):
        hit = base.orders.get(id(order))
        if hit is not None and hit[0] is order:
            reused[k] = hit[1]
        else:
            fresh.append(order)
    if not reused:
        return read_run(data, ports)
    head, versions = read_run({**data, "orders": fresh}, ports)  # the network, the policy, the other orders
    if versions != base.versions:
        return read_run(data, ports)
    read = iter(head.orders)
    problem = replace(head, orders=tuple(reused[k] if k in reused else next(read) for k in range(len(orders))))
    check_references(problem)
    return problem, versions


def _shares_terms(data: Any, base: dict[str, Any]) -> bool:
    """Whether `data` has the base's as-of date, the same network items, customers and shipping rows (the same
    objects), and the same policy tiers."""
    if not isinstance(data, dict) or not isinstance(data.get("orders"), list) or data.get("as_of") != base["as_of"]:
        return False
    net, base_net = data.get("network"), base.get("network")
    if not isinstance(net, dict) or not isinstance(base_net, dict):
        return False
    if any(net.get(k) is not base_net.get(k) for k in _SHARED_NETWORK):
        return False
    policy, base_policy = data.get("policy") or {}, base.get("policy") or {}
    return isinstance(policy, dict) and all(policy.get(k) == base_policy.get(k) for k in _SHARED_POLICY)
