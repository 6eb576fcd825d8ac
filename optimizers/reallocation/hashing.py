"""`input_hash` of a run: sha256 of the canonical problem, whatever the order of its lists.

The canonical problem sorts the network's rows, the orders by id and each order's lines by number, and leaves
the time limit out (a proven run does not depend on it; `docs/allocation-reading.md` reads the same). Its
`repr` is deterministic (frozen dataclasses, NamedTuples, dates, floats), so it is what is hashed.
"""

from __future__ import annotations

import hashlib
from dataclasses import fields, replace

from optimizers.reallocation.problem import ReallocationProblem


def input_hash(problem: ReallocationProblem) -> str:
    """'sha256:' and the hex digest of the canonical problem."""
    net = problem.network
    rows = {f.name: tuple(sorted(getattr(net, f.name), key=repr)) for f in fields(net)}
    orders = tuple(
        replace(o, lines=tuple(sorted(o.lines, key=lambda ln: ln.line)))
        for o in sorted(problem.orders, key=lambda o: o.id)
    )
    canon = replace(
        problem, network=replace(net, **rows), orders=orders, policy=replace(problem.policy, time_limit_ms=0)
    )
    return "sha256:" + hashlib.sha256(repr(canon).encode()).hexdigest()
