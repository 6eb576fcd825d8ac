"""Decomposition: lines linked by shared supply, a lane with a capacity, a protection or a binding shipment limit form a
component; components share no row of the model, so each is solved on its own.

Components are packed into batches of bounded size: a batch is solved as one model, which is exact because
every level but the fill ratio is a sum (a sum is at its optimum exactly when each part is), and the fill
ratio is a minimum, taken over all batches by the driver (`optimizers.reallocation.solve`).
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from optimizers.reallocation.candidates import RunCandidates

BATCH_ARCS = 4000  # measured: HiGHS solves a few thousand arcs per level in milliseconds
BINARY_BATCH_ARCS = 1000  # components with binaries: an integer program over a batch costs more with its size


def binding_limits(rc: RunCandidates) -> dict[str, int]:
    """Orders whose shipment limit could bind: fewer allowed ship-from locations than they could use."""
    limits = {c.id: c.max_shipments for c in rc.problem.network.customers if c.max_shipments is not None}
    limit_of = [limits.get(ref.order.customer) for ref in rc.lines]
    if not any(k is not None for k in limit_of) or not len(rc.arc_line):
        return {}
    order_at: dict[str, int] = {}
    line_order = np.array([order_at.setdefault(ref.order.id, len(order_at)) for ref in rc.lines], np.int64)
    pairs = np.unique(line_order[rc.arc_line] * len(rc.locations) + rc.arc_origin)
    origins = np.bincount(pairs // len(rc.locations), minlength=len(order_at))
    out = {}
    for ref, k in zip(rc.lines, limit_of, strict=True):
        if k is not None and origins[order_at[ref.order.id]] > k:
            out[ref.order.id] = k
    return out


def components(rc: RunCandidates, limits: dict[str, int]) -> list[np.ndarray]:
    """The lines of each component (lines with no arc are in none), in canonical order."""
    n_l, n_n, n_k = len(rc.lines), len(rc.nodes), len(rc.lanes)
    order_ids = sorted(limits)
    o_at = {o: n_l + n_n + n_k + k for k, o in enumerate(order_ids)}
    capped = rc.capped_lanes()[rc.arc_lane]
    src = [rc.arc_line, rc.arc_line[capped]]
    dst = [n_l + rc.arc_node, n_l + n_n + rc.arc_lane[capped]]
    for row in rc.protections:
        src.append(np.full(len(row.nodes), n_l + row.nodes[0]))
        dst.append(n_l + np.array(row.nodes))
    tied = [(li, o_at[ref.order.id]) for li, ref in enumerate(rc.lines) if ref.order.id in o_at]
    if tied:
        src.append(np.array([a for a, _ in tied]))
        dst.append(np.array([b for _, b in tied]))
    size = n_l + n_n + n_k + len(order_ids)
    s, d = np.concatenate(src), np.concatenate(dst)
    graph = coo_matrix((np.ones(len(s)), (s, d)), shape=(size, size))
    _, label = connected_components(graph, directed=False)
    used = np.unique(rc.arc_line)
    labels = label[used]
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    return [np.sort(part) for part in np.split(used[order], cuts)] if len(used) else []


def discrete(rc: RunCandidates, limits: dict[str, int]) -> np.ndarray:
    """Per line: does it bring binaries into its model (ship-complete, or its order's shipment limit can bind)?"""
    return np.array([ref.line.ship_complete or ref.order.id in limits for ref in rc.lines], bool)


def batches(
    rc: RunCandidates, comps: list[np.ndarray], limit: int = BATCH_ARCS, binary: np.ndarray | None = None
) -> list[np.ndarray]:
    """Components packed, in order, into batches of about `limit` arcs (a bigger component is a batch alone).

    Components with binaries (`binary` marks their lines) are packed apart, into batches of about
    `BINARY_BATCH_ARCS`: a level whose LP is fractional on one of them goes to an integer program over its batch,
    and the components without binaries, whose LPs stay integral, should not be in it."""
    per_line = np.bincount(rc.arc_line, minlength=len(rc.lines))
    has = np.zeros(len(rc.lines), bool) if binary is None else binary
    out: list[np.ndarray] = []
    for kind, cap in ((False, limit), (True, min(limit, BINARY_BATCH_ARCS))):
        current: list[np.ndarray] = []
        size = 0
        for comp in sorted(comps, key=lambda c: int(c[0])):
            if bool(has[comp].any()) != kind:
                continue
            current.append(comp)
            size += int(per_line[comp].sum())
            if size >= cap:
                out.append(np.sort(np.concatenate(current)))
                current, size = [], 0
        if current:
            out.append(np.sort(np.concatenate(current)))
    return sorted(out, key=lambda b: int(b[0]))
