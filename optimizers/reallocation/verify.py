"""Verifying a run's counterfactuals by re-solving the line's component with the extra supply.

A claim (`WhatIf`, stated by `optimizers.reallocation.counterfactual`) adds stock at a location the line already
draws from, or capacity to a capacitated lane it already uses, so the lines that could use either are already
in the line's component, and no shipment limit starts to bind: with the supply added, the component's lines
are still one component, independent of the rest of the run. The sub-problem is the run restricted to those
lines, with the supply added; it is built and solved by the engine's own entry points (`build`, `build_model`,
`BatchSolver`, `ratio`), level by level, up to the line's last level (`win.units`; its class's
`min_fill_ratio`, or `units` without fair share; `fill.units`). The line's units (and on-time units) are then
minimised over the answers optimal at every level so far: every answer of a full run with the extra supply
lies in that set (the later levels only choose within it), so that least is a bound the full re-run cannot fall
below. The claim is confirmed when the least reaches the line's cap; between its allocation and its cap the
sentence is rewritten to that least; otherwise it is not confirmed.

The fill ratio of a class is a minimum over the whole run. Its value with the extra stock is the least of the
component's own best t_c (solved here) and the other components' least T, which the extra stock does not
change. The run's t* = min(t_c before, T) gives T when no other component has an eligible line of the class
(T infinite), when t_c <= t* (then t_c is the minimum), or when the component did not attain t* (no eligible
line, or its own best before, solved once per component, above t*: then T = t*); otherwise T is the least of
the other components' own bests, each solved once per component (the run's t* held for earlier classes).

Budget: `share` (default `VERIFY_SHARE`) of the run's time limit, and at most `RUN_SHARE` of the run's own work
(its arcs through every level, in the units below; `MIN_UNITS` at least), so verifying makes a large run at most
a quarter as long again; none on a degraded run. It is counted in work units (a fixed part per re-solve, plus
the arcs of the re-solved component times its levels, times `BINARY_FACTOR` when it has binaries, plus the other
components' own fill ratios the re-solve may need), converted at a measured rate, so the lines verified depend
only on the input: lines are taken highest ranked first (strategy, then tier), then the largest shortfall, then
in canonical order, each when it fits in the units left (one that does not is passed over for cheaper ones).
The clock is a guard only: verifying stops at `CLOCK_SHARES` times the budget (`CLOCK_FLOOR_S` at least) or at
the run's time limit, whichever is first, and a run it cut says so (`Verification.skipped`); only then may the
same input verify fewer lines.
"""

from __future__ import annotations

import time
from dataclasses import replace
from fractions import Fraction
from typing import NamedTuple

import numpy as np

from optimizers.problem import StockPosition
from optimizers.reallocation import ratio
from optimizers.reallocation.build import build
from optimizers.reallocation.candidates import RunCandidates
from optimizers.reallocation.counterfactual import confirmed, refuted
from optimizers.reallocation.decompose import binding_limits, components, discrete
from optimizers.reallocation.levels import COMPETING, Level, objective_levels
from optimizers.reallocation.lexicographic import BatchSolver
from optimizers.reallocation.model import build_model
from optimizers.reallocation.problem import Network, ReallocationProblem, Strategy
from optimizers.reallocation.result import ReallocationRun, RunLineResult, RunOrderResult, Verification, WhatIf
from optimizers.reallocation.segments import class_names, priority
from optimizers.solvers.budget import Budget

VERIFY_SHARE = 0.05  # of the run's time limit: 3 s of the default 60 s
RUN_SHARE = 0.25  # by default at most a quarter of the work units of the run itself (its arcs through every level)
SECONDS_PER_UNIT = 2e-6  # measured: one arc of a re-solved component through one level (eligibility included)
FIXED_UNITS = 2500  # measured: building a sub-problem and its model, about 5 ms
MIN_UNITS = 10 * FIXED_UNITS  # what `RUN_SHARE` leaves a small run at least: about 50 ms
# A component with binaries (ship-complete lines, shipment limits) costs more: measured 3 times as much on a
# 200-line book, about 60 times on the 1,000-line ones (their tier levels' integer programs); the clock bounds it.
BINARY_FACTOR = 10
CLOCK_SHARES = 2  # the clock stops verifying at this many times its budget (shared cores), or at the limit,
CLOCK_FLOOR_S = 0.5  # but not before this: a small budget's clock would trip on a busy machine, and the same
# input would be explained differently


class Least(NamedTuple):
    """The least units, and on-time units, the line gets in any answer optimal up to its last level."""

    units: int
    on_time: int


class _Unknown(Exception):
    """The re-solve cannot decide: a solve ran out of time, or a shared fill ratio is not known here."""


def verify(
    problem: ReallocationProblem,
    answer: ReallocationRun,
    *,
    began: float,
    time_limit_ms: int | None = None,
    share: float | None = None,
    rc: RunCandidates | None = None,
) -> ReallocationRun:
    """The run with its counterfactuals re-solved as far as the budget goes: confirmed ones marked verified
    (rewritten to what the re-solve gave), and the count in `counterfactuals`. `began` is the run's start
    (`time.perf_counter()`), `time_limit_ms` its limit (default: the policy's), `rc` its candidates when the
    caller has them (built again otherwise)."""
    start = time.perf_counter()
    limit_s = (problem.policy.time_limit_ms if time_limit_ms is None else time_limit_ms) / 1000
    budget_s = max(0.0, min((VERIFY_SHARE if share is None else share) * limit_s, began + limit_s - start))
    results = [ln for o in answer.orders for ln in o.lines]  # the run lists lines in the canonical order
    claims = {li: r.explanation.what_if for li, r in enumerate(results) if r.explanation and r.explanation.what_if}
    if answer.solver.degraded or not claims or budget_s == 0:
        why = None
        if answer.solver.degraded:
            why = "degraded run"
        elif claims:  # a share of 0: `policy.counterfactuals` none, or the caller's
            why = "none asked for" if share == 0 else "no time left"
        done = Verification(len(claims), 0, 0, budget_s * 1000, (time.perf_counter() - start) * 1000, why)
        return replace(answer, counterfactuals=done)
    rc = build(problem) if rc is None else rc
    runs = _Context(problem, answer, rc, results, budget_s / SECONDS_PER_UNIT)
    if share is None:  # the default: what the run's own size affords
        runs.units = min(runs.units, max(MIN_UNITS, RUN_SHARE * sum(runs.weight) * len(runs.levels)))
    budget_s = runs.units * SECONDS_PER_UNIT
    budget = Budget(min(began + limit_s, start + max(CLOCK_SHARES * budget_s, CLOCK_FLOOR_S)))
    rewritten: dict[int, tuple[str, bool, WhatIf]] = {}
    skipped, checked = None, 0
    short = {li: w.allocated_qty - results[li].allocated_qty for li, w in claims.items()}
    for li in sorted(claims, key=lambda k: (priority(rc.lines[k].cls), -short[k], k)):
        cost = runs.cost(li)
        if cost > runs.units:
            skipped = "budget spent"  # this claim would not fit: a cheaper one further down may
            continue
        runs.units -= cost
        checked += 1
        least = runs.least(li, claims[li], budget)
        if least is not None:
            rewritten[li] = _sentence(claims[li], results[li], least)
        if budget.time_up():
            skipped = "clock ran out"
            break
    verified = sum(ok for _, ok, _ in rewritten.values())
    spent = (time.perf_counter() - start) * 1000
    done = Verification(len(claims), checked, verified, budget_s * 1000, spent, skipped)
    return replace(answer, orders=_rewrite(answer.orders, rewritten), counterfactuals=done)


def _sentence(w: WhatIf, res: RunLineResult, least: Least) -> tuple[str, bool, WhatIf]:
    """The re-solve's account: confirmed when it gives the line more, at least `least.units`."""
    what = w._replace(allocated_qty=least.units, on_time=least.on_time >= least.units > 0)
    if least.units > res.allocated_qty:
        return confirmed(w, res.requested_qty, res.allocated_qty, least.units, least.on_time), True, what
    return refuted(w, least.units), False, what


def _rewrite(
    orders: tuple[RunOrderResult, ...], rewritten: dict[int, tuple[str, bool, WhatIf]]
) -> tuple[RunOrderResult, ...]:
    out, li = [], 0
    for o in orders:
        lines: list[RunLineResult] = []
        for res in o.lines:
            if li in rewritten and res.explanation is not None:
                text, ok, what = rewritten[li]
                explained = res.explanation._replace(counterfactual=text, counterfactual_verified=ok, what_if=what)
                res = res._replace(explanation=explained)
            lines.append(res)
            li += 1
        out.append(replace(o, lines=tuple(lines)))
    return tuple(out)


class _Context:
    """The run's decomposition, per class its fill ratio and which components had eligible lines, and the work
    units left: what every re-solve needs."""

    def __init__(
        self,
        problem: ReallocationProblem,
        answer: ReallocationRun,
        rc: RunCandidates,
        results: list[RunLineResult],
        units: float,
    ) -> None:
        self.problem, self.rc, self.units = problem, rc, units
        limits = binding_limits(rc)
        comps = components(rc, limits)
        self.comp = np.full(len(rc.lines), -1, np.int64)
        for k, c in enumerate(comps):
            self.comp[c] = k
        self.lines = comps
        per_line = np.bincount(rc.arc_line, minlength=len(rc.lines))
        binary = discrete(rc, limits)  # per component, its work units per level: arcs, more with binaries
        self.weight = [int(per_line[c].sum()) * (BINARY_FACTOR if binary[c].any() else 1) for c in comps]
        self.levels = objective_levels(problem, {r.cls.rank for r in rc.lines if r.cls.strategy in COMPETING})
        self.eligible: dict[int, set[int]] = {}  # class rank -> components with an eligible line in the run
        for li, res in enumerate(results):
            if res.eligible:
                self.eligible.setdefault(rc.lines[li].cls.rank, set()).add(int(self.comp[li]))
        top = max((r.line.qty for r in rc.lines), default=1)
        self.ratio = {
            o.level: Fraction(o.value).limit_denominator(top)  # t* = k / qty_l: exact from its float
            for o in answer.objective
            if o.level.endswith(".min_fill_ratio")
        }
        self._own: dict[int, dict[str, Fraction]] = {}
        self._costs: dict[tuple[int, int, int], float] = {}
        self.last_ratio = max((n for n, lv in enumerate(self.levels) if lv.kind == "ratio"), default=-1)

    def last(self, li: int) -> int:
        """Index in `levels` of the line's last level: where its strategy and tier are served."""
        cls = self.rc.lines[li].cls
        if cls.strategy == Strategy.WIN:
            names = ["win.units"]
        elif cls.strategy == Strategy.FILL:
            names = ["fill.units"]
        else:
            tier = class_names(self.problem)[cls.rank]
            names = [f"tier.{tier}.min_fill_ratio", f"tier.{tier}.units"]
        at = {lv.name: k for k, lv in enumerate(self.levels)}
        return next(at[n] for n in names if n in at)

    def cost(self, li: int) -> float:
        """Work units of the line's re-solve: its component's arcs through its levels and the two minima, plus
        the own best fill ratios of every component with eligible lines of a class it re-solves that are not
        solved yet (`_before`: the fill ratio is a minimum over the run). Whether those are needed depends on
        the re-solve, so they are counted whenever they may be: an upper bound, from the input alone."""
        k, last = int(self.comp[li]), self.last(li)
        key = (k, last, len(self._own))
        if key not in self._costs:
            units = FIXED_UNITS + self.weight[k] * (last + 3)
            for rank in {lv.rank for lv in self.levels[: last + 1] if lv.kind == "ratio" and lv.rank is not None}:
                for j in sorted(self.eligible.get(rank, set()) - set(self._own)):
                    units += FIXED_UNITS + self.weight[j] * (self.last_ratio + 1)
            self._costs[key] = units
        return self._costs[key]

    def least(self, li: int, c: WhatIf, budget: Budget) -> Least | None:
        """Re-solve the line's component with the claim's supply; None when that cannot decide."""
        k = int(self.comp[li])
        sub = _sub_problem(self.problem, self.rc, self.lines[k], c)
        s, levels = _solver(sub)
        ref = self.rc.lines[li]
        me = (ref.order.id, ref.line.line)
        p = next(q for q, j in enumerate(s.m.lines.tolist()) if (s.rc.lines[j].order.id, s.rc.lines[j].line.line) == me)
        last = self.levels[self.last(li)].name
        try:
            for level in levels:
                if level.kind == "ratio":
                    if not self._ratio(s, level, k, budget):
                        if level.name == last:
                            break  # the line's own class: stopping before its ratio leaves a wider set
                        raise _Unknown
                elif not s.level(level, budget)[1]:
                    raise _Unknown
                if level.name == last:
                    break
            arcs = s.cols_of(p)
            on_time = arcs[s.rc.arc_on_time[s.m.arcs[arcs]]]
            return Least(_least(s, arcs, budget), _least(s, on_time, budget))
        except _Unknown:
            return None

    def _ratio(self, s: BatchSolver, level: Level, k: int, budget: Budget) -> bool:
        """Hold the run's fill ratio of the level's class, with the extra stock, on component k: the least of
        its own best and the other components' (unchanged); False when that is not known."""
        lines, proven = ratio.eligible(s, level, budget)
        if not proven:
            raise _Unknown
        if not lines:
            return True
        own, proven = ratio.max_min(s, level, lines, budget)
        if not proven:
            raise _Unknown
        t = self._run_ratio(level, k, own, budget)
        if t is None:
            return False
        ratio.hold(s, lines, t)
        return True

    def _run_ratio(self, level: Level, k: int, own: Fraction, budget: Budget) -> Fraction | None:
        """min(own, T): T, the other components' least best ratio, from the run's t* = min(k's before, T)
        when that settles it, else from their own solves."""
        assert level.rank is not None
        others = self.eligible.get(level.rank, set()) - {k}
        star = self.ratio.get(level.name)
        if not others or star is None or own <= star:
            return own  # T >= t* >= own, or no other component counts
        if k not in self.eligible.get(level.rank, set()) or self._before(k, budget).get(level.name, star) > star:
            return star  # k did not attain t*: another component did, T = t*
        bests = [self._before(j, budget).get(level.name) for j in sorted(others)]
        if any(b is None for b in bests):
            return None
        return min(own, *(b for b in bests if b is not None))

    def _before(self, k: int, budget: Budget) -> dict[str, Fraction]:
        """Component k's own best fill ratio per class in the run (the run's t* held for earlier classes),
        solved once; `cost` charged its work units in advance."""
        if k not in self._own:
            sub = _sub_problem(self.problem, self.rc, self.lines[k], None)
            s, levels = _solver(sub)
            ratios = [n for n, lv in enumerate(levels) if lv.kind == "ratio"]  # charged in advance by `cost`
            own: dict[str, Fraction] = {}
            for level in levels[: ratios[-1] + 1 if ratios else 0]:
                if level.kind != "ratio":
                    if not s.level(level, budget)[1]:
                        raise _Unknown
                    continue
                lines, proven = ratio.eligible(s, level, budget)
                if not proven:
                    raise _Unknown
                if lines:
                    best, proven = ratio.max_min(s, level, lines, budget)
                    if not proven:
                        raise _Unknown
                    own[level.name] = best
                    ratio.hold(s, lines, min(best, self.ratio.get(level.name, best)))
            self._own[k] = own
        return self._own[k]


def _solver(sub: ReallocationProblem) -> tuple[BatchSolver, list[Level]]:
    """The sub-problem as one batch, and its levels."""
    rc = build(sub)
    s = BatchSolver(rc, build_model(rc, np.unique(rc.arc_line), binding_limits(rc)))
    return s, objective_levels(sub, {r.cls.rank for r in rc.lines if r.cls.strategy in COMPETING})


def _least(s: BatchSolver, cols: np.ndarray, budget: Budget) -> int:
    """min sum x[cols] over the answers that keep every level held so far."""
    if not len(cols):
        return 0
    proven, _ = s.optimise(cols, np.ones(len(cols)), False, budget)
    if not proven:
        raise _Unknown
    return int(round(float(s.x[cols].sum())))


def _sub_problem(
    problem: ReallocationProblem, rc: RunCandidates, lines: np.ndarray, w: WhatIf | None
) -> ReallocationProblem:
    """The run restricted to the component's lines, with the claim's supply added (when there is one)."""
    keep = {(rc.lines[li].order.id, rc.lines[li].line.line) for li in lines.tolist()}
    orders = []
    for o in problem.orders:
        mine = tuple(ln for ln in o.lines if (o.id, ln.line) in keep)
        if mine:
            orders.append(replace(o, lines=mine))
    net = problem.network if w is None else with_supply(problem.network, w)
    return replace(problem, network=net, orders=tuple(orders))


def with_supply(net: Network, w: WhatIf) -> Network:
    """The network with the counterfactual's stock and lane capacity added."""
    stock = (*net.stock, StockPosition(w.item, w.location, w.extra_qty)) if w.extra_qty else net.stock
    lanes = tuple(
        ln._replace(capacity=(ln.capacity or 0) + w.lane_qty) if (ln.from_location, ln.to_location) == w.lane else ln
        for ln in net.lanes
    )
    return replace(net, stock=stock, lanes=lanes)
