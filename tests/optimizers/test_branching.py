"""The branch and bound's first incumbent: the dive gives freed supply to other lines, and stays feasible."""

from __future__ import annotations

import time

from optimizers.candidates.build import build_candidates
from optimizers.model.matrix import build_model
from optimizers.problem import Item, OrderLine, StockPosition
from optimizers.solvers.budget import Budget
from optimizers.solvers.incumbent import complete_or_nothing, partial_lines, score
from optimizers.solvers.levels import LevelSolver, run_levels
from optimizers.solvers.ship_complete_tree import _dive, ship_complete_branch_and_bound
from tests.strategies import hand_problem


def test_the_dive_gives_the_supply_of_an_emptied_line_to_the_others() -> None:
    stock = (StockPosition("A", "WH-1", 10),)
    lines = (
        OrderLine(1, "A", 6, 9.0, ship_complete=True),
        OrderLine(2, "A", 7, 9.0, ship_complete=True),
        OrderLine(3, "A", 3, 8.0),
    )
    cs = build_candidates(hand_problem(lines, (Item("A", 6.0),), stock=stock))
    root = run_levels(build_model(cs, discrete=False), Budget(time.perf_counter() + 10)).x
    assert root is not None and partial_lines(cs, root)  # the LP fills 10 units and splits a complete line
    start = complete_or_nothing(cs, root)
    lp, budget = LevelSolver(build_model(cs, discrete=False)), Budget(time.perf_counter() + 10)
    (value, x), _, solves = _dive(cs, lp, root, budget, (score(cs, start), start))
    assert solves >= 1 and not partial_lines(cs, x) and value == score(cs, x) > score(cs, start)
    assert value[:2] == (10, 10)  # one complete line and line 3 take all the stock
    done = ship_complete_branch_and_bound(cs, Budget(time.perf_counter() + 10), root)
    assert done is not None and done.proven and score(cs, done.x) >= value
