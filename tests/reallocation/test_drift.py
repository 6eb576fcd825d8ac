"""A scenario that has drifted from its baseline (`BatchSolver._drifted`): once a level started from the record
took more than `DRIFTED` (`DRIFTED_DUAL` for margin, stability and the tie-break) times the iterations the
recorded run took to reach the next level from its own last one, that next level goes on from the run's own
basis. It proves what a cold run proves, in fewer iterations
than starting every level from the record; the recorded input itself never drifts; and a scenario's batch finds
its recorded batch (what it cost, its fill ratios) though the batch's first line has gone."""

from __future__ import annotations

import math
import pickle
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from optimizers.reallocation import ReallocationProblem, lexicographic
from optimizers.reallocation import warm as warm_module
from optimizers.reallocation.lexicographic import BatchSolver
from optimizers.reallocation.warm import Bases
from tests.reallocation.helpers import iterations, made_solvers, plain, solved, values


def _late(base: ReallocationProblem, days: int) -> ReallocationProblem:
    """Every receipt `days` later: most lines' on-time flags move, as a supplier's long slip does."""
    net = base.network
    return replace(base, network=replace(net, inbound=tuple(r._replace(eta=r.eta + timedelta(days=days))
                                                             for r in net.inbound)))  # fmt: skip


def _linear(keep: Bases) -> list[str]:
    return [name for name in keep.plan if name in keep.levels and "#" not in name]


def _run(problem: ReallocationProblem, keep: Bases, *, never: bool = False) -> tuple[int, list[str], Any]:
    """A run started from `keep` (`never`: that never drifts from it, every level started from the record when
    it can be): its HiGHS iterations over every solve, the levels
    it started from the record (each batch's), and the run."""
    started: list[str] = []
    real = Bases.start

    def start(self: Bases, solver: BatchSolver, level: str) -> bool:
        ok = real(self, solver, level)
        if ok and "#" not in level:
            started.append(level)
        return ok

    with pytest.MonkeyPatch.context() as patch:
        if never:
            patch.setattr(lexicographic, "DRIFTED", math.inf)
            patch.setattr(lexicographic, "DRIFTED_DUAL", math.inf)
        patch.setattr(Bases, "start", start)
        solvers = made_solvers(patch)
        run = solved(problem, warm=pickle.loads(pickle.dumps(keep)), verify_share=0.0)
    return iterations(solvers), started, run


@pytest.mark.parametrize(("seed", "days"), [(6, 20), (7, 10)])
def test_a_run_far_from_the_record_goes_on_from_its_own_basis_and_proves_the_same_values(seed: int, days: int) -> None:
    # Measured (2026-12-05) on these 3,000-line books, every receipt 5 to 30 days late: 5-27% fewer iterations
    # than every level from the record (seed 6, 20 days: 6,641 against 9,122). On 1,500-line books the two were
    # within 6% either way: a small book's levels cost little from anywhere.
    base = plain(seed, 3000, 500, 8)
    keep = Bases()
    solved(base, keep=keep, verify_share=0.0)
    linear = _linear(keep)
    # The baseline went on from its own last level everywhere: what that cost is known for each level and batch.
    assert {name for name, _ in keep.chained} == set(linear)
    scenario = _late(base, days)
    cold = solved(scenario, verify_share=0.0)
    never, every, on_record = _run(scenario, keep, never=True)
    fewer, some, drifting = _run(scenario, keep)
    assert values(drifting) == values(on_record) == values(cold)
    assert len(some) < len(every), (some, every)
    assert fewer < never, (fewer, never)


def test_the_recorded_input_never_drifts() -> None:
    base = plain(6, 1500, 300, 6)
    keep = Bases()
    first = solved(base, keep=keep, verify_share=0.0)
    _, started, again = _run(base, keep)
    assert values(again) == values(first)
    assert set(started) == set(_linear(keep))


def test_a_batch_whose_first_line_has_gone_finds_its_recorded_batch() -> None:
    base = plain(6, 1500, 300, 6)
    keep = Bases()
    solved(base, keep=keep, verify_share=0.0)
    recorded = {key for _, key in keep.chained}
    firsts = {(o.id, o.lines[0].line) for o in base.orders}
    gone = {o.id for o in base.orders if (o.id, o.lines[0].line) in recorded}
    scenario = replace(base, orders=tuple(o for o in base.orders if o.id not in gone))
    assert gone and firsts
    found: list[tuple[object, object]] = []
    real = Bases._recorded

    def recorded_of(self: Bases, solver: BatchSolver) -> object:
        key = real(self, solver)
        found.append((warm_module._batch_key(solver), key))
        return key

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Bases, "_recorded", recorded_of)
        warm = solved(scenario, warm=pickle.loads(pickle.dumps(keep)), verify_share=0.0)
    assert found and all(key in recorded for _, key in found), found
    assert all(own not in recorded for own, _ in found)  # every recorded first line went with its order
    assert values(warm) == values(solved(scenario, verify_share=0.0))
