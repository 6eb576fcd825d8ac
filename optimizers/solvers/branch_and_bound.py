"""An order without a binding shipment limit splits into independent parts: solve exactly only those that need it.

Parts share no supply node, line or lane that could bind, so each objective level is a sum over parts and the
lexicographic optimum of the order is the union of the parts' optima. Where the relaxation is already integral
and meets ship-complete, it is optimal for its part; the other parts go to branch and bound on the warm LP
(`optimizers.solvers.ship_complete_tree`), and to SCIP (`optimizers.solvers.mip`) when that cannot finish.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from optimizers.candidates.candidate_set import CandidateSet
from optimizers.decision import DegradedReason, Engine, SolveStatus
from optimizers.model.matrix import binding_lane_caps
from optimizers.solvers import incumbent
from optimizers.solvers.budget import Budget
from optimizers.solvers.lp_levels import relaxation
from optimizers.solvers.mip import Mip
from optimizers.solvers.outcome import INTEGRAL_TOL, Score, SolveOutcome
from optimizers.solvers.ship_complete_tree import ship_complete_branch_and_bound


class BranchAndBound:
    """The solve path `Engine.BRANCH_AND_BOUND` (`optimizers.solvers.solver.Solver`), per independent part."""

    def solve(
        self,
        cs: CandidateSet,
        budget: Budget,
        floor: Score | None = None,
        relaxed: SolveOutcome | None = None,
    ) -> SolveOutcome | None:
        """The relaxation with the parts where it is fractional or breaks ship-complete re-solved exactly; None when
        SCIP found nothing for a part the branch and bound could not start on."""
        relaxed = relaxed or relaxation(cs, budget)
        mark = budget.enter(Engine.BRANCH_AND_BOUND)
        out = _by_parts(cs, relaxed, budget)
        return None if out is None else budget.stamp(out, mark)


def _by_parts(cs: CandidateSet, relaxed: SolveOutcome, budget: Budget) -> SolveOutcome | None:
    """Re-solve exactly only the independent parts where the relaxation is fractional or breaks ship-complete.

    Each level is a sum over independent parts, so the lexicographic optimum of the whole is the union of the
    parts' optima; the relaxation is already optimal, and feasible, on every other part.
    """
    raw = relaxed.x if relaxed.x is not None else relaxed.fractional
    assert raw is not None
    label = components(cs)
    bad = np.flatnonzero(np.abs(raw - np.rint(raw)) > INTEGRAL_TOL)
    bad = np.concatenate([bad, np.flatnonzero(np.isin(cs.arcs.line, incumbent.partial_lines(cs, raw)))])
    x = np.rint(raw).astype(np.int64)
    spent, solves = relaxed.solve_ms, relaxed.solves
    parts = sorted(np.unique(label[bad]).tolist(), key=lambda part: (int((label == part).sum()), part))
    unproven = 0
    for part in parts:  # smallest first: a part left unproven by the time limit costs the least
        idx = np.flatnonzero(label == part)
        piece = cs.part(idx)
        branched = ship_complete_branch_and_bound(piece, budget, raw[idx])
        if branched is not None:
            spent, solves = spent + branched.solve_ms, solves + branched.solves
            if branched.proven:
                x[idx] = branched.x
                continue
        if branched is not None and budget.exhausted():  # no time or work left for SCIP to do better
            x[idx] = branched.x
            unproven += 1
            continue
        out = Mip().solve(piece, budget)
        spent, solves = spent + out.solve_ms, solves + out.solves
        if out.status == SolveStatus.OPTIMAL and out.x is not None:
            x[idx] = out.x
        elif branched is not None:  # the best the branch and bound found: feasible, never below the root emptied
            found = incumbent.best(piece, [("the solver's", out.x), ("branched", branched.x)])
            assert found is not None
            x[idx] = found[1]
            unproven += 1
        else:
            return None
    reason, detail, levels = None, None, relaxed.levels
    if unproven:  # the search and SCIP were stopped by a limit: the work limit if spent, else the time
        reason = budget.reason(DegradedReason.TIME_LIMIT)
        detail = (
            f"{unproven} of {len(parts)} parts not proven optimal (each answered with the best feasible flow its "
            "search found, at worst its partly filled ship-complete lines left empty)"
        )
        levels = tuple(replace(lv, optimal=False) for lv in relaxed.levels)
    return replace(
        relaxed,
        x=x,
        status=SolveStatus.FEASIBLE if unproven else SolveStatus.OPTIMAL,
        engine=Engine.BRANCH_AND_BOUND,
        solve_ms=spent,
        solves=solves,
        degraded_reason=reason,
        detail=detail,
        fractional=None,
        levels=levels,
        parts=len(parts),
        parts_unproven=unproven,
    )


def components(cs: CandidateSet) -> np.ndarray:
    """Per arc, the id of its connected part in the graph of supply nodes, lines and capacitated lanes."""
    n_nodes, n_lines = len(cs.nodes), len(cs.problem.order.lines)
    node, line, lane = cs.arcs.node, cs.arcs.line + n_nodes, cs.arcs.lane
    binding = binding_lane_caps(cs, node, lane) < np.inf  # a lane that cannot bind has no row to couple parts
    capped = np.append(binding, False)[lane]  # lane -1 (direct) reads the appended False
    src = np.concatenate([node, node[capped]])
    dst = np.concatenate([line, n_nodes + n_lines + lane[capped]])
    size = n_nodes + n_lines + len(cs.lanes)
    graph = coo_matrix((np.ones(len(src)), (src, dst)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    return labels[line]
