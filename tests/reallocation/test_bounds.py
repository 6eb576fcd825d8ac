"""The bounds `BatchSolver` keeps beside HiGHS (`optimizers.reallocation.bounds`): equal to HiGHS's through every
kind of change the engine makes, and the check that compares them fails when a change goes past them.

(`tests/conftest.py` also checks them before every solve of every test.)"""

from __future__ import annotations

import time

import numpy as np

from optimizers.reallocation.levels import objective_levels
from optimizers.reallocation.model import ELIGIBLE, ELIGIBLE_ROW
from optimizers.solvers.budget import Budget
from tests.reallocation.helpers import batch_solver, network, order, problem


def _highs_cols(s, cols: np.ndarray) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    _, _, _, lo, hi, _ = s.m.h.getCols(len(cols), np.asarray(cols, np.int32))
    return list(lo), list(hi)


def _solver():  # type: ignore[no-untyped-def]
    book = (order("SO-1", "gold", 5), order("SO-2", "silver", 4, confirmed=2), order("SO-3", "gold", 3))
    return batch_solver(problem(network(6), *book))


def test_kept_bounds_follow_every_change_the_engine_makes() -> None:
    s = _solver()
    n_cols, n_rows = s.m.h.getNumCol(), s.m.h.getNumRow()
    assert s.col_bounds(np.arange(n_cols))[1].tolist() == _highs_cols(s, np.arange(n_cols))[1]  # read at first use
    s.set_cols(np.array([0]), np.array([1.0]), np.array([1.0]))
    rows = np.array([s.m.line_row[0]])
    s.set_rows(rows, np.array([1.0]), np.array([4.0]))
    assert s.col_bounds(np.array([0])) == (np.array([1.0]), np.array([1.0]))
    assert [v.tolist() for v in s.row_bounds(rows)] == [[1.0], [4.0]]
    e = s.add_cols(ELIGIBLE, [int(s.m.lines[0]), int(s.m.lines[1])], 1.0)  # scratch columns and rows
    s.add_sum_rows(ELIGIBLE_ROW, [0, 1], e, [-1.0, -1.0])
    assert s.m.h.getNumCol() == n_cols + 2 and s.bounds.matches()
    s.drop_scratch()
    assert s.m.h.getNumCol() == n_cols and s.m.h.getNumRow() == n_rows and s.bounds.matches()
    budget = Budget(time.perf_counter() + 60)
    for level in objective_levels(s.rc.problem, {1, 2}):  # faces, held rows, stability's columns and rows
        if level.kind != "ratio":
            s.level(level, budget)
            assert s.bounds.matches(), level.name
    assert s.m.h.getNumCol() > n_cols  # stability added its columns
    lo, hi = s.col_bounds(np.arange(s.m.h.getNumCol()))
    assert (lo.tolist(), hi.tolist()) == _highs_cols(s, np.arange(s.m.h.getNumCol()))


def test_the_check_fails_on_a_change_made_past_the_kept_bounds() -> None:
    s = _solver()
    s.col_bounds(np.array([0]))
    s.row_bounds(np.array([0]))
    assert s.bounds.matches()
    s.m.h.changeColBounds(0, 0.0, 0.0)
    assert not s.bounds.matches()
    s.set_cols(np.array([0]), np.array([0.0]), np.array([0.0]))
    assert s.bounds.matches()
    s.m.h.changeRowBounds(0, -1.0, 0.0)
    assert not s.bounds.matches()
