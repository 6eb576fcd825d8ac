"""`input_hash` (`optimizers.reallocation.hashing`) keeps each order's text while the order lives: the hash is
still sha256 of the whole canonical problem's repr, whatever the problem shared with the one before."""

from __future__ import annotations

import gc
import hashlib
from dataclasses import fields, replace

from hypothesis import given, settings
from hypothesis import strategies as st

from optimizers.reallocation import hashing
from optimizers.reallocation.hashing import input_hash
from optimizers.reallocation.problem import ReallocationProblem
from scenarios.orderbook import order_book


def plain_hash(problem: ReallocationProblem) -> str:
    """The definition: the repr of the canonical problem, built whole."""
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


BOOK = order_book(3, 300, 60, 4)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_the_hash_is_the_canonical_reprs_after_any_problem_before(data: st.DataObject) -> None:
    """A problem made of some of the last one's orders (the same objects), some of them changed (new objects),
    in any order, hashes as its whole repr does; so do none and one order."""
    input_hash(BOOK)
    orders = list(data.draw(st.permutations(BOOK.orders)))[: data.draw(st.integers(0, len(BOOK.orders)))]
    for k in data.draw(st.lists(st.integers(0, max(len(orders) - 1, 0)), max_size=5)):
        if orders:
            o = orders[k]
            orders[k] = replace(o, lines=tuple(ln._replace(qty=ln.qty + 1) for ln in reversed(o.lines)))
    problem = replace(BOOK, orders=tuple(orders))
    assert input_hash(problem) == plain_hash(problem)
    assert input_hash(problem) == plain_hash(problem)  # from its own kept texts


def test_a_changed_order_changes_the_hash_and_a_gone_order_takes_its_text() -> None:
    first = input_hash(BOOK)
    o = BOOK.orders[0]
    changed = replace(BOOK, orders=(replace(o, held=not o.held), *BOOK.orders[1:]))
    assert input_hash(changed) != first
    assert input_hash(BOOK) == first == plain_hash(BOOK)
    kept = len(hashing._texts)
    del changed
    gc.collect()
    assert len(hashing._texts) == kept - 1
    assert {id(o) for o in BOOK.orders} <= set(hashing._texts)


def test_none_one_and_two_orders_hash_as_their_reprs() -> None:
    for n in (0, 1, 2):
        problem = replace(BOOK, orders=BOOK.orders[:n])
        assert input_hash(problem) == plain_hash(problem)
