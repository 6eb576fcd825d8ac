"""`input_hash` of a run: sha256 of the canonical problem, whatever the order of its lists.

The time limit is left out: a proven run does not depend on it (`docs/allocation-reading.md` reads the same).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, replace
from typing import Any

import orjson

from optimizers.reallocation.problem import ReallocationProblem


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        items = [_canonical(v) for v in value]
        return items
    return value


def input_hash(problem: ReallocationProblem) -> str:
    """'sha256:' and the hex digest of the canonical problem (network rows and orders sorted)."""
    net = problem.network
    sorted_net = replace(net, **{f: tuple(sorted(getattr(net, f), key=repr)) for f in asdict(net)})
    orders = tuple(
        replace(o, lines=tuple(sorted(o.lines, key=lambda ln: ln.line)))
        for o in sorted(problem.orders, key=lambda o: o.id)
    )
    canon = replace(problem, network=sorted_net, orders=orders, policy=replace(problem.policy, time_limit_ms=0))
    data = orjson.dumps(_canonical(asdict(canon)), option=orjson.OPT_SORT_KEYS)
    return "sha256:" + hashlib.sha256(data).hexdigest()
