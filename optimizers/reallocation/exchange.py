"""Eligibility for the fill ratio shown by exchanging one unit, without a solve.

A line of the class is eligible when some answer that keeps every earlier level at its optimum gives it a unit
(`optimizers.reallocation.ratio`). Take the incumbent x, which keeps them, and a line l it does not serve. If
another line l' of the same class draws a unit at a node where l has an arc, then x with that unit moved from
l' to l is such an answer, provided the move changes no row's activity beyond what the rows allow and no level
held so far:
- both arcs are at the same node, both on time or both not, and via the same capacitated lane or both via no
  capacitated lane: the node, lane and protection rows (nested by class: l and l' rank alike) keep their
  activity, and so do the class's on-time units and units;
- l and l' are `gain` or `redistribute` lines of the class (the levels of earlier classes, of `win` lines and
  the ratio holds of earlier classes count neither); neither changes the kept units of `gain` lines (l is not a
  `gain` line with confirmed units, and l' keeps more than its confirmed units);
- l' is not ship-complete; l's order has no shipment limit that can bind (it might open a new ship-from);
- the bounds as they stand allow it: l's arc may rise by one (an earlier face may have fixed it), l''s arc and
  l''s line row may fall by one, and l's line row may rise by one.
Every other row (held objective rows, earlier ratio holds, kept rows) then keeps its activity, so the moved
answer keeps every earlier level: l is eligible. The unit may also come through a relay: l takes it from l1,
which takes one at another node from l2, under the same conditions at each node, l1 of the class and neither
ship-complete nor limited (its units and kept units do not change). Lines no exchange
shows are left to the solve.

Where a level is held by its optimal face, the bounds it fixed already forbid a move that would change it; where
it is held by its row (the integer path) they do not, and the conditions above are what keeps it (the kept
units: `tests/reallocation/test_exchange.py`). The bound checks are a second guard on what the conditions imply.
On the plain 100,000-line book the exchange showed 2,250 of the 2,581 lines of the last class that the first
round of solves had to find (2026-12-04).
"""

from __future__ import annotations

import numpy as np

from optimizers.reallocation.levels import COMPETING, STRATEGIES, Level
from optimizers.reallocation.lexicographic import BatchSolver
from optimizers.reallocation.problem import Strategy

_GAIN, _COMPETING = STRATEGIES.index(Strategy.GAIN), [STRATEGIES.index(s) for s in COMPETING]


def exchangeable(s: BatchSolver, level: Level, lines: list[int]) -> list[int]:
    """The lines (positions in the batch) among `lines`, each unserved by the incumbent, that a one-unit exchange
    with a served line of the class shows eligible."""
    if not lines or s.stopped:
        return []
    m, rc = s.m, s.rc
    n = len(m.arcs)
    col_lo, col_hi = s.col_bounds(np.arange(n))
    flow = np.rint(s.x[:n])
    alloc, confirmed = s.allocated(), s.confirmed_lines
    ship_complete = np.array([rc.lines[int(li)].line.ship_complete for li in m.lines.tolist()], bool)
    row_lo = np.full(len(m.lines), np.inf)  # a line without a line row (ship-complete) gives nothing
    row_hi = np.zeros(len(m.lines))
    with_row = list(m.line_row)
    row_lo[with_row], row_hi[with_row] = s.line_bounds(with_row)
    ours = (m.line_rank == level.rank) & np.isin(m.line_strategy, _COMPETING)
    gain = m.line_strategy == _GAIN
    giver = ours & ~ship_complete & (~gain | (alloc > confirmed)) & (row_lo <= alloc - 1)
    line = m.arc_line
    gives = giver[line] & (flow >= 1) & (col_lo <= flow - 1)
    capped = rc.capped_lanes()
    lane = rc.arc_lane[m.arcs]
    lane_key = np.where(capped[lane], lane, -1) + 1
    key = (rc.arc_node[m.arcs].astype(np.int64) * 2 + rc.arc_on_time[m.arcs]) * (len(rc.lanes) + 2) + lane_key
    relay = ours & ~ship_complete & ~m.line_limited
    releases = relay[line] & (flow >= 1) & (col_lo <= flow - 1)
    freed = _relayed(key, line, gives, releases, relay[line] & (col_hi >= flow + 1))
    taker = np.zeros(len(m.lines), bool)
    taker[np.asarray(lines, np.int64)] = True
    taker &= ~m.line_limited & ~(gain & (confirmed > 0)) & (alloc == 0) & (row_hi >= 1)
    takes = taker[line] & (col_hi >= 1) & np.isin(key, freed)
    shown = np.unique(line[takes])
    return [int(p) for p in shown.tolist()]


def _relayed(
    key: np.ndarray, line: np.ndarray, gives: np.ndarray, releases: np.ndarray, takes: np.ndarray
) -> np.ndarray:
    """The keys where a unit can be freed: those of the arcs that can give one (`gives`), and those where a relay
    line can release one (`releases`) because it can take one at a key where an arc gives (`takes`). Each key's
    activity is unchanged (one unit in, one out), and the relay keeps its units. Whether the relay's two arcs are
    on time does not matter: the on-time flag is part of the key, so the class's on-time units are unchanged key by
    key; and a relay that is itself the giver at the key it takes at is also a giver at the key it releases."""
    given = np.unique(key[gives])
    can = np.zeros(int(line.max(initial=-1)) + 1, bool)
    can[line[takes & np.isin(key, given)]] = True
    return np.union1d(given, key[releases & can[line]])
