"""Static validation of a table before it may be used: cell types and domains, overlaps, gaps, masked rows."""

from __future__ import annotations

from rules.boxes import Box, box_intersect, box_subtract, example, is_empty
from rules.cells import ParsedTable, output_priority, parse_table
from rules.explain import plain
from rules.findings import Finding, Severity
from rules.model import DecisionTable, HitPolicy

MAX_GAP_FINDINGS = 10
MAX_BOXES = 20_000  # gap analysis is exact but can fragment; past this it reports that it stopped


class _Context:
    def __init__(self, table: DecisionTable, parsed: ParsedTable) -> None:
        self.table = table
        self.names = tuple(c.name for c in table.inputs)
        self.kinds = tuple(c.type for c in table.inputs)
        self.domain: Box = parsed.domains
        self.boxes: list[Box | None] = [box_intersect(row, parsed.domains, self.kinds) for row in parsed.sets]

    def example(self, box: Box) -> dict[str, object]:
        return plain(example(box, self.names, self.kinds))  # type: ignore[no-any-return]

    def ids(self, *rows: int) -> tuple[str, ...]:
        return tuple(self.table.rules[r].id for r in rows)


def _unreachable(ctx: _Context) -> list[Finding]:
    message = "row can never match: a cell admits no value of its column's domain"
    return [Finding("unreachable", "error", message, ctx.ids(r)) for r, box in enumerate(ctx.boxes) if box is None]


def _overlaps(ctx: _Context) -> list[Finding]:
    policy, out = ctx.table.hit_policy, []
    for j, b in enumerate(ctx.boxes):
        for i, a in enumerate(ctx.boxes[:j]):
            common = None if a is None or b is None else box_intersect(a, b, ctx.kinds)
            if common is None:
                continue
            rules = ctx.table.rules
            if policy is HitPolicy.UNIQUE:
                message = f"rows {rules[i].id} and {rules[j].id} overlap under UNIQUE"
                out.append(Finding("overlap", "error", message, ctx.ids(i, j), example=ctx.example(common)))
            elif rules[i].outputs != rules[j].outputs:
                message = f"rows {rules[i].id} and {rules[j].id} overlap with different outputs under ANY"
                out.append(Finding("conflict", "error", message, ctx.ids(i, j), example=ctx.example(common)))
    return out


def _gaps(ctx: _Context) -> list[Finding]:
    remaining: list[Box] = [ctx.domain] if all(not is_empty(c) for c in ctx.domain) else []
    for box in ctx.boxes:
        if box is not None:
            remaining = [piece for r in remaining for piece in box_subtract(r, box, ctx.kinds)]
        if len(remaining) > MAX_BOXES:
            return [Finding("gap", "warning", "gap analysis stopped: the table fragments the domain too finely")]
    severity: Severity = "error" if ctx.table.complete else "warning"
    note = "declared complete, but " if ctx.table.complete else ""
    return [
        Finding("gap", severity, f"{note}no row matches these inputs", example=ctx.example(box))
        for box in remaining[:MAX_GAP_FINDINGS]
    ]


def _winners(ctx: _Context, j: int) -> list[int]:
    """Rows that take precedence over row j under FIRST or PRIORITY."""
    if ctx.table.hit_policy is HitPolicy.FIRST:
        return list(range(j))
    rules, outputs = ctx.table.rules, ctx.table.outputs
    rank = [tuple(output_priority(c, v) for c, v in zip(outputs, r.outputs, strict=True) if c.values) for r in rules]
    return [i for i in range(len(rules)) if rank[i] < rank[j] or (rank[i] == rank[j] and i < j)]


def _masked(ctx: _Context) -> list[Finding]:
    out = []
    for j, box in enumerate(ctx.boxes):
        if box is None:
            continue
        remaining, covering = [box], []
        for i in _winners(ctx, j):
            other = ctx.boxes[i]
            if other is not None and box_intersect(box, other, ctx.kinds) is not None:
                covering.append(i)
                remaining = [p for r in remaining for p in box_subtract(r, other, ctx.kinds)]
        if not remaining:
            by = ", ".join(ctx.ids(*covering))
            message = f"row {ctx.table.rules[j].id} is never selected: rows {by} always win over it"
            out.append(Finding("masked", "error", message, ctx.ids(j, *covering), example=ctx.example(box)))
    return out


def validate_table(table: DecisionTable) -> tuple[Finding, ...]:
    """Every finding for a table: malformed or mistyped cells first, then the analysis of its rows."""
    parsed = parse_table(table)
    ctx = _Context(table, parsed)
    findings = [*parsed.findings, *_unreachable(ctx)]
    if table.hit_policy in (HitPolicy.UNIQUE, HitPolicy.ANY):
        findings += _overlaps(ctx)
    if table.hit_policy in (HitPolicy.FIRST, HitPolicy.PRIORITY):
        findings += _masked(ctx)
    return (*findings, *_gaps(ctx))
