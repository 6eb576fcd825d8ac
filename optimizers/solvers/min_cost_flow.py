"""The relaxation as one exact min-cost flow, when no lane capacity can bind.

Without a lane that could bind, the relaxation (ship-complete lines relaxed to `<= qty`, no shipment limit) is
a transportation problem: supply nodes ship to lines along arcs, within each node's quantity and each line's
quantity. All four levels then fit in one integer cost per unit on each arc,

    F = W1 * on_time + W2 * 1 + W3 * margin - tie,

with weights chosen so that each level outweighs every possible difference in the levels after it (margin in
1e-4 money units and the tie-break are integers, so a difference of one unit is the smallest there is):

    W3 = T + 1,   W2 = W3 * M + T + 1,   W1 = W2 * U + W3 * M + T + 1,

where U bounds the units, M the spread of the margin and T the tie cost of any flow. Maximising F is then
exactly the lexicographic objective. OR-Tools' min-cost flow solves it in integers: no tolerances, an integral
optimum by construction, and in a fraction of the time the LP's level-by-level solves take on a small order.
When a lane could bind (lanes carry several items, which a single-commodity flow cannot keep apart) or the
weights would not fit comfortably in 64 bits, this path does not apply and the caller solves the LP instead
(`optimizers.solvers.lp_levels`).
"""

from __future__ import annotations

import time

import numpy as np
from ortools.graph.python import min_cost_flow

from optimizers.candidates.candidate_set import CandidateSet
from optimizers.decision import Engine, SolveStatus
from optimizers.model.matrix import binding_lane_caps, hopeless_arcs
from optimizers.solvers.budget import Budget
from optimizers.solvers.incumbent import score
from optimizers.solvers.outcome import ALL_OPTIMAL, Score, SolveOutcome

COST_LIMIT = 2**62  # for an arc's cost times (vertices + 1), which min-cost flow scales costs by, and for the total


class MinCostFlow:
    """The solve path `Engine.MIN_COST_FLOW` (`optimizers.solvers.solver.Solver`): the relaxation in one flow."""

    def solve(
        self,
        cs: CandidateSet,
        budget: Budget,
        floor: Score | None = None,
        relaxed: SolveOutcome | None = None,
    ) -> SolveOutcome | None:
        """The relaxation's lexicographic optimum, or None when this order needs the LP."""
        return flow_relaxation(cs, budget, floor)


def flow_relaxation(cs: CandidateSet, budget: Budget, floor: Score | None = None) -> SolveOutcome | None:
    """The relaxation's lexicographic optimum by min-cost flow, or None when this order needs the LP (or time is
    up: the LP path then reports it as such). One work unit.

    With a `floor`, an optimum below it on the first three levels is reported `pruned`, as the LP does.
    """
    a = cs.arcs
    if not len(a) or budget.time_up() or np.isfinite(binding_lane_caps(cs, a.node, a.lane)).any():
        return None
    start = time.perf_counter()
    cap = np.minimum(cs.node_qty[a.node], cs.line_qty[a.line]).astype(np.int64)
    cap[hopeless_arcs(cs)] = 0
    nodes, node_at = np.unique(a.node, return_inverse=True)
    lines = np.arange(len(cs.line_qty))
    vertices = 2 + len(nodes) + len(lines)
    units = int(cs.line_qty.sum())
    w1, w2, w3, largest = _weights(cs, cap, units)
    if largest * max(vertices + 1, units + 1) >= COST_LIMIT:
        return None
    benefit = w1 * a.on_time.astype(np.int64) + w2 + w3 * a.margin.astype(np.int64) - a.tie.astype(np.int64)
    source, sink, first_line = 0, 1, 2 + len(nodes)
    mark = budget.enter(Engine.MIN_COST_FLOW)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(  # the arcs first, so arc j of the model is arc j of the flow
        2 + node_at, first_line + a.line, cap, -benefit
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([np.full(len(nodes), source), first_line + lines, [source]]),
        np.concatenate([2 + np.arange(len(nodes)), np.full(len(lines), sink), [sink]]),
        np.concatenate([cs.node_qty[nodes], cs.line_qty, [units]]).astype(np.int64),
        np.zeros(len(nodes) + len(lines) + 1, np.int64),
    )
    flow.set_node_supply(source, units)
    flow.set_node_supply(sink, -units)
    solved = flow.solve() == flow.OPTIMAL
    budget.spend()
    if not solved:
        return None
    x = np.asarray(flow.flows(np.arange(len(a)))).astype(np.int64)
    spent = (time.perf_counter() - start) * 1000.0
    pruned = floor is not None and score(cs, x)[:3] < floor[:3]
    status = SolveStatus.TIMEOUT if pruned else SolveStatus.OPTIMAL
    out = SolveOutcome(
        None if pruned else x,
        status,
        Engine.MIN_COST_FLOW,
        ALL_OPTIMAL,
        spent,
        1,
        len(a),
        vertices,
        detail="pruned" if pruned else None,
        pruned=pruned,
    )
    return budget.stamp(out, mark)


def _weights(cs: CandidateSet, cap: np.ndarray, units: int) -> tuple[int, int, int, int]:
    """W1, W2, W3 and the largest cost of an arc, as exact Python integers.

    The tie cost of any flow is at most T and its margin spreads over at most M, each bounded over the arcs'
    capacities or over the units, whichever is smaller.
    """
    a = cs.arcs
    up, down = max(int(a.margin.max()), 0), max(-int(a.margin.min()), 0)
    tie_most = _smaller(np.abs(a.tie), cap, int(np.abs(a.tie).max()) * units)  # tie costs are >= 0 today
    spread = _smaller(np.abs(a.margin), cap, (up + down) * units)
    w3 = tie_most + 1
    w2 = w3 * spread + tie_most + 1
    w1 = w2 * units + w3 * spread + tie_most + 1
    return w1, w2, w3, w1 + w2 + w3 * max(up, down) + tie_most


def _smaller(values: np.ndarray, cap: np.ndarray, other: int) -> int:
    """min(values . cap, other), exactly: the dot product is taken in 64 bits only when it cannot overflow."""
    if float(values.astype(np.float64) @ cap.astype(np.float64)) >= min(other, 2**62):
        return other
    return min(other, int(values.astype(np.int64) @ cap))
