"""Hit policies as DMN 1.x defines them: which matched rows make the result, and in what shape.

Single-hit policies return one row's outputs (or the default outputs, else null, when nothing matches);
UNIQUE with several matches and ANY with differing outputs are errors, whose result is null. Multi-hit
policies return a list (empty when nothing matches); COLLECT aggregators follow FEEL's sum, min, max and
count over the matched outputs, so an empty sum/min/max is null and an empty count is 0.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rules.compiled import CompiledTable
from rules.model import Aggregation, HitPolicy

Selection = tuple[Any, tuple[int, ...], str, str | None]


def _copy(ct: CompiledTable, value: Any) -> Any:
    # Row contexts are shared by every evaluation; callers get their own dict.
    return value if ct.single_output else dict(value)


def _ids(ct: CompiledTable, rows: list[int] | tuple[int, ...]) -> str:
    return ", ".join(ct.table.rules[r].id for r in rows)


def _none_matched(ct: CompiledTable) -> Selection:
    policy = ct.table.hit_policy
    if policy.single:
        if ct.default is not None:
            return _copy(ct, ct.default), (), "no row matched: the default outputs apply", None
        return None, (), "no row matched: the result is null", None
    if ct.table.aggregation is Aggregation.COUNT:
        return 0, (), "no row matched: the count is 0", None
    if ct.table.aggregation is not None:
        return None, (), f"no row matched: the {ct.table.aggregation.value.lower()} is null", None
    return [], (), "no row matched: the result is an empty list", None


def _single(ct: CompiledTable, matched: list[int]) -> Selection:
    policy = ct.table.hit_policy
    first = matched[0]
    if len(matched) == 1:
        return _copy(ct, ct.row_values[first]), (first,), f"the only matching row ({policy.value})", None
    if policy is HitPolicy.FIRST:
        return _copy(ct, ct.row_values[first]), (first,), "FIRST: the first matching row in table order", None
    if policy is HitPolicy.PRIORITY:
        best = min(matched, key=ct.priorities.__getitem__)
        why = f"PRIORITY: the highest-priority output among rows {_ids(ct, matched)}"
        return _copy(ct, ct.row_values[best]), (best,), why, None
    if policy is HitPolicy.ANY:
        values = [ct.row_values[r] for r in matched]
        if all(v == values[0] for v in values):
            return _copy(ct, values[0]), (first,), f"ANY: rows {_ids(ct, matched)} agree on the outputs", None
        error = f"ANY violated: rows {_ids(ct, matched)} match with different outputs"
        return None, (), error, error
    error = f"UNIQUE violated: rows {_ids(ct, matched)} all match"
    return None, (), error, error


def _aggregate(aggregation: Aggregation, values: list[Any]) -> Any:
    if aggregation is Aggregation.COUNT:
        return len(values)
    if any(not isinstance(v, int | Decimal | float) or isinstance(v, bool) for v in values):
        return None  # FEEL: sum/min/max over a list holding null or non-numbers is null
    if aggregation is Aggregation.SUM:
        return sum((Decimal(str(v)) if isinstance(v, float) else v for v in values), Decimal(0))
    return min(values) if aggregation is Aggregation.MIN else max(values)


def _multi(ct: CompiledTable, matched: list[int]) -> Selection:
    policy, aggregation = ct.table.hit_policy, ct.table.aggregation
    rows = tuple(matched)
    if policy is HitPolicy.OUTPUT_ORDER:
        rows = tuple(sorted(matched, key=ct.priorities.__getitem__))
    values = [_copy(ct, ct.row_values[r]) for r in rows]
    if aggregation is not None:
        why = f"COLLECT {aggregation.value}: over rows {_ids(ct, rows)}"
        return _aggregate(aggregation, values), rows, why, None
    order = {
        HitPolicy.RULE_ORDER: "in table order",
        HitPolicy.OUTPUT_ORDER: "in decreasing output priority",
        HitPolicy.COLLECT: "in table order (COLLECT promises no order)",
    }[policy]
    return values, rows, f"{policy.value}: every matching row, {order}", None


def select(ct: CompiledTable, matched: list[int]) -> Selection:
    """Apply the table's hit policy to the matching rows: (result, selected rows, why, error or None)."""
    if not matched:
        return _none_matched(ct)
    return _single(ct, matched) if ct.table.hit_policy.single else _multi(ct, matched)
