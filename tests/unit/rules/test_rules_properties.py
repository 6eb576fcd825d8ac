"""Property: the bitset-indexed evaluation matches a naive scan of every row and cell."""

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.compiled import compile_table
from rules.evaluate import evaluate_compiled
from rules.index import to_key
from rules.model import DecisionTable, HitPolicy, InputColumn, OutputColumn, Rule

TIERS = ["gold", "silver", "none"]


@st.composite
def number_cell(draw: st.DrawFn) -> str:
    a, b = sorted(draw(st.lists(st.integers(-5, 5), min_size=2, max_size=2)))
    return draw(
        st.sampled_from(
            [
                "-",
                f"< {a}",
                f">= {a}",
                f"[{a}..{b}]",
                f"({a}..{b}]",
                f"]{a}..{b}[",
                f"not({a})",
                f"<{a}, >{b}",
                f"{a}, {b}",
                "null",
                f"null, > {a}",
            ]
        )
    )


@st.composite
def tier_cell(draw: st.DrawFn) -> str:
    picked = draw(st.lists(st.sampled_from(TIERS), min_size=1, max_size=3, unique=True))
    quoted = ", ".join(f'"{t}"' for t in picked)
    return draw(st.sampled_from(["-", quoted, f"not({quoted})"]))


@st.composite
def tables(draw: st.DrawFn) -> DecisionTable:
    n = draw(st.integers(1, 12))
    rules = tuple(
        Rule(f"r{i}", (draw(number_cell()), draw(number_cell()), draw(tier_cell())), (draw(st.integers(0, 3)),))
        for i in range(n)
    )
    return DecisionTable(
        key="prop",
        hit_policy=draw(st.sampled_from(list(HitPolicy))),
        inputs=(
            InputColumn("x", "number", nullable=True),
            InputColumn("n", "integer", nullable=True),
            InputColumn("tier", "string", '"gold", "silver", "none"'),
        ),
        outputs=(OutputColumn("out", "integer", (0, 1, 2, 3)),),
        rules=rules,
    )


def naive_matches(table: DecisionTable, inputs: dict[str, Any]) -> list[int]:
    compiled = compile_table(table)
    matched = []
    for r, cells in enumerate(compiled.parsed.sets):
        ok = True
        for column, cell in zip(table.inputs, cells, strict=True):
            value = inputs[column.name]
            hit = (
                cell.null
                if value is None
                else any(
                    (iv.lo is None or to_key(iv.lo) < value or (iv.lo_closed and to_key(iv.lo) == value))
                    and (iv.hi is None or value < to_key(iv.hi) or (iv.hi_closed and to_key(iv.hi) == value))
                    for iv in cell.intervals
                )
            )
            ok = ok and hit
        if ok:
            matched.append(r)
    return matched


values = st.one_of(st.none(), st.integers(-7, 7), st.floats(-7, 7, allow_nan=False).map(lambda f: round(f, 1)))


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(tables(), values, st.one_of(st.none(), st.integers(-7, 7)), st.sampled_from(TIERS))
def test_indexed_matches_equal_naive_scan(table: DecisionTable, x: Any, n: Any, tier: str) -> None:
    inputs = {"x": x, "n": n, "tier": tier}
    result = evaluate_compiled(compile_table(table), inputs)
    assert list(result.explanation.matched) == naive_matches(table, inputs)
    for miss in result.explanation.near_misses:
        assert miss.row not in result.explanation.matched and miss.failed
