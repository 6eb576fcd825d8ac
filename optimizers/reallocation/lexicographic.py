"""Lexicographic solving of one batch: each level optimal given the ones before, proven.

Each level is solved first on the LP, hot from the previous basis. An integral LP optimum is the integer
optimum (the LP bounds it), so the level is proven, and the next levels are confined to its optimal face the
way the single-order engine does: columns with a nonzero reduced cost are fixed at their value and rows with a
nonzero dual at their activity. Bounds and row bounds keep the matrix as it was, so where it is a network
matrix the next LP optimum is integral too; an objective row (c.x >= v) would not. Each LP answer is also
checked against every level held so far, and a level it breaks (a reduced cost too small to be told from
noise) gets its row c.x >= v (an integral bound: a bound v - 1/2 would make half-integral vertices). A
fractional LP optimum (ship-complete lines, shipment limits, lanes shared by items) sends that level to
HiGHS's integer solver on a copy of the model, `mip_rel_gap` 0: its optimal status is the proof; the level
is then held by its row.

A class's on-time units and units are one LP, weighted so that its optima are exactly the lexicographic ones
(`BatchSolver._merged_objective`). The fill-ratio level (`optimizers.reallocation.ratio`) reuses the same LP.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import highspy
import numpy as np

from optimizers.reallocation.bounds import Mirror
from optimizers.reallocation.candidates import RunCandidates
from optimizers.reallocation.levels import Level, coefficients
from optimizers.reallocation.model import HELD, INF, OVER, SCRATCH_COLS, SCRATCH_ROWS, STABILITY, UNDER, BatchModel
from optimizers.solvers.budget import Budget
from optimizers.solvers.highs import quiet_highs

if TYPE_CHECKING:
    from optimizers.reallocation.warm import Bases

_MAX, _MIN = highspy.ObjSense.kMaximize, highspy.ObjSense.kMinimize
_FEASIBLE = 2  # HiGHS's primal_solution_status for a feasible solution
_CHOOSE, _DUAL, _PRIMAL = 0, 1, 4  # HiGHS's simplex_strategy values (choose: dual when primal infeasible)
INTEGRAL = 1e-6  # an LP value this close to an integer is that integer (HiGHS's feasibility tolerance is 1e-7)
NONZERO = 1e-6  # a reduced cost or dual above this is not zero (HiGHS's dual feasibility tolerance is 1e-7)
# Which simplex solves a linear level (`BatchSolver.level`). Primal simplex runs without HiGHS's bound
# perturbation (`PRIMAL_BOUND_PERTURBATION`): HiGHS widens each bound by a small random amount before primal
# simplex, then removes the widening and cleans up, and on these LPs (every bound and coefficient an integer, most
# vertices degenerate) that cleanup was most of the work. The plain 20,000-line book's `tier.none.on_time_units`
# from the baseline's record, demand +2% in a region, on the same LP and basis: primal 1,787 iterations and 508 ms
# with the perturbation, 116 iterations and 126 ms without; dual simplex 13,030 iterations and 627 ms.
# - A unit level (every level but `DUAL_LEVELS`) goes to primal simplex, started from a record or not. Over the
#   unit levels the bench's 8 scenarios start from the record, each also solved beside the run on a new instance
#   from the same basis (2026-12-05): 22.7 s in HiGHS as the run solved them (HiGHS's choice: mostly dual), 7.9 s
#   by primal without the perturbation, 20.6 s by primal with it; and once every level of a scenario ended where
#   primal took it from the record, the next levels' records were nearer still (the demand scenario's
#   `tier.none.on_time_units` 118 iterations). A record made on another LP (a location closed, fair share turned
#   off: `PATCHED`) too: the location's `tier.none.on_time_units` 25,936 dual iterations and 2.36 s -> 1,577 primal
#   and 0.83 s. The baseline's own levels, from the last level's basis, took about a third less without the
#   perturbation (`tier.silver.on_time_units` 7,166 iterations and 1.81 s -> 4,564 and 1.09 s).
# - `DUAL_LEVELS` (every arc costed) go to dual simplex, which keeps its cost perturbation (without it margin took
#   1.34 s against 0.56); started from a record that knows their LP, to HiGHS's own choice (`_CHOOSE`: dual when
#   the start is primal infeasible, primal when it is feasible). Margin took 1.08 s and 7,124 primal iterations on
#   the plain 10,000-line book, and the run 5.3 s against 4.5 s with dual (2026-12-04); from the record, primal
#   took the delay scenario's margin 553 ms against 170, its tie-break 403 ms against 333 (2026-12-05), and the
#   baseline's tie-break 919 ms against 271.
# The bench's 8 scenarios, twice alternately with the code before (2026-12-05, reference loop 36-49 ms, a slow
# spell): HiGHS 36.1 / 32.1 s -> 20.2 / 17.9 s, the scenarios 79.4 / 73.2 s -> 60.7 / 57.4 s, the baseline's
# HiGHS 12.9 / 12.8 s -> 10.2 / 8.2 s, every objective the same.
DUAL_LEVELS = frozenset({"margin", "stability", "tie_break"})
PRIMAL_BOUND_PERTURBATION = 0.0
# A fill-ratio solve starts from the record only while the run follows the recorded one: its last level's LP,
# started from the record, took at most this many iterations. Once a scenario's data have moved its levels' faces
# away from the baseline's, the record's bases for the ratio's added columns and rows start off the face and cost
# more than the run's own (plain 20,000-line book, 2026-12-04: a lane's cost changed, every level on the record,
# the ratio levels' HiGHS time 1.08 -> 0.37 s; the demand and delay scenarios, started regardless, took about
# twice as long in their ratio levels).
ON_TRACK = 50
# A level goes on from the run's own basis (the last level's optimum) instead of the record once the run has
# drifted from the recorded one (`BatchSolver._drifted`): the last level started from the record took more than
# `DRIFTED` times the iterations the recorded run took to reach this level from its own last one (`Bases.chained`).
# Where a scenario's change is broad (a supplier 25 days late, cost up 23%), the record is little nearer than a
# cold start: the plain 20,000-line book's 25-day delay took 5,221 primal iterations from the record at
# `tier.none.on_time_units` and 4,931 at `fill.units`, where a cold run went on from its last level in 2,116 and
# 424. Each level's cheaper start differs (the upper tiers' on-time levels stay cheaper from the record, the
# later unit levels and the tie-break from the last level), and a level's cost from the record grows with the
# iterations the levels before it took from theirs. Over the 50 scenarios of the bench's batch, each run both ways
# and per level the cheaper taken, the rule's share 0.3-0.7 kept 78-82% of the better-of-two saving (0.5 best);
# measured, one worker each, beside the code before (2026-12-05): the 50 scenarios' wall 209.5 -> 184.8 s, HiGHS
# 108.8 -> 85.6 s, every objective the same; the delay and cost scenarios 25-40% faster, narrow changes alike.
DRIFTED = 0.5
# `DUAL_LEVELS` drift at twice the recorded run's iterations instead: stability from the record took fewer
# iterations than from the last level's optimum in every scenario of the bench's batch where the share 0.5 moved it
# (4,849 against 13,972 with a 10% cost rise), and the tie-break from the record 944-1,047 where the run went on
# from stability's (after 1,700-2,000 iterations from the record) in 1,694-1,835; past twice the recorded run's
# iterations (broad changes: stability from the record 5,000-6,700), the tie-break from the last level took 682-1,605
# where the record took 3,444-5,188.
DRIFTED_DUAL = 2.0
# A record is patched when it lacks `PATCHED` of the batch's columns or more (a location closed: its supply's
# arcs are new), or was made under levels the run lacks (fair share turned off): its `DUAL_LEVELS` then go to dual
# simplex, not HiGHS's choice. Measured with the then rule (every level from such a record dual; 2026-12-05,
# whole scenario, alternating): a location closed for 2 days (3.2% of the columns unknown) 7.12 -> 6.05 s, for
# 10 and 18 days 7.1 -> 6.4 s on average; fair share off 6.8 -> 6.2 s.
PATCHED = 0.01
# A level's integer program starts from an incumbent the dive made, most often already optimal: what it needs is
# the bound. HiGHS's primal heuristics (RINS, RENS, feasibility jump, reduced-cost fixing at the root) then only
# cost time, and so do its restarts after root fixing: on the 10 integer programs over 0.3 s of a generated
# 1,000-line book they took 13.0 s with HiGHS's defaults and 7.9 s without (every answer the same; 2026-12-04).
# The fill ratio's and eligibility's programs search instead (their start is the incumbent's, often 0), and neither
# setting serves them all: without heuristics one max-t program of a generated 3,000-line book ran 97 s and 4,666
# nodes where HiGHS's defaults prove it at the root in 5.5 s, while on a 1,000-line book the defaults took 10.9 s
# and 43 nodes over a program proven in 1.5 s without. So a search tries the first for `SEARCH_NODES` nodes, then
# the defaults (`BatchSolver._mip`).
SEARCH_OPTIONS: dict[str, float | bool] = {"mip_rel_gap": 0.0, "threads": 1}
SEARCH_NODES = 200  # a search's first run, without heuristics (the 3,000-line program: about 20 ms a node)
_SETTLED = (
    highspy.HighsModelStatus.kOptimal,
    highspy.HighsModelStatus.kInfeasible,
    highspy.HighsModelStatus.kUnboundedOrInfeasible,
)
MIP_OPTIONS: dict[str, float | bool] = {
    **SEARCH_OPTIONS,
    "mip_heuristic_effort": 0.0,
    "mip_heuristic_run_feasibility_jump": False,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
    "mip_allow_restart": False,
}
Held = tuple[np.ndarray, np.ndarray, bool, int]  # cols, coefficients, maximised, value
Face = tuple[np.ndarray, np.ndarray, np.ndarray]  # an LP optimum's reduced costs, row duals, row activities


class BatchSolver:
    """One batch's model, its incumbent, and the levels it holds."""

    def __init__(
        self, rc: RunCandidates, m: BatchModel, warm: Bases | None = None, keep: Bases | None = None,
        warm_levels_differ: bool = False,
    ) -> None:  # fmt: skip
        """`warm`, `keep`: another run's optimal bases to start each level from, and where to record this run's
        (`optimizers.reallocation.warm`); `warm_levels_differ`: `warm` was recorded under levels this run lacks
        or has more of (`Bases.follows`)."""
        self.rc, self.m = rc, m
        m.h.setOptionValue("primal_simplex_bound_perturbation_multiplier", PRIMAL_BOUND_PERTURBATION)
        self.warm, self.keep = warm, keep
        self.warm_levels_differ = warm_levels_differ
        self.start_lacks = 0.0  # the share of the columns the last start's record lacked (`Bases.start`)
        self.warm_cache: dict[Any, Any] = {}  # `warm`'s and `keep`'s keys of this batch's columns and rows
        # What the columns and rows added after the model was built stand for, as (kind, entity) (`model`'s kinds)
        self.extra_cols: list[tuple[int, int]] = []
        self.extra_rows: list[tuple[int, int]] = []
        self.extra_version = 0  # counts changes to them, so that `warm` knows when its keys of them are stale
        self.x = np.zeros(m.n_cols)  # nothing allocated: feasible for every row
        self.confirmed_lines = np.array([rc.lines[li].line.confirmed_qty for li in m.lines.tolist()], np.int64)
        self.confirmed = int(self.confirmed_lines.sum())
        self.held: list[Held] = []
        self.stopped = False  # a limit ran out: the incumbent stands from here on
        # The last level started from `warm` and took it at most `ON_TRACK` iterations further: this run still
        # follows the recorded one, so the record's fill-ratio solves are good starts too.
        self.on_track = False
        self.solves = self.mip_solves = 0
        self.iterations = 0  # simplex iterations on the batch's own LP, all its solves so far
        # The iterations the last level started from `warm` took to its optimum; None before any (`_drifted`)
        self.drift: int | None = None
        self.solver_seconds = 0.0
        self._costed = np.zeros(0, np.int32)
        self._scratch_cols = 1 << 62  # what `drop_scratch` deletes: columns from here on, and these rows
        self._scratch_rows: list[np.ndarray] = []
        # A level solved together with the one before it (`_merge`): the next level, its name and coefficients
        # once merged into an integer program with this one, and its value once proven.
        self._next: Level | None = None
        self._merged: tuple[str, np.ndarray, np.ndarray] | None = None
        self._settled: tuple[str, int] | None = None
        self._starts = np.searchsorted(m.arc_line, np.arange(len(m.lines) + 1))
        self.bounds = Mirror(m.h)  # every bounds change goes through it; it is told of every column and row added

    def allocated(self) -> np.ndarray:
        """Units per line of the batch, from the incumbent."""
        return np.bincount(self.m.arc_line, weights=self.arc_flow(), minlength=len(self.m.lines)).astype(np.int64)

    def arc_flow(self) -> np.ndarray:
        return np.rint(self.x[: len(self.m.arcs)]).astype(np.int64)

    def level(self, level: Level, budget: Budget, then: Level | None = None) -> tuple[int, bool]:
        """Solve a linear level and hold it: (its value on the incumbent, proven). `then`, the next level when it
        has the same sense, is solved with this one (`_merged_objective`): a class's units in its on-time units'
        LP, the tie-break in stability's integer program when stability needs one (`_merge`)."""
        settled, self._settled = self._settled, None
        if settled is not None and settled[0] == level.name:
            return settled[1], True  # proven and held with the level before it
        cols, vals = self.deviation() if level.name == "stability" else coefficients(self.rc, self.m, level)
        offset = self.confirmed if level.name == "stability" else 0  # |x - c| = c - u + v
        if len(cols) == 0:
            return offset, True
        maximise = level.kind == "max"
        self._next = then if then is not None and then.kind == level.kind else None
        objective = (cols, vals)
        if level.name != "stability":  # stability merges the tie-break only into an integer program (`_merge`)
            objective = self._merged_objective(cols, vals) or objective
        started = not self._drifted(level.name) and self.start_from(level.name)
        patched = started and (self.warm_levels_differ or self.start_lacks >= PATCHED)
        strategy = _PRIMAL if level.name not in DUAL_LEVELS else _CHOOSE if started and not patched else _DUAL
        before = self.iterations
        proven, face = self.optimise(*objective, maximise, budget, strategy=strategy)
        self.record(level.name)
        self.on_track = started and self.m.h.getInfo().simplex_iteration_count <= ON_TRACK
        if started:
            self.drift = self.iterations - before
        elif self.keep is not None and not self.stopped:
            self.keep.keep_chained(self, level.name, self.iterations - before)
        value = int(round(float(vals @ self.x[cols])))
        reported = value + offset
        if level.name == "stability":  # u and v are tight only at this level's optimum: count the incumbent's own
            reported = int(np.abs(self.allocated() - self.confirmed_lines).sum())
        if proven:
            self.held.append((cols, vals, maximise, value))
            if face is not None:
                self._confine(face)
            else:
                self._hold_row(self.held[-1])
            if self._merged:  # the solve was lexicographic in both: hold the next level too, by the face if any
                name, cols2, vals2 = self._merged
                value2 = int(round(float(vals2 @ self.x[cols2])))
                self.held.append((cols2, vals2, maximise, value2))
                if face is None:
                    self._hold_row(self.held[-1])
                self._settled = (name, value2)
        self._next = self._merged = None
        return reported, proven

    def _drifted(self, name: str) -> bool:
        """Whether this run has drifted so far from the recorded one that level `name` is better reached from the
        last level's optimum than from the record: the last level started from the record took more than
        `DRIFTED` (`DRIFTED_DUAL` for `DUAL_LEVELS`) times the iterations the recorded run took to reach `name`
        from its own last level."""
        if self.warm is None or self.drift is None:
            return False
        chained = self.warm.chained_cost(self, name)
        share = DRIFTED_DUAL if name in DUAL_LEVELS else DRIFTED
        return chained is not None and self.drift > share * chained

    def start_from(self, name: str, *, following: bool = False) -> bool:
        """Start the next solve from the basis `warm` recorded under `name` (a level, or one of the fill ratio's
        solves) when it has one; with `following`, only while this run follows the recorded one (`on_track`)."""
        if self.warm is None or (following and not self.on_track):
            return False
        return self.warm.start(self, name)

    def record(self, name: str) -> None:
        """Record the basis of the solve just done under `name` into `keep`."""
        if self.keep is not None and not self.stopped:
            self.keep.keep(self, name)

    def _merge(self, cols: np.ndarray, vals: np.ndarray, maximise: bool) -> None:
        """Before an integer program for level k: merge level k + 1 into its objective (`_merged_objective`) when
        that was not done for its LP already (stability and the tie-break are merged only here)."""
        found = self._merged_objective(cols, vals)
        if found is not None:
            self.objective(*found, maximise)

    def _merged_objective(self, cols: np.ndarray, vals: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """Level k's objective with level k + 1 (`_next`, of the same sense: a class's units after its on-time
        units; the tie-break after stability) merged in, and `_merged` set; None when there is no such level or
        the weight is too large. The objective is W c_k.x + c_{k+1}.x with W one more than the range c_{k+1}.x
        can span: every integer answer worse on level k is worse by at least W (level k's values are integers at
        every integer answer), more than level k + 1 can make up, so its integer optima are exactly the answers
        optimal for level k and then for level k + 1, and one solve proves both.

        - In an integer program (each of the two took about as long as the other: generated 1,000-line books,
          2026-12-04).
        - On the LP path, a class's two levels are one LP. When its optimum is integral, the integer answers on
          its optimal face are exactly those optimal for both levels (they share its value, and by W no other
          pair of values gives it), so the face holds both as the two faces did. A warm-started scenario solves
          one LP per class instead of two: on the plain 20,000-line book, HiGHS's time per scenario fell by a
          sixth, 24.8 to 21.5 s over seven scenarios, every objective value the same (2026-12-05).

        Not when W times level k's own range exceeds 1e10, where HiGHS's tolerances could blur a unit."""
        if self._next is None:
            return None
        name, (cols2, vals2) = self._next.name, coefficients(self.rc, self.m, self._next)  # only when merging
        weight = self._span(cols2, vals2) + 1
        if weight * self._span(cols, vals) > 1e10:
            return None
        merged = np.union1d(cols, cols2)
        coef = np.zeros(len(merged))
        coef[np.searchsorted(merged, cols2)] += np.asarray(vals2, float)
        coef[np.searchsorted(merged, cols)] += weight * np.asarray(vals, float)
        self._merged = (name, cols2, vals2)
        self._next = None
        return merged, coef

    def _span(self, cols: np.ndarray, vals: np.ndarray) -> float:
        """How far apart vals.x[cols] can be over the current bounds (x >= 0), at most; a column without an upper
        bound (stability's v_l) counts the largest line cap of the batch. With unit coefficients over lines' arcs
        (a class's units), the lines' caps bound it more tightly."""
        if len(cols) == 0:
            return 0.0
        arcs = cols < len(self.m.arcs)
        if np.all(vals == 1) and arcs.all():
            lines = np.unique(self.m.arc_line[cols])
            return float(sum(self.rc.lines[int(li)].cap for li in self.m.lines[lines].tolist()))
        _, hi = self.col_bounds(cols)
        if not np.isfinite(hi).all():
            hi = np.where(np.isfinite(hi), hi, max(self.rc.lines[int(li)].cap for li in self.m.lines.tolist()))
        return float(np.abs(np.asarray(vals, float)) @ hi)

    def deviation(self) -> tuple[np.ndarray, np.ndarray]:
        """Stability's objective, sum v_l - u_l, on columns made for it: per line u_l in [0, confirmed_l] and
        v_l >= 0 with sum_{a of l} x_a = u_l + v_l, so that |allocated - confirmed| = confirmed - u_l + v_l at its
        optimum. They are added only now because two columns and a row per line made every earlier level's LP
        larger (the plain 10,000-line book: 4.2 s in HiGHS with them from the start, 2.3 s without, 2026-12-04).
        The incumbent gets the values they have at it, so that it stays a feasible start."""
        n = len(self.m.lines)
        first = self.m.h.getNumCol()
        self.m.h.addVars(n, np.zeros(n), self.confirmed_lines.astype(float))
        self.m.h.addVars(n, np.zeros(n), np.full(n, INF))
        self.bounds.added_cols(np.zeros(2 * n), np.concatenate([self.confirmed_lines.astype(float), np.full(n, INF)]))
        under, over = np.arange(first, first + n), np.arange(first + n, first + 2 * n)
        alloc = self.allocated()
        self.x = np.concatenate(
            [self.x, np.minimum(alloc, self.confirmed_lines), np.maximum(alloc - self.confirmed_lines, 0)]
        )
        self.m.integer = np.append(self.m.integer, np.zeros(2 * n, bool))
        # Row p: line p's arcs (columns starts[p]..starts[p+1], arcs are sorted by line), then u_p and v_p.
        arcs = len(self.m.arcs)
        index, value = np.empty(arcs + 2 * n, np.int32), np.ones(arcs + 2 * n)
        index[np.arange(arcs) + 2 * self.m.arc_line] = np.arange(arcs)
        ends = self._starts[1:] + 2 * np.arange(n)
        index[ends], index[ends + 1] = under, over
        value[ends] = value[ends + 1] = -1.0
        row_starts = (self._starts[:-1] + 2 * np.arange(n)).astype(np.int32)
        self.m.h.addRows(n, np.zeros(n), np.zeros(n), len(index), row_starts, index, value)
        self.bounds.added_rows(np.zeros(n), np.zeros(n))
        mine = self.m.lines.tolist()
        self.extra_cols += [(UNDER, li) for li in mine] + [(OVER, li) for li in mine]
        self.extra_rows += [(STABILITY, li) for li in mine]
        self.extra_version += 1
        return np.concatenate([over, under]), np.append(np.ones(n), -np.ones(n))

    def optimise(
        self,
        cols: np.ndarray,
        vals: np.ndarray,
        maximise: bool,
        budget: Budget,
        enough: Callable[[np.ndarray], bool] | None = None,
        strategy: int = _PRIMAL,
    ) -> tuple[bool, Face | None]:
        """Optimise vals.x[cols]: (proven over the integers, the LP's optimal face when the incumbent lies on it,
        so that the next levels may be confined to it; None when the level must be held by its row). With
        `enough`, a dive's integral answer that satisfies it is taken as the incumbent without proof (False,
        the batch not stopped): a caller that only needs some good answer skips the integer program."""
        if self.stopped or budget.time_up():
            return self._stop(budget), None
        self.objective(cols, vals, maximise, strategy)
        while True:
            if self.timed(budget) != highspy.HighsModelStatus.kOptimal:
                return self._stop(budget), None
            x = np.array(self.m.h.getSolution().col_value, np.float64)
            if not self.integral(x):
                if self._bound_reached(vals, cols, maximise):
                    return True, None  # the incumbent already reaches the LP's bound, rounded: optimal
                return self._dive_or_integer(cols, vals, maximise, budget, enough)
            broken = [h for h in self.held if not _holds(h, x)]
            if not broken:
                self.x = x
                return True, self._face()
            for h in broken:
                self._hold_row(h)

    def _face(self) -> Face:
        """The current LP optimum's reduced costs, row duals and row activities. (HiGHS hands its values over as
        lists; `np.array` told the type skips numpy's discovery of it: 120,000 floats in 3.9 ms against 5.2.)"""
        sol = self.m.h.getSolution()
        reduced, duals, activity = (np.array(v, np.float64) for v in (sol.col_dual, sol.row_dual, sol.row_value))
        return reduced, duals, activity

    def _dive_or_integer(
        self,
        cols: np.ndarray,
        vals: np.ndarray,
        maximise: bool,
        budget: Budget,
        enough: Callable[[np.ndarray], bool] | None = None,
    ) -> tuple[bool, Face | None]:
        """A fractional LP optimum: round its binaries (each order's K_o likeliest ship-from locations, ship-
        complete lines to the nearer of 0 and 1) and re-solve the LP with them fixed. An integral answer that
        reaches the LP's bound (rounded to an integer: the data are integral) is optimal, and when the bound is
        itself integral the answer lies on the LP's optimal face, so the level is confined to that face as on the
        LP path. Otherwise the integer program decides, warm-started from the better of the two answers."""
        bound = float(self.m.h.getInfo().objective_function_value)
        face = self._face()
        x = self._dive(np.array(self.m.h.getSolution().col_value, np.float64), budget)
        if x is None:
            self._merge(cols, vals, maximise)
            return self.integer(budget, search=enough is not None), None
        target = np.floor(bound + 1e-6) if maximise else np.ceil(bound - 1e-6)
        have = float(np.asarray(vals, float) @ x[cols])
        if have >= target - 1e-9 if maximise else have <= target + 1e-9:
            self.x = x
            return True, (face if abs(bound - round(bound)) <= 1e-6 else None)
        if enough is not None and enough(x):
            self.x = x
            return False, None
        mine = float(np.asarray(vals, float) @ self.x[cols])
        if have > mine if maximise else have < mine:
            self.x = x  # a better start for the integer program, feasible for every level held
        self._merge(cols, vals, maximise)
        return self.integer(budget, search=enough is not None), None

    def _dive(self, x: np.ndarray, budget: Budget) -> np.ndarray | None:
        """An integral answer with the LP's binaries rounded and fixed, or None (fractional, infeasible, or a
        level held so far broken). Each order keeps the ship-from locations the incumbent opened and fills its
        K_o with those the LP leaned on most; ship-complete lines go to the nearer of 0 and 1, or, when that is
        infeasible, stay as the incumbent has them (which is feasible). The binaries' bounds are restored."""
        n = len(self.m.arcs)
        binary = (np.flatnonzero(self.m.integer[n:]) + n).astype(np.int32)
        if not len(binary) or budget.time_up() or np.all(np.abs(x[binary] - np.rint(x[binary])) <= INTEGRAL):
            return None  # nothing to round: the fraction is in the arcs (lanes, protections)
        lo, hi = self.col_bounds(binary)
        mine = np.rint(self.x[binary])
        value = np.clip(np.where(x[binary] >= 0.5, 1.0, 0.0), lo, hi)
        at = {int(c): k for k, c in enumerate(binary.tolist())}
        for ys, k in self.m.choices:
            idx = np.array([at[int(y)] for y in ys.tolist()], np.int64)
            opened = (lo[idx] >= 0.5) | (mine[idx] >= 0.5)
            free = idx[~opened & (hi[idx] >= 0.5)]
            best = free[np.argsort(-x[binary[free]], kind="stable")][: max(0, k - int(opened.sum()))]
            value[idx] = np.where(opened, 1.0, 0.0)
            value[best] = 1.0
            mine[idx] = value[idx]
        self.simplex(_DUAL)  # bounds change, the objective stays
        try:
            for fixed in (value, mine):
                self.bounds.set_cols(binary, fixed, fixed)
                status = self.timed(budget)
                if status == highspy.HighsModelStatus.kOptimal:
                    y = np.array(self.m.h.getSolution().col_value, np.float64)
                    if self.integral(y) and all(_holds(h, y) for h in self.held):
                        return y
                    return None
                if budget.time_up():
                    return None
            return None
        finally:
            self.bounds.set_cols(binary, lo, hi)
            self.simplex(_PRIMAL)

    def _bound_reached(self, vals: np.ndarray, cols: np.ndarray, maximise: bool) -> bool:
        """Integral data: the integer optimum is at most floor(LP optimum) (at least ceil when minimising)."""
        bound = self.m.h.getInfo().objective_function_value
        have = float(np.asarray(vals, float) @ self.x[cols])
        return have >= np.floor(bound + 1e-6) - 1e-9 if maximise else have <= np.ceil(bound - 1e-6) + 1e-9

    def objective(self, cols: np.ndarray, vals: np.ndarray, maximise: bool, strategy: int = _PRIMAL) -> None:
        """A new objective; the next solve starts from the last basis, which stays primal feasible, so primal
        simplex takes it from there (measured on a 10,000-line book: a quarter of dual simplex's iterations,
        about a fifth less time), except for `DUAL_LEVELS`. A feasibility check (no objective) changes bounds
        instead: dual simplex."""
        h = self.m.h
        if len(self._costed):
            h.changeColsCost(len(self._costed), self._costed, np.zeros(len(self._costed)))
        self._costed = cols.astype(np.int32)
        h.changeColsCost(len(cols), self._costed, np.asarray(vals, float))
        h.changeObjectiveSense(_MAX if maximise else _MIN)
        self.simplex(strategy if len(cols) > 0 else _DUAL)

    def simplex(self, strategy: int) -> None:
        self.m.h.setOptionValue("simplex_strategy", strategy)

    def integral(self, x: np.ndarray) -> bool:
        ints = self.m.integer
        if np.all(np.abs(x[ints] - np.rint(x[ints])) <= INTEGRAL):
            x[ints] = np.rint(x[ints])
            return True
        return False

    def integer(self, budget: Budget, search: bool = False) -> bool:
        """The current objective as an integer program on a copy of the model (the LP keeps its basis), warm-
        started from the incumbent. True when proven optimal. Levels proven on the LP are held by the face's
        bounds, which keep exactly that level's integer optima (they are the LP optima that are integral)."""
        while True:
            status, mip = self.mip(budget, search)
            proven = status == highspy.HighsModelStatus.kOptimal
            if not proven and mip.getInfo().primal_solution_status != _FEASIBLE:
                return self._stop(budget)
            x = np.array(mip.getSolution().col_value, np.float64)
            x[self.m.integer] = np.rint(x[self.m.integer])
            broken = [h for h in self.held if not _holds(h, x)]  # the face's bounds missed a level: hold its row
            if not broken:
                self.x = x
                return proven or self._stop(budget)
            for h in broken:
                self._hold_row(h)

    def mip(self, budget: Budget, search: bool = False) -> tuple[highspy.HighsModelStatus, highspy.Highs]:
        """The current objective as an integer program on a copy of the model, warm-started from the incumbent.

        HiGHS (1.12 to 1.16 at least) can carry a start into its presolved space wrongly: it then reports the true
        optimum's value but hands back the start itself (1.12 reported the start's value as proven optimal), or
        proves a bound below the answer it returns. When the answer's objective is not the value reported, or a
        proven optimum's bound is not the answer's value, the program is solved again without the start."""
        status, mip = self._mip(budget, True, search)
        info = mip.getInfo()
        if info.primal_solution_status == _FEASIBLE and not budget.time_up():
            cost = np.asarray(mip.getLp().col_cost_)
            have, said = float(cost @ np.asarray(mip.getSolution().col_value)), info.objective_function_value
            apart = abs(have - said) > 1e-6 + 1e-9 * abs(said)
            if status == highspy.HighsModelStatus.kOptimal:  # a proof: its bound is the answer's value
                apart |= abs(info.mip_dual_bound - have) > 1e-6 + 1e-9 * abs(have)
            if apart:
                status, mip = self._mip(budget, False, search)
        return status, mip

    def _mip(self, budget: Budget, start: bool, search: bool) -> tuple[highspy.HighsModelStatus, highspy.Highs]:
        """One integer program, from the incumbent when `start`. A search runs first as a level's program does,
        for at most `SEARCH_NODES` nodes (enough for most), then, when that did not settle it, with HiGHS's
        defaults from the best answer found: the order and the node limit keep it deterministic."""
        model = self.m.h.getModel()
        kinds = {True: highspy.HighsVarType.kInteger, False: highspy.HighsVarType.kContinuous}
        model.lp_.integrality_ = [kinds[bool(i)] for i in self.m.integer]
        first = {**MIP_OPTIONS, "mip_max_nodes": SEARCH_NODES} if search else MIP_OPTIONS
        status, mip = self._run_mip(model, first, self.x if start else None, budget)
        if search and status not in _SETTLED and not budget.time_up():
            found = mip.getInfo().primal_solution_status == _FEASIBLE
            better = np.array(mip.getSolution().col_value, np.float64) if found else (self.x if start else None)
            status, mip = self._run_mip(model, SEARCH_OPTIONS, better, budget)
        return status, mip

    def _run_mip(
        self, model: highspy.HighsModel, options: dict[str, float | bool], start: np.ndarray | None, budget: Budget
    ) -> tuple[highspy.HighsModelStatus, highspy.Highs]:
        mip = quiet_highs()
        for key, value in options.items():
            mip.setOptionValue(key, value)
        mip.passModel(model)  # the LP's bounds and rows already hold every earlier level
        if start is not None:
            n = mip.getNumCol()
            mip.setSolution(n, np.arange(n, dtype=np.int32), start)
        self.mip_solves += 1
        return self.timed(budget, mip), mip

    def timed(self, budget: Budget, h: highspy.Highs | None = None) -> highspy.HighsModelStatus:
        h = self.m.h if h is None else h
        # HiGHS counts its time limit from the instance's first run, not from this one.
        h.setOptionValue("time_limit", h.getRunTime() + max(budget.seconds_left(), 1e-3))
        began = time.perf_counter()
        h.run()
        own = h is self.m.h
        if own:
            self.iterations += h.getInfo().simplex_iteration_count
        if h.getModelStatus() == highspy.HighsModelStatus.kUnknown and not budget.time_up():
            # Primal simplex from a hot basis can stop with a dual infeasibility left (seen on a 7-column LP of a
            # generated book: a reduced cost of 2500 after 3 iterations); dual simplex from that basis finishes it.
            _, strategy = h.getOptionValue("simplex_strategy")
            h.setOptionValue("simplex_strategy", _DUAL)
            h.run()
            h.setOptionValue("simplex_strategy", strategy)
            if own:
                self.iterations += h.getInfo().simplex_iteration_count
        self.solves += 1
        self.solver_seconds += time.perf_counter() - began
        return h.getModelStatus()

    def add_cols(self, kind: int, entities: list[int], hi: float) -> np.ndarray:
        """New continuous columns in [0, hi], one per entity, of a kind in `SCRATCH_COLS`, until `drop_scratch`."""
        n = len(entities)
        first = self.m.h.getNumCol()
        self._scratch_cols = min(self._scratch_cols, first)
        self.m.h.addVars(n, np.zeros(n), np.full(n, hi))
        self.bounds.added_cols(np.zeros(n), np.full(n, hi))
        self.extra_cols += [(kind, e) for e in entities]
        self.extra_version += 1
        self.x = np.append(self.x, np.zeros(n))
        self.m.integer = np.append(self.m.integer, np.zeros(n, bool))
        return np.arange(first, first + n)

    def col_bounds(self, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """These columns' bounds as they stand (an earlier level's face may have fixed some), in the order given."""
        return self.bounds.cols(np.asarray(cols, np.int64))

    def row_bounds(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """These rows' bounds as they stand, in the order given."""
        return self.bounds.rows(np.asarray(rows, np.int64))

    def line_bounds(self, lines: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """The bounds of these lines' rows (positions of lines that are not ship-complete) as they stand."""
        return self.row_bounds(np.array([self.m.line_row[p] for p in lines], np.int32))

    def cols_of(self, p: int) -> np.ndarray:
        """The arc columns of the batch's line at position p (arcs are sorted by line)."""
        return np.arange(self._starts[p], self._starts[p + 1])

    def add_sum_rows(self, kind: int, lines: list[int], extra: np.ndarray, coef: list[float]) -> None:
        """One row per line (positions), of a kind in `SCRATCH_ROWS`, added at once: sum of the line's arcs +
        coef * extra column >= 0, until `drop_scratch`."""
        first = self.m.h.getNumRow()
        self._scratch_rows.append(np.arange(first, first + len(lines), dtype=np.int32))
        self.extra_rows += [(kind, int(self.m.lines[p])) for p in lines]
        self.extra_version += 1
        at = np.asarray(lines, np.int64)
        first_arc, counts = self._starts[at], self._starts[at + 1] - self._starts[at] + 1  # its arcs, then `extra`
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        row = np.repeat(np.arange(len(at)), counts)
        index = first_arc[row] + np.arange(int(counts.sum())) - starts[row]
        value = np.ones(len(index))
        ends = starts + counts - 1
        index[ends], value[ends] = extra, coef
        n = len(at)
        self.m.h.addRows(
            n, np.zeros(n), np.full(n, INF), len(index), starts.astype(np.int32), index.astype(np.int32), value
        )
        self.bounds.added_rows(np.zeros(n), np.full(n, INF))

    def drop_scratch(self) -> None:
        """Delete the columns and rows `add_cols` and `add_sum_rows` made: the fill ratio's t and eligibility
        columns and their rows would otherwise stay, inert, in every later LP (the plain 10,000-line book's grew
        from 10,800 rows to 17,000). Rows held since (`_hold_row`) stay. HiGHS then marks its basis invalid but
        keeps the status of every remaining column and row, and starts the next solve from them."""
        h = self.m.h
        if self._scratch_rows:
            rows = np.concatenate(self._scratch_rows)
            h.deleteRows(len(rows), rows)
            self.bounds.deleted_rows(rows)
            self._scratch_rows = []
            self.extra_rows = [tag for tag in self.extra_rows if tag[0] not in SCRATCH_ROWS]
        n = h.getNumCol()
        if self._scratch_cols < n:
            cols = np.arange(self._scratch_cols, n, dtype=np.int32)
            h.deleteCols(len(cols), cols)
            self.bounds.deleted_cols(cols)
            self.extra_cols = [tag for tag in self.extra_cols if tag[0] not in SCRATCH_COLS]
            self.x, self.m.integer = self.x[: self._scratch_cols], self.m.integer[: self._scratch_cols]
            self._costed = self._costed[self._costed < self._scratch_cols]
        self._scratch_cols = 1 << 62
        self.extra_version += 1

    def _confine(self, face: Face) -> None:
        """Confine the LP to the optimal face of the level just solved (complementary slackness): every optimal
        answer has the incumbent's value on each column with a nonzero reduced cost and on each row with a
        nonzero dual."""
        reduced, duals, activity = face
        fix = np.flatnonzero(np.abs(reduced) > NONZERO)
        lo, hi = self.col_bounds(fix)
        fix = fix[(lo != self.x[fix]) | (hi != self.x[fix])]  # most were fixed by the levels before
        self.set_cols(fix, self.x[fix], self.x[fix])
        tight = np.flatnonzero(np.abs(duals) > NONZERO)
        lo, hi = self.row_bounds(tight)
        tight = tight[(lo != activity[tight]) | (hi != activity[tight])]
        self.set_rows(tight, activity[tight], activity[tight])

    def set_cols(self, cols: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        """These columns' bounds, in one call."""
        self.bounds.set_cols(cols, lo, hi)

    def set_rows(self, rows: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        """These rows' bounds, in one call."""
        self.bounds.set_rows(rows, lo, hi)

    def _hold_row(self, held: Held) -> None:
        cols, vals, maximise, value = held
        lo, hi = (value, INF) if maximise else (-INF, value)  # integral, or the LP gets half-integral vertices
        self.m.h.addRow(lo, hi, len(cols), cols.astype(np.int32), np.asarray(vals, float))
        self.bounds.added_rows(np.array([lo], float), np.array([hi], float))
        self.extra_rows.append((HELD, sum(tag[0] == HELD for tag in self.extra_rows)))
        self.extra_version += 1

    def _stop(self, budget: Budget) -> bool:
        self.stopped = True
        budget.time_up()
        return False


def _holds(held: Held, x: np.ndarray) -> bool:
    cols, vals, maximise, value = held
    got = float(vals @ x[cols])
    return got >= value - 0.5 if maximise else got <= value + 0.5
