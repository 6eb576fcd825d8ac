"""Warm starts (`optimizers.reallocation.warm`): a run started from another run's bases proves the same value at
every level as a cold run; on the recorded input itself the start saves most of HiGHS's iterations, the fill
ratio's solves included, which start from the record only while the run follows it; a record made on other
stock or demand is left by primal simplex in fewer iterations without HiGHS's bound perturbation than with it;
unit levels go to primal simplex and the dual levels to dual or HiGHS's choice; keys name the same column
and row across runs whose lists differ; a record missing columns and rows still gives HiGHS a basis; a run with
other levels, and a batch with binaries, is not started from the record."""

from __future__ import annotations

import pickle
import random
import time
from dataclasses import replace
from datetime import timedelta
from typing import Any

import highspy
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizers.reallocation import ReallocationProblem, ReallocationRun, lexicographic
from optimizers.reallocation import warm as warm_module
from optimizers.reallocation.levels import objective_levels
from optimizers.reallocation.lexicographic import _CHOOSE, _DUAL, _PRIMAL, DUAL_LEVELS, BatchSolver
from optimizers.reallocation.warm import Bases
from optimizers.solvers.budget import Budget
from scenarios.orderbook import order_book
from tests.reallocation.helpers import (
    batch_solver,
    iterations,
    less_stock,
    made_solvers,
    more_demand,
    network,
    order,
    plain,
    problem,
    solved,
    values,
)


def modified(problem: ReallocationProblem, seed: int) -> ReallocationProblem:
    """The book after what a planner's scenario does to it: stock taken or added, receipts late, demand up or
    down, an order gone, fair share turned off (the run then lacks the fill-ratio levels the record has)."""
    rnd = random.Random(seed)
    net = problem.network
    stock = tuple(s._replace(qty=max(0, s.qty + rnd.randint(-5, 5))) if rnd.random() < 0.3 else s for s in net.stock)
    late = rnd.randint(0, 10)
    inbound = tuple(r._replace(eta=r.eta + timedelta(days=late)) if rnd.random() < 0.5 else r for r in net.inbound)
    orders = list(problem.orders)
    if len(orders) > 1 and rnd.random() < 0.5:
        orders.pop(rnd.randrange(len(orders)))
    orders = [
        replace(o, lines=tuple(ln._replace(qty=max(ln.confirmed_qty, ln.qty + rnd.randint(-3, 3))) for ln in o.lines))
        if rnd.random() < 0.2 else o
        for o in orders
    ]  # fmt: skip
    rnd.shuffle(orders)
    policy = replace(problem.policy, fair_share=not problem.policy.fair_share) if rnd.random() < 0.2 else problem.policy
    return replace(problem, network=replace(net, stock=stock, inbound=inbound), orders=tuple(orders), policy=policy)


def _started(patch: pytest.MonkeyPatch, binaries: list[bool] | None = None) -> list[tuple[str, bool]]:
    calls: list[tuple[str, bool]] = []
    real = Bases.start

    def start(self: Bases, solver: BatchSolver, level: str) -> bool:
        ok = real(self, solver, level)
        calls.append((level, ok))
        if binaries is not None:
            binaries.append(bool(solver.m.integer[len(solver.m.arcs) :].any()))
        return ok

    patch.setattr(Bases, "start", start)
    return calls


def _simplex(patch: pytest.MonkeyPatch) -> dict[str, int]:
    """Each linear level's last solve: its HiGHS simplex strategy (`_PRIMAL`, `_DUAL` or `_CHOOSE`)."""
    seen: dict[str, int] = {}
    real_level, real_optimise = BatchSolver.level, BatchSolver.optimise
    current = [""]

    def level(self: BatchSolver, lv: Any, budget: Any, then: Any = None) -> Any:
        current[0] = lv.name
        try:
            return real_level(self, lv, budget, then)
        finally:
            current[0] = ""

    def optimise(self: BatchSolver, *args: Any, strategy: int = _PRIMAL, **kwargs: Any) -> Any:
        if current[0]:  # not the fill ratio's solves
            seen[current[0]] = strategy
        return real_optimise(self, *args, strategy=strategy, **kwargs)

    patch.setattr(BatchSolver, "level", level)
    patch.setattr(BatchSolver, "optimise", optimise)
    return seen


def _assert_strategies(simplex: dict[str, int], dual_levels: int) -> None:
    """Levels started from a record: unit levels by primal simplex, `DUAL_LEVELS` by `dual_levels`."""
    assert simplex and set(simplex) & DUAL_LEVELS, simplex
    assert all(s == (dual_levels if name in DUAL_LEVELS else _PRIMAL) for name, s in simplex.items()), simplex


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 10**6), st.integers(30, 140), st.integers(0, 10**6), st.booleans())
def test_a_run_started_from_another_runs_bases_proves_the_same_values(
    seed: int, lines: int, change: int, binaries: bool
) -> None:
    share = 0.1 if binaries else 0.0
    base = order_book(seed, lines, max(8, lines // 5), max(3, lines // 40), ship_complete=share, limited=2 * share)
    keep = Bases()
    recorded = solved(base, keep=keep, verify_share=0.0)
    assert keep.plan and (keep.levels or binaries or recorded.solver.solves == 0)  # a book no supply reaches: no LP
    scenario = modified(base, change)
    cold = solved(scenario, verify_share=0.0)
    warm = solved(scenario, warm=pickle.loads(pickle.dumps(keep)), verify_share=0.0)
    assert values(warm) == values(cold)
    assert warm.input_hash == cold.input_hash


def repriced(problem: ReallocationProblem, seed: int) -> ReallocationProblem:
    """The book with some lines' prices moved by up to 10%: only the margin and what follows it change, so a run
    follows the recorded one through the fill ratios and starts their LPs from the record."""
    rnd = random.Random(seed)

    def line(ln: Any) -> Any:
        if rnd.random() >= 0.3:
            return ln
        return ln._replace(unit_price=round(ln.unit_price * (1 + rnd.uniform(-0.1, 0.1)), 2))

    return replace(problem, orders=tuple(replace(o, lines=tuple(line(ln) for ln in o.lines)) for o in problem.orders))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 10**6), st.integers(30, 140), st.integers(0, 10**6))
def test_a_run_that_follows_the_record_starts_the_fill_ratios_solves_from_it_and_proves_the_same_values(
    seed: int, lines: int, change: int
) -> None:
    base = plain(seed, lines, max(8, lines // 5), max(3, lines // 40))
    keep = Bases()
    solved(base, keep=keep, verify_share=0.0)
    scenario = repriced(base, change)
    warm = solved(scenario, warm=pickle.loads(pickle.dumps(keep)), verify_share=0.0)
    assert values(warm) == values(solved(scenario, verify_share=0.0))


def test_the_recorded_input_started_from_its_own_bases_needs_far_fewer_iterations() -> None:
    problem = plain(5, 120, 24, 5)
    keep = Bases()
    with pytest.MonkeyPatch.context() as patch:
        solvers = made_solvers(patch)  # each counts its simplex iterations, the fill ratio's solves included
        first = solved(problem, keep=keep, verify_share=0.0)
        cold = iterations(solvers)
        solvers.clear()
        calls = _started(patch)
        simplex = _simplex(patch)
        again = solved(problem, warm=keep, verify_share=0.0)
    assert values(again) == values(first)
    assert calls and all(ok for _, ok in calls)  # every linear level of every batch
    _assert_strategies(simplex, _CHOOSE)  # the record knows this LP: HiGHS's choice for the dual levels
    # Every recorded LP but the fill ratios' bounds: the record's best minimum settles each ratio without it
    # (`ratio._recorded_first`; `test_ratio_record`).
    assert keep.ratios and {level for level, _ in calls} == {name for name in keep.levels if "#bound" not in name}
    assert iterations(solvers) < cold / 2, (iterations(solvers), cold)


def _warm_iterations(problem: ReallocationProblem, keep: Bases, perturbation: float) -> tuple[int, ReallocationRun]:
    """HiGHS's iterations over a run's levels (the fill ratio's solves included) started from `keep`, with
    primal simplex's bound perturbation at `perturbation` (`lexicographic.PRIMAL_BOUND_PERTURBATION`); and the
    run."""
    with pytest.MonkeyPatch.context() as patch:
        solvers = made_solvers(patch)
        patch.setattr(lexicographic, "PRIMAL_BOUND_PERTURBATION", perturbation)
        run = solved(problem, warm=pickle.loads(pickle.dumps(keep)), verify_share=0.0)
    return iterations(solvers), run


@pytest.mark.parametrize(("seed", "change"), [(6, less_stock), (7, less_stock), (6, more_demand)])
def test_a_record_made_on_other_data_is_left_by_primal_simplex_faster_without_bound_perturbation(
    seed: int, change: Any
) -> None:
    # HiGHS's bound perturbation made primal simplex's cleanup most of its work from a record on these degenerate
    # integral LPs (the plain 20,000-line book's `tier.none.on_time_units`: 1,787 iterations against 116; these
    # 1,500-line books: 75-168 against 817-949 for the stock, 2,215 against 3,901 for the demand).
    base = plain(seed, 1500, 300, 6)
    keep = Bases()
    solved(base, keep=keep, verify_share=0.0)
    scenario = change(base)
    without, run = _warm_iterations(scenario, keep, 0.0)
    with_it, other = _warm_iterations(scenario, keep, 1.0)
    assert without < 0.75 * with_it, (without, with_it)
    assert values(run) == values(other) == values(solved(scenario, verify_share=0.0))


def test_the_fill_ratios_solves_start_from_the_record_only_while_the_run_follows_it() -> None:
    problem = plain(5, 120, 24, 5)
    keep = Bases()
    solved(problem, keep=keep, verify_share=0.0)
    ratio_solves = {name for name in keep.levels if "#" in name}
    assert ratio_solves, "the book should have fill-ratio levels with an LP"
    searched = pickle.loads(pickle.dumps(keep))
    searched.ratios.clear()  # the ratios' best minimums would settle them without their LPs (`test_ratio_record`)
    with pytest.MonkeyPatch.context() as patch:
        calls = _started(patch)
        solved(problem, warm=searched, verify_share=0.0)
    assert {name for name, ok in calls if ok and "#" in name} == ratio_solves  # every level on the record
    # A record that knows none of the columns starts no level, so the run never follows it: the ratio's solves
    # are not even tried from it.
    other = pickle.loads(pickle.dumps(keep))
    other.col_ids.clear()
    with pytest.MonkeyPatch.context() as patch:
        calls = _started(patch)
        solved(problem, warm=other, verify_share=0.0)
    assert calls and not any(ok for _, ok in calls) and not any("#" in name for name, _ in calls)


def test_keys_find_the_same_columns_when_lists_are_reordered_and_an_order_is_gone() -> None:
    problem = plain(11, 100, 20, 4)
    keep = Bases()
    solved(problem, keep=keep, verify_share=0.0)
    fewer = replace(problem, orders=tuple(reversed(problem.orders[1:])))
    with pytest.MonkeyPatch.context() as patch:
        calls = _started(patch)
        warm = solved(fewer, warm=keep, verify_share=0.0)
    assert calls and all(ok for name, ok in calls if "#" not in name)  # a ratio's round the record lacks is not
    assert values(warm) == values(solved(fewer, verify_share=0.0))


def test_a_record_missing_columns_and_rows_still_gives_a_basis_highs_takes(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = plain(7, 120, 24, 5)
    keep = Bases()
    solved(problem, keep=keep, verify_share=0.0)
    rnd = random.Random(1)
    for table in (keep.col_ids, keep.row_ids):  # forget a fifth of the keys: their ids now point nowhere
        for key in rnd.sample(sorted(table, key=repr), len(table) // 5):
            del table[key]
    monkeypatch.setattr(warm_module, "MOST_UNKNOWN", 1.0)
    calls = _started(monkeypatch)
    simplex = _simplex(monkeypatch)
    warm = solved(problem, warm=keep, verify_share=0.0)
    assert calls and all(ok for name, ok in calls if "#" not in name)
    _assert_strategies(simplex, _DUAL)  # a patched basis: dual simplex from it for the dual levels
    assert values(warm) == values(solved(problem, verify_share=0.0))


class _Refusing:
    """A HiGHS instance whose first `setBasis` is refused, as HiGHS refuses a basis it cannot take."""

    def __init__(self, h: Any) -> None:
        self.h, self.refused = h, False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.h, name)

    def setBasis(self, basis: Any) -> Any:  # noqa: N802 - HiGHS's name
        if not self.refused:
            self.refused = True
            return highspy.HighsStatus.kError
        return self.h.setBasis(basis)


def test_a_start_highs_refuses_leaves_the_batch_on_its_own_basis() -> None:
    """A start clears HiGHS's solver state before it sets the record (`warm.FRESH`): when HiGHS then refuses
    the record, the batch's own basis is set again, so the level goes on from its last optimum, not from nothing."""
    problem = plain(7, 120, 24, 5)
    keep = Bases()
    solved(problem, keep=keep, verify_share=0.0)
    s = batch_solver(problem)
    level = objective_levels(problem, set())[0]
    assert level.name == "win.on_time_units"
    s.level(level, Budget(time.perf_counter() + 60))
    own = s.m.h.getBasis()
    own_cols, own_rows = list(own.col_status), list(own.row_status)
    s.m.h = _Refusing(s.m.h)
    assert level.name in keep.levels
    assert not keep.start(s, level.name)
    assert s.m.h.refused
    after = s.m.h.getBasis()
    assert after.valid and list(after.col_status) == own_cols and list(after.row_status) == own_rows


def test_a_record_that_knows_too_few_columns_is_not_used() -> None:
    problem = plain(7, 120, 24, 5)
    keep = Bases()
    solved(problem, keep=keep, verify_share=0.0)
    keep.col_ids.clear()
    with pytest.MonkeyPatch.context() as patch:
        calls = _started(patch)
        solved(problem, warm=keep, verify_share=0.0)
    assert calls and not any(ok for _, ok in calls)


def test_a_run_without_the_fill_ratios_starts_the_levels_it_shares_from_the_record() -> None:
    problem = plain(3, 80, 16, 4)
    keep = Bases()
    solved(problem, keep=keep, verify_share=0.0)
    unfair = replace(problem, policy=replace(problem.policy, fair_share=False))
    with pytest.MonkeyPatch.context() as patch:
        calls = _started(patch)
        simplex = _simplex(patch)
        warm = solved(unfair, warm=keep, verify_share=0.0)
    assert calls and all(ok for _, ok in calls)
    _assert_strategies(simplex, _DUAL)  # the record was made under other levels: dual for the dual levels
    assert not any(level.endswith("min_fill_ratio") or "#" in level for level, _ in calls)
    assert values(warm) == values(solved(unfair, verify_share=0.0))


def test_a_run_with_its_tiers_in_another_order_is_not_started_from_the_record() -> None:
    problem = plain(3, 80, 16, 4)
    keep = Bases()
    solved(problem, keep=keep, verify_share=0.0)
    turned = replace(problem, policy=replace(problem.policy, tiers=tuple(reversed(problem.policy.tiers))))
    with pytest.MonkeyPatch.context() as patch:
        calls = _started(patch)
        warm = solved(turned, warm=keep, verify_share=0.0)
    assert calls == []
    assert values(warm) == values(solved(turned, verify_share=0.0))


def test_a_batch_with_binaries_is_neither_recorded_nor_started() -> None:
    problem = order_book(9, 150, 30, 5, ship_complete=0.2, limited=0.3)
    keep = Bases()
    solved(problem, keep=keep, verify_share=0.0)
    binaries: list[bool] = []
    with pytest.MonkeyPatch.context() as patch:
        calls = _started(patch, binaries)
        warm = solved(problem, warm=keep, verify_share=0.0)
    assert any(binaries), "the book should have a batch with binaries"
    assert not any(ok for (_, ok), has in zip(calls, binaries, strict=True) if has)
    assert values(warm) == values(solved(problem, verify_share=0.0))


def test_rows_demoted_from_a_start_take_the_status_of_their_own_bounds() -> None:
    """`_balance` demotes the latest rows' slacks, latest first. Their bounds must be read in increasing order
    (HiGHS reads another order as an error and zeros): a held row c.x >= v, bounded below only, goes to its lower
    bound, and the rows before it that are bounded above to their upper."""
    s = batch_solver(problem(network(10), order("SO-1", "gold", 5), order("SO-2", "silver", 5)))
    s._hold_row((s.cols_of(0), np.ones(len(s.cols_of(0))), True, 3))
    n_rows = s.m.h.getNumRow()
    col = np.full(s.m.h.getNumCol(), warm_module.BASIC, np.int8)
    row = np.full(n_rows, warm_module.BASIC, np.int8)
    warm_module._balance(s, col, row, np.zeros(n_rows, bool))
    demoted = np.flatnonzero(row != warm_module.BASIC)
    _, _, lo, hi, _ = s.m.h.getRows(n_rows, np.arange(n_rows, dtype=np.int32))
    assert len(demoted) >= 2 and demoted[-1] == n_rows - 1 and np.isinf(hi[-1])
    want = np.where(np.isfinite(hi), warm_module.UPPER, np.where(np.isfinite(lo), warm_module.LOWER, warm_module.ZERO))
    assert row[demoted].tolist() == want[demoted].tolist()
    assert warm_module.LOWER in row[demoted] and warm_module.UPPER in row[demoted]


def test_codes_are_found_in_the_sorted_tables_as_in_the_dicts() -> None:
    keep = Bases()
    solved(plain(5, 120, 24, 5), keep=keep, verify_share=0.0)
    rng = np.random.default_rng(0)
    for which, table in ((warm_module.COLUMN_CODES, keep.col_ids), (warm_module.ROW_CODES, keep.row_ids)):
        known = np.fromiter(table, np.int64, len(table))
        codes = np.concatenate([known, known + 1, known - 1, [-1, 0, np.iinfo(np.int64).max]])
        rng.shuffle(codes)
        assert np.array_equal(keep._known(which, codes), warm_module._ids(table, codes, grow=False))
    assert np.array_equal(Bases()._known(warm_module.COLUMN_CODES, codes), np.full(len(codes), warm_module.UNKNOWN))
