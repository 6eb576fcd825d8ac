"""`input_hash` of a run: sha256 of the canonical problem, whatever the order of its lists.

The canonical problem sorts the network's rows, the orders by id and each order's lines by number, and leaves
the time limit out (a proven run does not depend on it; `docs/allocation-reading.md` reads the same). Its
`repr` is deterministic (frozen dataclasses, NamedTuples, dates, floats), so it is what is hashed.

Each order's part of that text is kept for as long as the order object lives: the scenarios of a batch share
the base's orders (`scenarios.batches.reading`), and the repr of 20,000 lines took 0.12 s a scenario of the
plain 20,000-line book (2026-12-05). An order that is gone takes its text with it, so a server keeps none of a
finished run's.
"""

from __future__ import annotations

import hashlib
import weakref
from dataclasses import fields, replace
from functools import partial
from typing import cast

from optimizers.reallocation.problem import ReallocationProblem, RunOrder

# id(order) -> (a reference to the order, its canonical repr). Orders are frozen, so the text stays right; the
# reference tells a live order from a later one that took its id, and removes the entry when the order goes.
_texts: dict[int, tuple[weakref.ref[RunOrder], str]] = {}
# Stands for the orders in the problem's repr; a NUL never appears in a repr, which escapes it.
_ORDERS = "\x00orders\x00"


class _Orders:
    def __repr__(self) -> str:
        return _ORDERS


def input_hash(problem: ReallocationProblem) -> str:
    """'sha256:' and the hex digest of the canonical problem."""
    net = problem.network
    rows = {f.name: tuple(sorted(getattr(net, f.name), key=repr)) for f in fields(net)}
    texts = [_text(order) for order in sorted(problem.orders, key=lambda o: o.id)]
    stand_in = cast("tuple[RunOrder, ...]", _Orders())  # its repr is replaced by the orders' texts below
    canon = replace(
        problem, network=replace(net, **rows), orders=stand_in, policy=replace(problem.policy, time_limit_ms=0)
    )
    orders = "(" + ", ".join(texts) + ("," if len(texts) == 1 else "") + ")"  # a tuple's repr
    return "sha256:" + hashlib.sha256(repr(canon).replace(_ORDERS, orders, 1).encode()).hexdigest()


def _text(order: RunOrder) -> str:
    """The order's canonical repr (its lines by number), kept while it lives."""
    key = id(order)
    held = _texts.get(key)
    if held is not None and held[0]() is order:
        return held[1]
    text = repr(replace(order, lines=tuple(sorted(order.lines, key=lambda ln: ln.line))))
    _texts[key] = (weakref.ref(order, partial(_gone, key)), text)
    return text


def _gone(key: int, ref: weakref.ref[RunOrder]) -> None:
    held = _texts.get(key)
    if held is not None and held[0] is ref:  # not a later order's entry under the same id
        _texts.pop(key, None)
