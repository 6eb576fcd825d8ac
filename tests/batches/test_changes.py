"""`results.changes` writes out only the top orders' lines: the same report as describing every changed line
and keeping the top orders' (the definition, below), on generated line facts."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios.batches.results import ALLOC, HELD, ON_TIME, PRICE, REJECTION, REQ, _line_change, changes

COMPARED = (ALLOC, ON_TIME, REQ, PRICE, REJECTION, HELD)


def described_whole(now: dict[str, list[Any]], was: dict[str, list[Any]], top: int) -> dict[str, Any]:
    """Every changed line described, grouped by order, ranked, the top orders kept."""
    orders: dict[str, list[dict[str, Any]]] = {}
    for key in sorted(now.keys() | was.keys()):
        a, b = was.get(key), now.get(key)
        if a is not None and b is not None and [a[k] for k in COMPARED] == [b[k] for k in COMPARED]:
            continue
        orders.setdefault(key.rsplit("#", 1)[0], []).append(_line_change(key, b, a))
    ranked = []
    for order, lines in orders.items():
        ranked.append({"order": order, "units_moved": sum(abs(ln["allocated"][1] - ln["allocated"][0]) for ln in lines),
                       "allocated_delta": sum(ln["allocated"][1] - ln["allocated"][0] for ln in lines),
                       "margin_delta": round(sum(ln["margin"][1] - ln["margin"][0] for ln in lines), 6),
                       "lines": lines})  # fmt: skip
    ranked.sort(key=lambda o: (-o["units_moved"], -abs(o["margin_delta"]), o["order"]))
    return {"orders_changed": len(ranked), "lines_changed": sum(len(o["lines"]) for o in ranked),
            "units_moved": sum(o["units_moved"] for o in ranked), "top_orders": ranked[:top]}  # fmt: skip


facts = st.tuples(
    st.integers(0, 9), st.integers(0, 9), st.integers(0, 9), st.integers(0, 9),
    st.floats(-50, 50, allow_nan=False).map(lambda v: round(v, 3)), st.sampled_from([None, "margin floor"]),
    st.booleans(), st.sampled_from(["", "short: taken by SO-1#1"]), st.sampled_from([10.0, 9.5]),
).map(list)  # fmt: skip
books = st.dictionaries(st.tuples(st.integers(0, 12), st.integers(1, 4)).map(lambda k: f"SO-{k[0]:02d}#{k[1]}"), facts)


@settings(max_examples=200, deadline=None)
@given(books, books, st.integers(0, 6))
def test_the_top_orders_are_those_of_the_whole_description(now: Any, was: Any, top: int) -> None:
    for key in list(was)[: len(was) // 2]:  # some lines as they were
        now[key] = list(was[key])
    assert changes(now, was, top) == described_whole(now, was, top)
