"""Admission control: the size of a problem's candidate set, counted before any candidate is built.

Every candidate arc is one (supply node, order line, route) triple, so the count is, per line, the sum over its
usable items of the routes out of each of that item's supply nodes: supply nodes and routes per location are
cheap to list (linear in the stock, inbound and lanes), and the sum over lines is one `numpy` gather. It equals
`len(build_candidates(problem).arcs)` exactly. A problem over the configured maximum is refused with
`ProblemTooLarge` before any time goes into building or solving it: the time limit could not hold for it.
"""

from __future__ import annotations

import numpy as np

from optimizers.candidates.build import usable_items
from optimizers.candidates.routes import route_table
from optimizers.candidates.supply import supply_nodes
from optimizers.errors import ProblemTooLarge
from optimizers.problem import AllocationProblem

__all__ = ["ProblemTooLarge", "admit", "candidate_bound", "candidate_count"]


def candidate_count(problem: AllocationProblem) -> int:
    """How many candidate arcs `build_candidates(problem)` would build, without building them."""
    routes = route_table(problem).routes
    per_item: dict[str, int] = {}
    for node in supply_nodes(problem):
        if node.qty > 0 and node.location in routes:
            per_item[node.item] = per_item.get(node.item, 0) + len(routes[node.location])
    if not per_item:
        return 0
    names = sorted(per_item)
    index = {name: k for k, name in enumerate(names)}
    arcs = np.array([per_item[name] for name in names] + [0], np.int64)  # the last: an item with no supply
    items = {i.id: i for i in problem.items}
    usable = [index.get(item, len(names)) for line in usable_items(problem, items) for item, _ in line]
    return int(arcs[np.array(usable, np.int64)].sum()) if usable else 0


def candidate_bound(problem: AllocationProblem) -> int:
    """An upper bound on the candidates, from the list lengths alone: a line takes at most its item and every
    substitute, each from at most every supply row, by at most every route out of one location."""
    substitutes = max((len(i.substitutes) for i in problem.items), default=0)
    rows = len(problem.stock) + len(problem.inbound)
    return len(problem.order.lines) * (1 + substitutes) * rows * (1 + len(problem.lanes))


def admit(problem: AllocationProblem, max_candidates: int | None) -> None:
    """Refuse a problem with more candidates than `max_candidates` (None admits every problem); the exact count
    is made only when the bound from the list lengths does not settle it, so small orders pay nothing."""
    if max_candidates is None or candidate_bound(problem) <= max_candidates:
        return
    count = candidate_count(problem)
    if count > max_candidates:
        raise ProblemTooLarge(count, max_candidates)
