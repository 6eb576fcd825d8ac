"""`input_hash` of a run: sha256 of the canonical problem, whatever the order of its lists.

The canonical problem sorts the network's rows, the orders by id and each order's lines by number, and leaves
the time limit out (a proven run does not depend on it; `docs/allocation-reading.md` reads the same). Its
`repr` is deterministic (frozen dataclasses, NamedTuples, dates, floats), so it is what is hashed.

Each order's part of that text is kept from one call to the next for the order objects the next problem
shares with the last one: the scenarios of a batch share the base's orders (`scenarios.batches.reading`), and
the repr of 20,000 lines took 0.12 s a scenario of the plain 20,000-line book (2026-12-05). Only the last
problem's orders are kept, so a server holds no more than one run's.
"""

from __future__ import annotations

import hashlib
from dataclasses import fields, replace
from typing import cast

from optimizers.reallocation.problem import ReallocationProblem, RunOrder

# The last problem's orders, by identity, each with its canonical repr. The order is held too, so that its id
# stays its own while it is here; orders are frozen, so the text stays right.
_last: dict[int, tuple[RunOrder, str]] = {}
# Stands for the orders in the problem's repr; a NUL never appears in a repr, which escapes it.
_ORDERS = "\x00orders\x00"


class _Orders:
    def __repr__(self) -> str:
        return _ORDERS


def input_hash(problem: ReallocationProblem) -> str:
    """'sha256:' and the hex digest of the canonical problem."""
    global _last
    net = problem.network
    rows = {f.name: tuple(sorted(getattr(net, f.name), key=repr)) for f in fields(net)}
    seen, kept = _last, {}
    texts = []
    for order in sorted(problem.orders, key=lambda o: o.id):
        held = seen.get(id(order))
        text = held[1] if held is not None and held[0] is order else _canonical(order)
        kept[id(order)] = (order, text)
        texts.append(text)
    _last = kept
    stand_in = cast("tuple[RunOrder, ...]", _Orders())  # its repr is replaced by the orders' texts below
    canon = replace(
        problem, network=replace(net, **rows), orders=stand_in, policy=replace(problem.policy, time_limit_ms=0)
    )
    orders = "(" + ", ".join(texts) + ("," if len(texts) == 1 else "") + ")"  # a tuple's repr
    return "sha256:" + hashlib.sha256(repr(canon).replace(_ORDERS, orders, 1).encode()).hexdigest()


def _canonical(order: RunOrder) -> str:
    return repr(replace(order, lines=tuple(sorted(order.lines, key=lambda ln: ln.line))))
