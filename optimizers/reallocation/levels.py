"""The run's objective levels, in the spec's order, and each level's coefficients on a batch's columns.

Level k maximises (or minimises) c_k . x over the batch's columns, with every earlier level held at its
optimum. The fill-ratio level of a class is not linear in x; `optimizers.reallocation.lexicographic` solves it
as max t with x_l >= qty_l t over the class's eligible lines.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optimizers.reallocation.candidates import RunCandidates
from optimizers.reallocation.model import BatchModel
from optimizers.reallocation.problem import ReallocationProblem, Strategy
from optimizers.reallocation.segments import class_names

COMPETING = (Strategy.GAIN, Strategy.REDISTRIBUTE)


class Level(NamedTuple):
    name: str
    kind: str  # "max", "min" or "ratio"
    strategies: tuple[Strategy, ...] = ()  # whose lines' arcs count; empty for the special levels
    rank: int | None = None  # the tier class, for tier levels
    on_time: bool = False  # count on-time arcs only


def objective_levels(problem: ReallocationProblem, present: set[int]) -> list[Level]:
    """Every level of the run in order; `present` holds the classes with a `gain` or `redistribute` line."""
    out = [
        Level("win.on_time_units", "max", (Strategy.WIN,), on_time=True),
        Level("win.units", "max", (Strategy.WIN,)),
        Level("gain.kept_units", "max"),
    ]
    for rank, name in enumerate(class_names(problem)):
        if rank in present:
            out.append(Level(f"tier.{name}.on_time_units", "max", COMPETING, rank, on_time=True))
            out.append(Level(f"tier.{name}.units", "max", COMPETING, rank))
            if problem.policy.fair_share:
                out.append(Level(f"tier.{name}.min_fill_ratio", "ratio", COMPETING, rank))
    out += [
        Level("fill.units", "max", (Strategy.FILL,)),
        Level("margin", "max"),
        Level("stability", "min"),
        Level("tie_break", "min"),
    ]
    return out


def coefficients(rc: RunCandidates, m: BatchModel, level: Level) -> tuple[np.ndarray, np.ndarray]:
    """The level's objective on the batch: column indices and coefficients (empty when nothing counts)."""
    if level.name == "gain.kept_units":
        cols = np.array(sorted(m.kept.values()), np.int64)
        return cols, np.ones(len(cols))
    if level.name == "stability":
        raise ValueError("stability's columns are added by the solver (BatchSolver.deviation)")
    if level.name == "margin":
        return np.arange(len(m.arcs)), rc.arc_margin[m.arcs].astype(float)
    if level.name == "tie_break":
        return np.arange(len(m.arcs)), rc.arc_tie[m.arcs].astype(float)
    wanted = np.isin(m.line_strategy, [STRATEGIES.index(s) for s in level.strategies])
    if level.rank is not None:
        wanted &= m.line_rank == level.rank
    keep = wanted[m.arc_line]
    if level.on_time:
        keep = keep & rc.arc_on_time[m.arcs]
    cols = np.flatnonzero(keep)
    return cols, np.ones(len(cols))


STRATEGIES = list(Strategy)


def _counts(rc: RunCandidates, li: int, level: Level) -> bool:
    cls = rc.lines[li].cls
    return cls.strategy in level.strategies and (level.rank is None or cls.rank == level.rank)


def ratio_lines(rc: RunCandidates, m: BatchModel, level: Level) -> list[int]:
    """Positions in the batch of the lines the ratio level may count: the class's competing, not
    ship-complete lines (whether each is eligible is decided by solving)."""
    out = []
    for p, li in enumerate(m.lines.tolist()):
        ref = rc.lines[li]
        if _counts(rc, li, level) and not ref.line.ship_complete and ref.line.qty > 0:
            out.append(p)
    return out
