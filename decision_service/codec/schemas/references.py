"""Cross-reference checks on a schema-valid request: every reference resolves and every id is unique.

Errors come back as a marshmallow-shaped nested dict keyed by the JSON path, so they are reported exactly
like schema errors (`network.stock[3].location`). Indices are zero-based positions in the JSON lists.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

from decision_service.codec.errors import format_path
from optimizers.problem import AllocationProblem

Path = tuple[str | int, ...]


class ErrorTree:
    """Messages collected under their JSON paths, nested the way marshmallow nests its own."""

    def __init__(self) -> None:
        self.tree: dict[str | int, Any] = {}

    def add(self, path: Path, message: str) -> None:
        """Record `message` against the field at `path`. A row may have messages of its own and of its fields
        (a duplicate shipping route whose location is also unknown): its own go under `_schema`, as marshmallow
        keeps them."""
        node = self.tree
        for part in path[:-1]:
            found = node.setdefault(part, {})
            if isinstance(found, list):
                found = node[part] = {"_schema": found}
            node = found
        leaf = node.setdefault(path[-1], [])
        (leaf.setdefault("_schema", []) if isinstance(leaf, dict) else leaf).append(message)


def reference_errors(problem: AllocationProblem) -> dict[str | int, Any]:
    """Every unresolved reference and duplicate id in `problem`, as a nested error dict (empty if none)."""
    errors = ErrorTree()
    net: Path = ("network",)
    locations = unique(errors, (*net, "locations"), [loc.id for loc in problem.locations], "id", "location id")
    items = unique(errors, (*net, "items"), [item.id for item in problem.items], "id", "item id")
    tiers = unique(errors, ("policy", "tiers"), problem.policy.tiers, None, "tier")
    customers = unique(errors, (*net, "customers"), [c.id for c in problem.customers], "id", "customer id")
    # A customer the request does not describe would be decided with invented terms (no tier, no credit limit):
    # a credit controller's hole, so it is an unknown reference like any other.
    known(errors, ("order", "customer"), problem.order.customer, customers, "customer (not in network.customers)")
    unique(errors, ("order", "lines"), [line.line for line in problem.order.lines], "line", "line number")
    for i, line in enumerate(problem.order.lines):
        known(errors, ("order", "lines", i, "item"), line.item, items, "item")
    _check_items(errors, problem, items)
    _check_supply(errors, problem, items, locations)
    _check_routes(errors, problem, locations)
    _check_tiers(errors, problem, tiers)
    return errors.tree


def unique(errors: ErrorTree, path: Path, keys: Sequence[Hashable], field: str | None, what: str) -> set[Any]:
    """The set of `keys`; each repeat is an error on its row (or on `field` of the row)."""
    first: dict[Hashable, int] = {}
    for i, key in enumerate(keys):
        if key in first:
            where = format_path((*path, first[key]))
            errors.add(
                (*path, i) if field is None else (*path, i, field),
                f"Duplicate {what} {key!r} (first at {where}).",
            )
        else:
            first[key] = i
    return set(first)


def known(errors: ErrorTree, path: Path, value: str, defined: set[Any], what: str) -> None:
    """An error at `path` unless `value` is one of the `defined` ids."""
    if value not in defined:
        errors.add(path, f"Unknown {what} {value!r}.")


def _check_items(errors: ErrorTree, problem: AllocationProblem, items: set[str]) -> None:
    for i, item in enumerate(problem.items):
        for j, sub in enumerate(item.substitutes):
            known(errors, ("network", "items", i, "substitutes", j, "item"), sub.item, items, "item")


def _check_supply(errors: ErrorTree, problem: AllocationProblem, items: set[str], locations: set[str]) -> None:
    tables: Iterable[tuple[str, Sequence[Any]]] = (
        ("stock", problem.stock),
        ("inbound", problem.inbound),
        ("protections", problem.protections),
    )
    for name, table in tables:
        for i, row in enumerate(table):
            known(errors, ("network", name, i, "item"), row.item, items, "item")
            known(errors, ("network", name, i, "location"), row.location, locations, "location")


def _check_routes(errors: ErrorTree, problem: AllocationProblem, locations: set[str]) -> None:
    shipping = [(row.location, row.region) for row in problem.shipping]
    unique(errors, ("network", "shipping"), shipping, None, "shipping route (location, region)")
    for i, row in enumerate(problem.shipping):
        known(errors, ("network", "shipping", i, "location"), row.location, locations, "location")
    lanes = [(lane.from_location, lane.to_location) for lane in problem.lanes]
    unique(errors, ("network", "lanes"), lanes, None, "lane (from, to)")
    for i, lane in enumerate(problem.lanes):
        known(errors, ("network", "lanes", i, "from"), lane.from_location, locations, "location")
        known(errors, ("network", "lanes", i, "to"), lane.to_location, locations, "location")
        if lane.from_location == lane.to_location:
            errors.add(("network", "lanes", i, "to"), "A lane must join two different locations.")


def _check_tiers(errors: ErrorTree, problem: AllocationProblem, tiers: set[str]) -> None:
    for i, customer in enumerate(problem.customers):
        if customer.tier is not None:
            known(
                errors,
                ("network", "customers", i, "tier"),
                customer.tier,
                tiers,
                "tier (not in policy.tiers)",
            )
    for i, protection in enumerate(problem.protections):
        known(
            errors,
            ("network", "protections", i, "min_tier"),
            protection.min_tier,
            tiers,
            "tier (not in policy.tiers)",
        )
