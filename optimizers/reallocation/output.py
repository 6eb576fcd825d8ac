"""Turning the arc flows into the run's orders, lines and fills (`shared/spec/reallocation.md`, Output)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np

from optimizers.candidates.routes import MARGIN_SCALE
from optimizers.reallocation.candidates import RunCandidates
from optimizers.reallocation.result import LineExplanation, RunFill, RunLineResult, RunOrderResult

Explainer = Callable[[int, RunLineResult], LineExplanation | None]
# Which short lines to explain, by order id and the line's result: all of them unless a caller says otherwise.
Selector = Callable[[str, RunLineResult], bool]


def fills_of(rc: RunCandidates, flow: np.ndarray) -> list[list[RunFill]]:
    """Per line (canonical order), its fills in arc order. The arcs' columns are read for the arcs with flow at
    once (`tolist`), not an element at a time."""
    entity = {loc.id: loc.entity for loc in rc.problem.network.locations}
    out: list[list[RunFill]] = [[] for _ in rc.lines]
    arcs = np.flatnonzero(flow > 0)
    days: dict[int, date] = {}
    for li, n, lane, origin, qty, day, on_time, margin in zip(
        *(column[arcs].tolist() for column in (rc.arc_line, rc.arc_node, rc.arc_lane, rc.arc_origin, flow)),
        rc.arc_days[arcs].tolist(), rc.arc_on_time[arcs].tolist(), rc.arc_margin[arcs].tolist(), strict=True,
    ):  # fmt: skip
        ref, node = rc.lines[li], rc.nodes[n]
        if day not in days:
            days[day] = rc.day(day)
        out[li].append(
            RunFill(
                node.item,
                node.location,
                rc.locations[origin],
                None if lane < 0 else (rc.lanes[lane][0], rc.lanes[lane][1]),
                int(qty),
                node.source,
                node.available_date,
                days[day],
                bool(on_time),
                int(margin) / MARGIN_SCALE,
                node.item != ref.line.item,
                entity.get(node.location) != ref.order.entity,
            )
        )
    return out


def orders_of(
    rc: RunCandidates, flow: np.ndarray, eligible: set[int], explain: Explainer, select: Selector | None = None
) -> tuple[RunOrderResult, ...]:
    """Every order with its lines, in canonical order; lines that lost units or are backordered explained (those
    `select` takes, when given)."""
    fills = fills_of(rc, flow)
    out: list[RunOrderResult] = []
    lines: list[RunLineResult] = []
    for li, ref in enumerate(rc.lines):
        ln = ref.line
        got = sum(f.qty for f in fills[li])
        res = RunLineResult(
            ln.line,
            ln.item,
            ln.qty,
            ln.confirmed_qty,
            got,
            got - ln.confirmed_qty,
            ln.qty - got,
            tuple(fills[li]),
            li in eligible,
            ln.rejection,
        )
        if (got < ln.qty or got < ln.confirmed_qty) and (select is None or select(ref.order.id, res)):
            res = res._replace(explanation=explain(li, res))
        lines.append(res)
        last = li + 1 == len(rc.lines) or rc.lines[li + 1].order.id != ref.order.id
        if last:
            o, c = ref.order, ref.cls
            out.append(RunOrderResult(o.id, c.segment, c.strategy.value, c.tier, o.held, tuple(lines)))
            lines = []
    return tuple(out)
