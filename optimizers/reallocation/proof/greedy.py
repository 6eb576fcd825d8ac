"""The greedy baseline for runs, as ERPs do backorder processing: orders sorted by strategy (win, gain,
redistribute, fill, lose), then tier, then order date; each line in turn filled from the nearest (earliest
delivery), then cheapest (highest unit margin) supply it can use, within every constraint of the spec.

It is the fallback of a batch the time limit stopped before its first proof, and the bench's yardstick.
"""

from __future__ import annotations

import time
from collections import defaultdict

import numpy as np

from optimizers.reallocation.build import build
from optimizers.reallocation.candidates import RunCandidates
from optimizers.reallocation.decompose import binding_limits
from optimizers.reallocation.explain import Explainer
from optimizers.reallocation.hashing import input_hash
from optimizers.reallocation.kpis import kpis
from optimizers.reallocation.output import orders_of
from optimizers.reallocation.problem import NO_TIER, ReallocationProblem
from optimizers.reallocation.proof.validation import level_values
from optimizers.reallocation.result import ObjectiveLevel, ReallocationRun, SolverInfo
from optimizers.reallocation.segments import STRATEGY_ORDER


class _State:
    def __init__(self, rc: RunCandidates, limits: dict[str, int]) -> None:
        self.node = np.array([n.qty for n in rc.nodes], np.int64)
        self.lane = np.array([c if c is not None else 1 << 40 for _, _, c in rc.lanes], np.int64)
        self.prot = np.array([r.cap for r in rc.protections], np.int64)
        self.rows_of: dict[int, list[int]] = defaultdict(list)
        for k, row in enumerate(rc.protections):
            for n in row.nodes:
                self.rows_of[n].append(k)
        self.used: dict[str, set[int]] = defaultdict(set)
        self.limits = limits

    def draw(self, rc: RunCandidates, flow: np.ndarray) -> None:
        """Take an existing flow out of what is left."""
        for a in np.flatnonzero(flow > 0).tolist():
            q, n, k, li = int(flow[a]), int(rc.arc_node[a]), int(rc.arc_lane[a]), int(rc.arc_line[a])
            self.node[n] -= q
            if k >= 0:
                self.lane[k] -= q
            for r in self.rows_of.get(n, ()):
                if rc.lines[li].cls.rank >= rc.protections[r].rank:
                    self.prot[r] -= q
            self.used[rc.lines[li].order.id].add(int(rc.arc_origin[a]))


def greedy(
    rc: RunCandidates, limits: dict[str, int], start: np.ndarray | None = None, only: np.ndarray | None = None
) -> np.ndarray:
    """The baseline's flow on every arc: feasible for every constraint of the run. From `start` (a feasible
    flow), it only adds units, and only to the lines `only` marks: the completion of a run cut short."""
    flow = np.zeros(len(rc.arc_line), np.int64) if start is None else start.copy()
    st = _State(rc, limits)
    st.draw(rc, flow)
    first = np.searchsorted(rc.arc_line, np.arange(len(rc.lines) + 1))
    have = np.bincount(rc.arc_line, weights=flow, minlength=len(rc.lines)).astype(np.int64)

    def key(li: int) -> tuple[int, int, str, str, int]:
        ref = rc.lines[li]
        return (STRATEGY_ORDER[ref.cls.strategy], ref.cls.rank, ref.order.created.isoformat(), ref.order.id, li)

    for li in sorted(range(len(rc.lines)), key=key):
        arcs = np.arange(first[li], first[li + 1])
        ref = rc.lines[li]
        need = ref.cap - int(have[li])
        if not len(arcs) or need <= 0 or (only is not None and not only[li]) or (ref.line.ship_complete and have[li]):
            continue
        arcs = arcs[np.lexsort((-rc.arc_margin[arcs], rc.arc_days[arcs]))]
        # Only a ship-complete line needs a dry run (all or nothing); it copies the state, so only for those.
        if ref.line.ship_complete and sum(q for _, q in _takes(rc, st, li, arcs, need, commit=False)) < need:
            continue
        for a, q in _takes(rc, st, li, arcs, need, commit=True):
            flow[a] += q
    return flow


def _takes(rc: RunCandidates, st: _State, li: int, arcs: np.ndarray, need: int, commit: bool) -> list[tuple[int, int]]:
    """The units the line takes arc by arc; applied to the state only when `commit`."""
    ref = rc.lines[li]
    node, lane, prot = (st.node, st.lane, st.prot) if commit else (st.node.copy(), st.lane.copy(), st.prot.copy())
    used = st.used[ref.order.id] if commit else set(st.used[ref.order.id])
    limit = st.limits.get(ref.order.id)
    out = []
    for a in arcs.tolist():
        n, k, f = int(rc.arc_node[a]), int(rc.arc_lane[a]), int(rc.arc_origin[a])
        if need == 0:
            break
        if limit is not None and f not in used and len(used) >= limit:
            continue
        rows = [r for r in st.rows_of.get(n, ()) if ref.cls.rank >= rc.protections[r].rank]
        q = min([need, int(node[n])] + ([int(lane[k])] if k >= 0 else []) + [int(prot[r]) for r in rows])
        if q <= 0:
            continue
        node[n] -= q
        if k >= 0:
            lane[k] -= q
        for r in rows:
            prot[r] -= q
        used.add(f)
        need -= q
        out.append((a, q))
    return out


def greedy_run(problem: ReallocationProblem) -> ReallocationRun:
    """The baseline as a whole run answer (no fill-ratio levels: it proves nothing), for the bench and tests."""
    began = time.perf_counter()
    rc = build(problem, prune=False)
    limits = binding_limits(rc)
    flow = greedy(rc, limits)
    orders = orders_of(rc, flow, set(), Explainer(rc, flow, limits))
    values = level_values(problem, orders)
    names = ["win.on_time_units", "win.units", "gain.kept_units"]
    for tier in (*problem.policy.tiers, NO_TIER):
        names += [n for n in (f"tier.{tier}.on_time_units", f"tier.{tier}.units") if n in values]
    names += ["fill.units", "margin", "stability", "tie_break"]
    objective = tuple(ObjectiveLevel(n, values.get(n, 0.0), False) for n in names)
    wall = (time.perf_counter() - began) * 1000
    info = SolverInfo("greedy", "FEASIBLE", False, True, objective[0].level, wall, 0.0, 0, 0, 0)
    return ReallocationRun(
        "greedy", problem.as_of, "FEASIBLE", orders, objective, kpis(problem, orders), info, input_hash(problem)
    )
