"""Lexicographic solving of one batch: each level optimal given the ones before, proven by HiGHS.

A linear level is solved as an integer program (`mip_rel_gap` 0) and then held by the row
c.x >= v - 1/2 (<= v + 1/2 when minimising): every coefficient is an integer, so that row says c.x >= v
exactly. HiGHS's optimal status on that integer program, with integral data, is the proof of the level.
Each solve starts from the incumbent (always feasible: the previous level's optimum), so a time limit leaves
the best answer found, and the level whose solve ran out is the first one not proven.

The fill-ratio level of a class: first the eligible lines E (lines that some allocation keeping every earlier
level optimal gives a unit): lines the incumbent serves are eligible; for the others, max sum e_l with binary
e_l <= sum_{a of l} x_a, repeated on the lines not yet shown eligible until that maximum is 0. Then
max t with sum_{a of l} x_a >= qty_l t for l in E; the batch's value is min_l x_l / qty_l (exact, a
fraction). The driver takes the minimum over batches, t*, and holds it by x_l >= ceil(t* qty_l) for l in E.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction

import highspy
import numpy as np

from optimizers.reallocation.candidates import RunCandidates
from optimizers.reallocation.levels import Level, coefficients, ratio_lines
from optimizers.reallocation.model import INF, BatchModel
from optimizers.solvers.budget import Budget

_MAX, _MIN = highspy.ObjSense.kMaximize, highspy.ObjSense.kMinimize
_FEASIBLE = 2  # HiGHS's primal_solution_status for a feasible solution
INTEGRAL = 1e-6  # an LP value this close to an integer is that integer (HiGHS's feasibility tolerance is 1e-7)


class BatchSolver:
    """One batch's model, its incumbent, and which of its levels are proven."""

    def __init__(self, rc: RunCandidates, m: BatchModel) -> None:
        self.rc, self.m = rc, m
        self.x = np.zeros(m.n_cols)
        conf = np.array([rc.lines[li].line.confirmed_qty for li in m.lines.tolist()], float)
        self.x[m.dev] = conf  # nothing allocated: each line deviates by its confirmed units
        self.stopped = False  # a limit ran out: the incumbent stands from here on
        self.solves = 0
        self.mip_solves = 0
        self.solver_seconds = 0.0
        self._costed = np.zeros(0, np.int32)

    def allocated(self) -> np.ndarray:
        """Units per line of the batch, from the incumbent."""
        arcs = np.rint(self.x[: len(self.m.arcs)])
        return np.bincount(self.m.arc_line, weights=arcs, minlength=len(self.m.lines)).astype(np.int64)

    def arc_flow(self) -> np.ndarray:
        return np.rint(self.x[: len(self.m.arcs)]).astype(np.int64)

    def level(self, level: Level, budget: Budget) -> tuple[int, bool]:
        """Solve a linear level and hold it: (its value on the incumbent, proven)."""
        cols, vals = coefficients(self.rc, self.m, level)
        if len(cols) == 0:
            return 0, True
        proven = self._run(cols, vals, _MAX if level.kind == "max" else _MIN, budget)
        flow = self.x[cols].copy()
        flow[cols < len(self.m.arcs)] = np.rint(flow[cols < len(self.m.arcs)])
        value = int(round(float(vals @ flow)))
        if proven:
            lo, hi = (value - 0.5, INF) if level.kind == "max" else (-INF, value + 0.5)
            self.m.h.addRow(lo, hi, len(cols), cols.astype(np.int32), vals)
        return value, proven

    def eligible(self, level: Level, budget: Budget) -> tuple[list[int], bool]:
        """Positions of the class's eligible lines in the batch, and whether that set is proven."""
        known = [p for p in ratio_lines(self.rc, self.m, level) if self.allocated()[p] >= 1]
        unknown = [p for p in ratio_lines(self.rc, self.m, level) if p not in known]
        while unknown:
            if self.stopped:
                return sorted(known), False
            first = self._add_cols(len(unknown), 1.0, integer=True)
            e = np.arange(first, first + len(unknown))
            self._add_rows([(self._cols_of(p), e_p) for p, e_p in zip(unknown, e.tolist(), strict=True)], -1.0, 0.0)
            proven = self._run(e, np.ones(len(e)), _MAX, budget)
            self.m.h.changeColsBounds(len(e), e.astype(np.int32), np.zeros(len(e)), np.zeros(len(e)))
            self.x[e] = 0.0
            if not proven:
                return sorted(known), False
            got = [p for p in unknown if self.allocated()[p] >= 1]
            if not got:
                break
            known += got
            unknown = [p for p in unknown if p not in got]
        return sorted(known), True

    def max_min(self, lines: list[int], budget: Budget) -> tuple[Fraction, bool]:
        """The batch's best minimum fill ratio over `lines` (positions), and whether it is proven."""
        t = self._add_cols(1, 1.0, integer=False)
        qty = [self.rc.lines[int(self.m.lines[p])].line.qty for p in lines]
        self._add_rows([(self._cols_of(p), t) for p in lines], None, 0.0, scales=qty)
        proven = self._run(np.array([t]), np.ones(1), _MAX, budget)
        self.m.h.changeColBounds(t, 0.0, 0.0)
        self.x[t] = 0.0
        alloc = self.allocated()
        return min(Fraction(int(alloc[p]), q) for p, q in zip(lines, qty, strict=True)), proven

    def hold_ratio(self, lines: list[int], t: Fraction) -> None:
        """Hold the run's minimum fill ratio t on the batch's eligible lines: x_l >= ceil(t qty_l)."""
        for p in lines:
            need = math.ceil(t * self.rc.lines[int(self.m.lines[p])].line.qty)
            cols = self._cols_of(p)
            self.m.h.addRow(need - 0.5, INF, len(cols), cols.astype(np.int32), np.ones(len(cols)))

    def _cols_of(self, p: int) -> np.ndarray:
        return np.flatnonzero(self.m.arc_line == p)

    def _add_cols(self, n: int, hi: float, integer: bool) -> int:
        first = self.m.h.getNumCol()
        self.m.h.addVars(n, np.zeros(n), np.full(n, hi))
        self.x = np.append(self.x, np.zeros(n))
        self.m.integer = np.append(self.m.integer, np.full(n, integer))
        return first

    def _add_rows(
        self, pairs: list[tuple[np.ndarray, int]], coef: float | None, lo: float, scales: list[int] | None = None
    ) -> None:
        """Rows sum_{cols} x - s * extra >= lo, one per (cols, extra) pair; s is -coef or the pair's scale."""
        for k, (cols, extra) in enumerate(pairs):
            s = float(scales[k]) if scales is not None else -float(coef or 0.0)
            idx = np.append(cols, extra).astype(np.int32)
            self.m.h.addRow(lo, INF, len(idx), idx, np.append(np.ones(len(cols)), -s))

    def _run(self, cols: np.ndarray, vals: np.ndarray, sense: highspy.ObjSense, budget: Budget) -> bool:
        """Optimise vals.x[cols] from the incumbent; True when proven optimal over the integers."""
        if self.stopped or budget.time_up():
            self.stopped = True
            return False
        h = self.m.h
        if len(self._costed):
            h.changeColsCost(len(self._costed), self._costed, np.zeros(len(self._costed)))
        self._costed = cols.astype(np.int32)
        h.changeColsCost(len(cols), self._costed, np.asarray(vals, float))
        h.changeObjectiveSense(sense)
        if self._timed(budget) == highspy.HighsModelStatus.kOptimal:
            x = np.array(h.getSolution().col_value)
            if np.all(np.abs(x[self.m.integer] - np.rint(x[self.m.integer])) <= INTEGRAL):
                x[self.m.integer] = np.rint(x[self.m.integer])
                self.x = x  # an integral LP optimum is the integer optimum
                return True
            return self._integer(budget)
        return self._stop(budget)

    def _integer(self, budget: Budget) -> bool:
        """The level as an integer program, warm-started from the incumbent; back to an LP afterwards."""
        h, ints = self.m.h, np.flatnonzero(self.m.integer).astype(np.int32)
        kinds = np.array([highspy.HighsVarType.kInteger] * len(ints))
        h.changeColsIntegrality(len(ints), ints, kinds)
        n = h.getNumCol()
        h.setSolution(n, np.arange(n, dtype=np.int32), self.x)
        status = self._timed(budget)
        proven = status == highspy.HighsModelStatus.kOptimal
        if proven or h.getInfo().primal_solution_status == _FEASIBLE:
            x = np.array(h.getSolution().col_value)
            x[self.m.integer] = np.rint(x[self.m.integer])
            self.x = x
        h.changeColsIntegrality(len(ints), ints, np.array([highspy.HighsVarType.kContinuous] * len(ints)))
        self.mip_solves += 1
        return proven or self._stop(budget)

    def _timed(self, budget: Budget) -> highspy.HighsModelStatus:
        h = self.m.h
        # HiGHS counts its time limit from the instance's first run, not from this one.
        h.setOptionValue("time_limit", h.getRunTime() + max(budget.seconds_left(), 1e-3))
        began = time.perf_counter()
        h.run()
        self.solves += 1
        self.solver_seconds += time.perf_counter() - began
        return h.getModelStatus()

    def _stop(self, budget: Budget) -> bool:
        self.stopped = True
        budget.time_up()
        return False
