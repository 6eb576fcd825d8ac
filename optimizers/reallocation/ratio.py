"""The fill-ratio level of a tier class on one batch: its eligible lines, its best minimum, holding the run's.

Eligible lines E (lines that some allocation keeping every earlier level optimal gives a unit): the lines the
incumbent serves, then those a one-unit exchange with a served line shows (`optimizers.reallocation.exchange`);
the lines the residual graph of the node and line rows shows no such allocation serves are not
(`optimizers.reallocation.reach`); for the others U, max sum_{l in U} e_l with 0 <= e_l <= 1, e_l <= x_l (x
integral makes e_l = min(1, x_l), so e needs no integrality), repeated on the lines not yet settled until U is
empty or that maximum is 0, the exchange and the graph tried again on each round's answer. Each e_l is one
column in one row, so the LP stays as integral as it was.

Best minimum: the LP max t with x_l >= qty_l t (l in E) bounds it from above and the incumbent's minimum from
below; the optimum is some k / qty_l, so the candidates k / qty_l between are tried, the largest first (a
scenario's LP bound is most often attained), then bisected, each as the feasibility of x_l >= ceil(t qty_l) on
the rows x_l <= cap that every line already has (a bound change: the LP stays as integral as it was). An
infeasible LP refutes a candidate, a feasible integral answer (on the LP, or on the integer program when the
LP's is fractional) confirms it; the largest confirmed candidate is the optimum.
A batch with binaries (ship-complete lines, shipment limits) would need an integer program per candidate, so
there max t is one integer program instead, from the incumbent.
The driver holds the least optimum t* over batches the same way, x_l >= ceil(t* qty_l).
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import partial

import highspy
import numpy as np

from optimizers.reallocation import reach
from optimizers.reallocation.exchange import exchangeable
from optimizers.reallocation.levels import Level, ratio_lines
from optimizers.reallocation.lexicographic import BatchSolver
from optimizers.reallocation.model import ELIGIBLE, ELIGIBLE_ROW, RATIO, RATIO_ROW
from optimizers.solvers.budget import Budget

Bounds = tuple[np.ndarray, np.ndarray]  # the line rows' lower and upper bounds
# The search tries the largest candidate under the LP bound before bisecting: on the plain 20,000-line book the
# big batch's gold class reached its bound (0.25) in the baseline and in every scenario that searched, where the
# bisection had confirmed five candidates on the way up to it (2026-12-05: the baseline's LP runs on that batch,
# with the record checked first too, 21 -> 17). Where the bound is not attained (a one-day delay: bound 0.344,
# optimum 0.32) it costs one check more.
TOP_FIRST = True
_INFEASIBLE = (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible)


def eligible(s: BatchSolver, level: Level, budget: Budget) -> tuple[list[int], bool]:
    """Positions of the class's eligible lines in the batch, and whether that set is proven.

    A line is shown eligible by any answer that keeps the earlier levels and serves it, so a round whose LP is
    fractional takes the dive's answer when it serves a new line, without the integer program; the integer
    program runs only when the dive finds none, to find more or prove that none is left."""
    lines = ratio_lines(s.rc, s.m, level)
    alloc = s.allocated()
    known = [p for p in lines if alloc[p] >= 1]
    unknown = _open([p for p in lines if alloc[p] < 1], s)
    while unknown:
        shown = set(exchangeable(s, level, unknown))  # no solve needed for these
        served, unserved = reach.settled(s, [p for p in unknown if p not in shown])  # nor for these
        shown.update(served)
        known += sorted(shown)
        dead = set(unserved)
        unknown = [p for p in unknown if p not in shown and p not in dead]
        if not unknown:
            break
        e = s.add_cols(ELIGIBLE, [int(s.m.lines[p]) for p in unknown], 1.0)
        s.add_sum_rows(ELIGIBLE_ROW, unknown, e, [-1.0] * len(unknown))
        proven, _ = s.optimise(e, np.ones(len(e)), True, budget, partial(_serves, s, list(unknown)))
        got = _served(s, unknown, s.x)
        s.drop_scratch()
        if not got:
            return sorted(known), proven  # proven: no answer serves another line; else the time ran out
        known += got
        found = set(got)
        unknown = [p for p in unknown if p not in found]
    return sorted(known), True


def _serves(s: BatchSolver, lines: list[int], x: np.ndarray) -> bool:
    return bool(_served(s, lines, x))


def _served(s: BatchSolver, lines: list[int], x: np.ndarray) -> list[int]:
    """The lines (positions) that the answer x gives at least one unit."""
    flow = np.rint(x[: len(s.m.arcs)])
    alloc = np.bincount(s.m.arc_line, weights=flow, minlength=len(s.m.lines))
    return [p for p in lines if alloc[p] >= 1]


def _open(lines: list[int], s: BatchSolver) -> list[int]:
    """The lines some answer on the current face could still serve: a line whose arcs an earlier level's face
    fixed at 0, or whose row it capped below 1, gets nothing in any answer that keeps the earlier levels."""
    if not lines:
        return lines
    _, hi = s.col_bounds(np.concatenate([s.cols_of(p) for p in lines]))
    counts = np.array([len(s.cols_of(p)) for p in lines])
    best = np.maximum.reduceat(hi, np.cumsum(counts) - counts)
    room = np.minimum(best, s.line_bounds(lines)[1])
    return [p for p, r in zip(lines, room.tolist(), strict=True) if r >= 1]


def max_min(s: BatchSolver, level: Level, lines: list[int], budget: Budget) -> tuple[Fraction, bool]:
    """The batch's best minimum fill ratio over `lines` (positions), and whether it is proven; a proven one is
    recorded for the scenarios that start from this run (`Bases.keep_ratio`)."""
    best, proven = _max_min(s, level, lines, budget)
    if proven and s.keep is not None and not s.stopped:
        s.keep.keep_ratio(s, level.name, best)
    return best, proven


def _max_min(s: BatchSolver, level: Level, lines: list[int], budget: Budget) -> tuple[Fraction, bool]:
    qty = [s.rc.lines[int(s.m.lines[p])].line.qty for p in lines]
    binaries = bool(s.m.integer[len(s.m.arcs) :].any())
    refuted: Fraction | None = None  # a candidate known infeasible: the optimum is below it
    if not binaries:
        settled, refuted = _checked_first(s, level, lines, qty, budget)
        if settled is not None:
            return settled
    bound, t_col = _lp_bound(s, f"{level.name}#bound", lines, qty, budget)
    if bound is None:
        s.drop_scratch()
        return _ratio(s, lines, qty), False
    if binaries:  # one integer program beats one per candidate
        s.set_cols(np.array([t_col]), np.zeros(1), np.ones(1))
        s.x[t_col] = float(_ratio(s, lines, qty))  # the incumbent's own minimum: a start as good as it has
        s.objective(np.array([t_col]), np.ones(1), True)
        proven = s.integer(budget, search=True)
        s.drop_scratch()
        return _ratio(s, lines, qty), proven
    s.drop_scratch()
    saved = s.line_bounds(lines)  # an earlier level's face may have fixed some of them
    low = _ratio(s, lines, qty)  # the incumbent's: feasible
    above = [c for c in _candidates(qty, low, bound + 1e-9) if refuted is None or c < refuted]
    best = s.x.copy()
    top = TOP_FIRST
    while above:  # feasibility is monotone in t: bisect the candidates above the best found
        mid, top = (len(above) - 1 if top else len(above) // 2), False
        found = _feasible(s, lines, qty, above[mid], budget, saved)
        if found is None:
            s.x = best
            _restore(s, lines, saved)
            return _ratio(s, lines, qty), False
        if found:  # the answer's own minimum may pass the candidate tried: every candidate up to it is confirmed
            best, reached = s.x.copy(), _ratio(s, lines, qty)
            above = [c for c in above[mid + 1 :] if c > reached]
        else:
            above = above[:mid]
    s.x = best
    _restore(s, lines, saved)
    return _ratio(s, lines, qty), True


def _above_incumbent(s: BatchSolver, lines: list[int], qty: list[int], budget: Budget) -> tuple[Fraction, bool] | None:
    """The least candidate above the incumbent's minimum, tried before the LP bound: when it is infeasible, the
    incumbent's minimum is the optimum (proven, and the bound's LP is not needed); when feasible, its answer
    becomes the incumbent and None says to go on. On the plain 20,000-line book the bound's LP took 30-310 ms a
    class and this check 20-40 ms; in three classes of four the incumbent's minimum was the optimum."""
    low = _ratio(s, lines, qty)
    least = _least_above(qty, low)
    if least is None:
        return low, True  # every line is full
    saved, basis = s.line_bounds(lines), s.m.h.getBasis()
    found = _feasible(s, lines, qty, least, budget, saved)
    _restore(s, lines, saved)
    if found is None:
        return low, False
    if not found:
        return low, True
    s.m.h.setBasis(basis)  # the bound's LP goes on from the last level's optimum, not from this check's vertex
    return None


def _checked_first(
    s: BatchSolver, level: Level, lines: list[int], qty: list[int], budget: Budget
) -> tuple[tuple[Fraction, bool] | None, Fraction | None]:
    """Feasibility checks that may settle the class before the bound's LP: (the best minimum and whether it is
    proven, or None to go on; a candidate refuted, or None). The least candidate above the incumbent's minimum
    (`_above_incumbent`), and the best minimum that the run this one starts from proved for the batch
    (`_recorded_first`).

    When the record is above that least candidate it is tried first: its answer, when feasible, shows the least
    one feasible too, so checking that first would only cost a solve (the plain 20,000-line book's gold class:
    three LP runs instead of four in most scenarios, 2026-12-05)."""
    hint = s.warm.ratio(s, level.name) if s.warm is not None else None
    least = _least_above(qty, _ratio(s, lines, qty))
    if hint is not None and least is not None and hint > least:
        return _recorded_first(s, lines, qty, hint, budget, checked=False)
    settled = _above_incumbent(s, lines, qty, budget)
    if settled is not None or hint is None:
        return settled, None
    return _recorded_first(s, lines, qty, hint, budget, checked=True)


def _recorded_first(
    s: BatchSolver, lines: list[int], qty: list[int], hint: Fraction, budget: Budget, *, checked: bool
) -> tuple[tuple[Fraction, bool] | None, Fraction | None]:
    """Searched from `hint`, the best minimum that the run this one starts from proved for the batch
    (`Bases.ratio`): a scenario's change most often leaves it the optimum. When it is above the incumbent's
    minimum it is tried first: infeasible, the search goes on below it (None, it), after `_above_incumbent` when
    that was not `checked` yet (infeasible there, the incumbent's minimum is the optimum); feasible, its answer
    becomes the incumbent. Then, the incumbent reaching the record, `_above_incumbent` tries the least candidate
    above its minimum: infeasible, that minimum is the optimum (proven, two feasibility checks instead of the
    bound's LP and a bisection); feasible, the search goes on from its answer (None, None). Only the order of
    the checks depends on the record, never what is proven."""
    basis = s.m.h.getBasis()
    if hint > _ratio(s, lines, qty):
        saved = s.line_bounds(lines)
        found = _feasible(s, lines, qty, hint, budget, saved)
        _restore(s, lines, saved)
        if found is None:
            return (_ratio(s, lines, qty), False), None  # the time ran out
        if not found:  # `_feasible` gave the basis before the check back: the bound's LP goes on from there
            return (None if checked else _above_incumbent(s, lines, qty, budget)), hint
    settled = _above_incumbent(s, lines, qty, budget)
    if settled is None:
        s.m.h.setBasis(basis)
    return settled, None


def _least_above(qty: list[int], low: Fraction) -> Fraction | None:
    """The least k / q with q in qty and k <= q that is above `low`, or None."""
    above = [Fraction(_least_k_above(low, q), q) for q in set(qty)]
    return min((c for c in above if c <= 1), default=None)


def _least_k_above(low: Fraction, q: int) -> int:
    """The least integer k with k / q > low."""
    return low.numerator * q // low.denominator + 1


def hold(s: BatchSolver, lines: list[int], t: Fraction) -> None:
    """Hold the run's minimum fill ratio t on the batch's eligible lines: x_l >= ceil(t qty_l)."""
    qty = [s.rc.lines[int(s.m.lines[p])].line.qty for p in lines]
    _lower(s, lines, _ceil_times(t, qty), s.line_bounds(lines))


def _ratio(s: BatchSolver, lines: list[int], qty: list[int]) -> Fraction:
    """The least allocated / qty over the lines, exactly: the floats find the few lines that may hold it."""
    alloc, q = s.allocated()[lines], np.asarray(qty, np.int64)
    ratio = alloc / q
    near = np.flatnonzero(ratio <= ratio.min() + 1e-9)
    return min(Fraction(int(alloc[i]), int(q[i])) for i in near.tolist())


def _candidates(qty: list[int], low: Fraction, high: float) -> list[Fraction]:
    """Every k / q with q in qty, 0 <= k <= q and low < k / q <= high, in order."""
    out: set[Fraction] = set()
    for q in set(qty):
        first = max(0, _least_k_above(low, q))
        last = min(q, math.floor(high * q) + 1)
        while last >= first and not Fraction(last, q) <= high:  # the float floor may be one off either way
            last -= 1
        out.update(Fraction(k, q) for k in range(first, last + 1))
    return sorted(out)


def _ceil_times(t: Fraction, qty: list[int]) -> np.ndarray:
    """ceil(t q) for each q, exactly."""
    return -((-t.numerator * np.asarray(qty, np.int64)) // t.denominator)


def _lp_bound(s: BatchSolver, name: str, lines: list[int], qty: list[int], budget: Budget) -> tuple[float | None, int]:
    """max t on the LP: x_l >= qty_l t for the lines; and t's column. `name`: the solve's, for warm starts."""
    if s.stopped or budget.time_up():
        return None, -1
    t = int(s.add_cols(RATIO, [0], 1.0)[0])
    s.add_sum_rows(RATIO_ROW, lines, np.full(len(lines), t), [-float(q) for q in qty])
    s.start_from(name, following=True)
    s.objective(np.array([t]), np.ones(1), True)
    optimal = s.timed(budget) == highspy.HighsModelStatus.kOptimal
    if optimal:
        s.record(name)
    bound = s.m.h.getInfo().objective_function_value
    s.set_cols(np.array([t]), np.zeros(1), np.zeros(1))  # the rows: sum x_l >= 0 until `drop_scratch` deletes them
    return (float(bound) if optimal else None), t


def _lower(s: BatchSolver, lines: list[int], lows: np.ndarray, saved: Bounds) -> None:
    """Raise the line rows' lower bounds to `lows`, never loosening what they were."""
    lo, hi = saved
    _set_rows(s, lines, np.maximum(lo, np.asarray(lows, float)), hi)


def _restore(s: BatchSolver, lines: list[int], saved: Bounds) -> None:
    _set_rows(s, lines, *saved)


def _set_rows(s: BatchSolver, lines: list[int], lo: np.ndarray, hi: np.ndarray) -> None:
    s.set_rows(np.array([s.m.line_row[p] for p in lines], np.int32), lo, hi)


def _feasible(
    s: BatchSolver, lines: list[int], qty: list[int], t: Fraction, budget: Budget, saved: Bounds
) -> bool | None:
    """Can every line have x_l >= ceil(t qty_l) with every held level kept? None when time ran out.

    A refuted candidate gives HiGHS back the basis it had before the check: an infeasible LP ends on a basis
    that no bounds of the run make feasible, and the next level's primal simplex went through phase 1 from it
    (the plain 20,000-line book's baseline: `fill.units` 346 phase-1 iterations of its 553, after the last fill
    ratio's check refuted the least candidate above the incumbent's minimum, 2026-12-05)."""
    if budget.time_up():
        s.stopped = True
        return None
    before = s.m.h.getBasis()
    _lower(s, lines, _ceil_times(t, qty), saved)
    s.objective(np.zeros(0, np.int64), np.zeros(0), True)
    status = s.timed(budget)
    if status in _INFEASIBLE:
        s.m.h.setBasis(before)
        return False
    if status == highspy.HighsModelStatus.kOptimal:
        x = np.array(s.m.h.getSolution().col_value, np.float64)
        if s.integral(x) and all(_kept(h, x) for h in s.held):
            s.x = x
            return True
        status, mip = s.mip(budget, search=True)
        if status in _INFEASIBLE:
            return False
        if status == highspy.HighsModelStatus.kOptimal:
            x = np.array(mip.getSolution().col_value, np.float64)
            s.integral(x)
            s.x = x
            return True
    s.stopped = True
    return None


def _kept(held: tuple[np.ndarray, np.ndarray, bool, int], x: np.ndarray) -> bool:
    cols, vals, maximise, value = held
    got = float(vals @ x[cols])
    return got >= value - 0.5 if maximise else got <= value + 0.5
