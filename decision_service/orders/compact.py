"""The compact form of a rules explanation that every allocation response carries.

The full explanation (every matched row, why-not of the nearest rows) costs tens of microseconds per
evaluation to expand; the response keeps what an auditor needs to find the rule, the selected row, the
policy text and the cells that decided, and `POST /v1/rules/tables/{key}/evaluate` gives the rest on demand.
The static part of each (table version, row) is computed once and shared.
"""

from __future__ import annotations

from typing import Any

from decision_service.orders.decision import RuleCell, RuleRef
from rules.compiled import CompiledTable
from rules.explain import Explanation, plain

ANY = "-"
JSON_READY = (str, int, float, bool, type(None))


MAX_CACHED_ROWS = 4096
Static = tuple[dict[str, Any], tuple[tuple[int, str, str], ...]]
# (id of a compiled table, row) -> (that table, kept so the id cannot be reused, and the row's static part)
_ROWS: dict[tuple[int, int], tuple[CompiledTable, Static]] = {}


def _row(compiled: CompiledTable, r: int) -> Static:
    hit = _ROWS.get((id(compiled), r))
    if hit is not None:
        return hit[1]
    rule = compiled.table.rules[r]
    static = {"table": compiled.table.key, "version": compiled.version, "rule": rule.id, "policy": rule.reason}
    tested = tuple((c, name, cell) for c, (name, cell) in enumerate(zip(compiled.input_names, rule.cells, strict=True))
                   if cell != ANY)  # fmt: skip
    if len(_ROWS) >= MAX_CACHED_ROWS:
        _ROWS.clear()
    _ROWS[(id(compiled), r)] = (compiled, (static, tested))
    return static, tested


def tested_columns(explanation: Explanation) -> tuple[str, ...]:
    """Input columns whose cell in the selected row is a real test (not "-")."""
    if not explanation.selected:
        return ()
    return tuple(name for _, name, _ in _row(explanation.compiled, explanation.selected[0])[1])


def compact(explanation: Explanation) -> RuleRef:
    """Table, version, selected row, its policy reason, and each decisive cell with the value it tested."""
    compiled = explanation.compiled
    if not explanation.selected:
        return RuleRef(compiled.table.key, compiled.version, None, None)
    static, tested = _row(compiled, explanation.selected[0])
    values = explanation.values
    cells = tuple(
        RuleCell(name, cell, v if isinstance(v, JSON_READY) else plain(v))
        for c, name, cell in tested
        for v in (values[c],)
    )
    return RuleRef(static["table"], static["version"], static["rule"], static["policy"], cells)
