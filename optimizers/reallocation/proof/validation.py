"""Solver-free validation of a run: feasibility, every objective level and every KPI, recomputed from the
run's output and its input alone (no candidate arrays, no model).

Each fill is checked against the network by the spec's rules (usable item, supply row, route, dates, on-time,
margin, ship-from, intercompany); then every constraint; then every level and KPI. The fill-ratio level is
recomputed over the lines the run marks eligible (which lines are eligible is a claim about optima that only a
solver can check: `optimizers.reallocation.proof.crosscheck_pyomo` does).
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from optimizers.reallocation.kpis import kpis
from optimizers.reallocation.problem import NO_TIER, ReallocationProblem, RunLine, RunOrder, Strategy
from optimizers.reallocation.proof.fills import FillChecker, tie_cost
from optimizers.reallocation.result import ReallocationRun, RunLineResult, RunOrderResult

COMPETING = {"gain", "redistribute"}


def validate(problem: ReallocationProblem, run: ReallocationRun) -> list[str]:
    """Every way the run breaks the spec; empty when it is feasible and reports what its fills give."""
    errors: list[str] = []
    orders = {o.id: o for o in problem.orders}
    if sorted(orders) != [o.id for o in run.orders]:
        errors.append("the run does not list every order once, by id")
    checker = FillChecker(problem)
    for res in run.orders:
        order = orders[res.id]
        source = {ln.line: ln for ln in order.lines}
        for line in res.lines:
            errors += _line(checker, order, source[line.line], line, res.strategy)
        errors += checker.shipments(order, res)
    errors += checker.pools(run)
    errors += _levels(problem, run)
    if kpis(problem, run.orders) != run.kpis:
        errors.append("the KPIs do not follow from the fills")
    return errors


def _line(checker: FillChecker, order: RunOrder, src: RunLine, line: RunLineResult, strategy: str) -> list[str]:
    where = f"{order.id}/{line.line}"
    got = sum(f.qty for f in line.fills)
    errors = [e for f in line.fills for e in checker.fill(order, src, f)]
    if got != line.allocated_qty or got > src.qty:
        errors.append(f"{where}: allocated {line.allocated_qty}, fills {got}, qty {src.qty}")
    if src.ship_complete and got not in (0, src.qty):
        errors.append(f"{where}: ship-complete line got {got} of {src.qty}")
    if (strategy == "lose" or src.rejection is not None) and got:
        errors.append(f"{where}: a lose or rejected line got {got}")
    if strategy == "fill" and got > src.confirmed_qty:
        errors.append(f"{where}: a fill line gained ({got} > {src.confirmed_qty})")
    expect = (src.qty, src.confirmed_qty, got - src.confirmed_qty, src.qty - got)
    if (line.requested_qty, line.confirmed_qty, line.change, line.backorder_qty) != expect:
        errors.append(f"{where}: requested/confirmed/change/backorder do not follow from the fills")
    if line.eligible and (src.ship_complete or strategy not in COMPETING):
        errors.append(f"{where}: marked eligible for a fill-ratio level it cannot be in")
    return errors


def level_values(problem: ReallocationProblem, orders: tuple[RunOrderResult, ...]) -> dict[str, float]:
    """Every objective level's value, recomputed from the lines."""
    src = {(o.id, ln.line): ln for o in problem.orders for ln in o.lines}
    v: dict[str, float] = defaultdict(float)
    ratios: dict[str, Fraction] = {}
    for res in orders:
        for line in res.lines:
            on_time = sum(f.qty for f in line.fills if f.on_time)
            got = line.allocated_qty
            if res.strategy == Strategy.WIN:
                v["win.on_time_units"] += on_time
                v["win.units"] += got
            if res.strategy == Strategy.GAIN:
                v["gain.kept_units"] += min(got, line.confirmed_qty)
            if res.strategy in COMPETING:
                v[f"tier.{res.tier}.on_time_units"] += on_time
                v[f"tier.{res.tier}.units"] += got
            if line.eligible:
                key = f"tier.{res.tier}.min_fill_ratio"
                ratios[key] = min(ratios.get(key, Fraction(1)), Fraction(got, line.requested_qty))
            if res.strategy == Strategy.FILL:
                v["fill.units"] += got
            v["margin"] += sum(round(f.qty * f.unit_margin * 10_000) for f in line.fills) / 10_000
            v["stability"] += abs(got - line.confirmed_qty)
            v["tie_break"] += sum(f.qty * tie_cost(problem, src[(res.id, line.line)], f) for f in line.fills)
    v.update({k: float(r) for k, r in ratios.items()})
    return dict(v)


def _levels(problem: ReallocationProblem, run: ReallocationRun) -> list[str]:
    values = level_values(problem, run.orders)
    errors = []
    names = [o.level for o in run.objective]
    for name in ("win.on_time_units", "win.units", "gain.kept_units", "fill.units", "margin", "stability"):
        if name not in names:
            errors.append(f"objective level {name} is missing")
    for o in run.objective:
        want = values.get(o.level, 0.0)
        if abs(o.value - want) > 1e-6 * max(1.0, abs(want)):
            errors.append(f"objective {o.level}: reported {o.value}, the fills give {want}")
    classes = [*problem.policy.tiers, NO_TIER]
    order = [n.split(".")[1] for n in names if n.startswith("tier.")]
    if order != sorted(order, key=classes.index):
        errors.append("tier levels are not in the policy's order")
    return errors
