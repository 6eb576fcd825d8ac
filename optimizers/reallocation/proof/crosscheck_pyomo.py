"""Independent cross-check of a run's lexicographic optimum: one Pyomo MIP over the whole run, HiGHS.

Built straight from `ReallocationProblem` by `shared/spec/reallocation.md` and `docs/reallocation-reading.md`;
it shares no code with the engine (no candidates arrays, no decomposition, no batches), so agreement is evidence.

Variables: x_a in Z+ per arc (line, supply node, route); z_l binary per ship-complete line; y_of binary per
(order whose customer has a shipment limit, ship-from); k_l in [0, confirmed] per gain line; d_l >= 0 per line.
Constraints: the spec's 1-6 (protections as the nested rows), k_l <= sum x_l, d_l >= |sum x_l - confirmed|.
Levels in the spec's order, each fixed by c.x >= v - 1/2 (integral data). The fill-ratio level: a line is
eligible when max sum x_l, with every earlier level fixed, is >= 1 (one solve per line: plain, unlike the
engine's batched search); then max t with sum x_l >= qty_l t over the eligible lines, held by
sum x_l >= ceil(t qty_l).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import pyomo.environ as pyo

from optimizers.reallocation.problem import ReallocationProblem
from optimizers.reallocation.proof.crosscheck_data import SCALE, _Arc, _arcs, _Line, _lines, _supply


def _build(p: ReallocationProblem, lines: list[_Line], arcs: list[_Arc]) -> pyo.ConcreteModel:
    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(len(arcs)), domain=pyo.NonNegativeIntegers, bounds=lambda _, a: (0, arcs[a].upper))
    m.c = pyo.ConstraintList()
    by: Callable[[Callable[[_Arc], Any]], dict[Any, list[int]]] = lambda key: _group(arcs, key)  # noqa: E731
    supply = _supply(p)
    for node, idx in by(lambda a: a.node).items():
        m.c.add(sum(m.x[a] for a in idx) <= supply[node])
    caps = {(k.from_location, k.to_location): k.capacity for k in p.network.lanes}
    for lane, idx in by(lambda a: a.lane).items():
        if lane is not None and caps[lane] is not None:
            m.c.add(sum(m.x[a] for a in idx) <= caps[lane])
    per_line = by(lambda a: a.line)
    m.flow = {ln.key: sum(m.x[a] for a in per_line.get(ln.key, [])) for ln in lines}
    m.z = pyo.Var([ln.key for ln in lines if ln.src.ship_complete], domain=pyo.Binary)
    m.k = pyo.Var([ln.key for ln in lines if ln.strategy == "gain"], bounds=lambda _, o, n: (0, _conf(lines, o, n)))
    m.d = pyo.Var([ln.key for ln in lines], domain=pyo.NonNegativeReals)
    for ln in lines:
        f = m.flow[ln.key]
        if not isinstance(f, int):  # a line without arcs gets 0: nothing to bound
            m.c.add(f <= (min(ln.src.qty, ln.src.confirmed_qty) if ln.strategy == "fill" else ln.src.qty))
        if ln.src.ship_complete:
            m.c.add(f == ln.src.qty * m.z[ln.key])
        if ln.strategy == "gain":
            m.c.add(m.k[ln.key] <= f)
        m.c.add(m.d[ln.key] >= f - ln.src.confirmed_qty)
        m.c.add(m.d[ln.key] >= ln.src.confirmed_qty - f)
    _limits(p, m, lines, arcs)
    _protections(p, m, lines, arcs)
    return m


def _conf(lines: list[_Line], order: str, line: int) -> int:
    return next(ln.src.confirmed_qty for ln in lines if ln.key == (order, line))


def _group(arcs: list[_Arc], key: Callable[[_Arc], Any]) -> dict[Any, list[int]]:
    out: dict[Any, list[int]] = defaultdict(list)
    for a, arc in enumerate(arcs):
        out[key(arc)].append(a)
    return out


def _limits(p: ReallocationProblem, m: pyo.ConcreteModel, lines: list[_Line], arcs: list[_Arc]) -> None:
    limit = {c.id: c.max_shipments for c in p.network.customers}
    order_of = {ln.key: ln.order for ln in lines}
    pairs = _group(arcs, lambda a: (a.line[0], a.ship_from))
    m.y = pyo.Var([k for k in pairs if limit[order_of[arcs[pairs[k][0]].line].customer] is not None], domain=pyo.Binary)
    for (oid, f), idx in pairs.items():
        if (oid, f) in m.y:
            m.c.add(sum(m.x[a] for a in idx) <= sum(arcs[a].upper for a in idx) * m.y[(oid, f)])
    for o in p.orders:
        ys = [m.y[k] for k in pairs if k[0] == o.id and k in m.y]
        if ys:
            m.c.add(sum(ys) <= limit[o.customer])


def _protections(p: ReallocationProblem, m: pyo.ConcreteModel, lines: list[_Line], arcs: list[_Arc]) -> None:
    tiers, supply = p.policy.tiers, _supply(p)
    rank = {ln.key: ln.rank for ln in lines}
    for item, loc in {(g.item, g.location) for g in p.network.protections}:
        s = supply.get((item, loc, p.as_of, "stock"), 0)
        p0 = supply.get((item, loc, p.as_of, "inbound"), 0)
        guards = [
            (tiers.index(g.min_tier), g.qty) for g in p.network.protections if (g.item, g.location) == (item, loc)
        ]
        pool = [a for a, arc in enumerate(arcs) if arc.node[:3] == (item, loc, p.as_of)]
        for t in range(len(tiers) + 1):
            drawn = [m.x[a] for a in pool if rank[arcs[a].line] >= t]
            if drawn:
                m.c.add(sum(drawn) <= max(0, s - sum(q for r, q in guards if r < t)) + p0)


def _solve(m: pyo.ConcreteModel, expr: Any, maximise: bool) -> float:
    m.obj = pyo.Objective(expr=expr, sense=pyo.maximize if maximise else pyo.minimize)
    solver = pyo.SolverFactory("appsi_highs")
    solver.highs_options = {"mip_rel_gap": 0.0, "mip_feasibility_tolerance": 1e-9, "threads": 1}
    result = solver.solve(m)
    m.del_component(m.obj)
    if str(result.solver.termination_condition) != "optimal":
        raise RuntimeError(f"HiGHS did not prove the level optimal: {result.solver.termination_condition}")
    return float(pyo.value(expr))


def crosscheck(p: ReallocationProblem) -> dict[str, float]:
    """Every objective level's optimum, by name, as the independent model finds it."""
    lines, out = _lines(p), {}
    arcs = _arcs(p, lines)
    m = _build(p, lines, arcs)
    strat = {ln.key: ln.strategy for ln in lines}
    on_time = sum(m.x[a] for a, arc in enumerate(arcs) if arc.on_time and strat[arc.line] == "win")
    units = sum(m.x[a] for a, arc in enumerate(arcs) if strat[arc.line] == "win")
    out["win.on_time_units"] = _hold(m, on_time, True)
    out["win.units"] = _hold(m, units, True)
    out["gain.kept_units"] = _hold(m, sum(m.k[key] for key in m.k), True)
    for rank, name in enumerate((*p.policy.tiers, "none")):
        mine = [ln for ln in lines if ln.rank == rank and ln.strategy in ("gain", "redistribute")]
        if mine:
            keys = {ln.key for ln in mine}
            ot = sum(m.x[a] for a, arc in enumerate(arcs) if arc.line in keys and arc.on_time)
            out[f"tier.{name}.on_time_units"] = _hold(m, ot, True)
            out[f"tier.{name}.units"] = _hold(m, sum(m.flow[k] for k in keys), True)
            if p.policy.fair_share:
                _ratio(m, mine, name, out)
    out["fill.units"] = _hold(m, sum(m.flow[ln.key] for ln in lines if ln.strategy == "fill"), True)
    out["margin"] = _hold(m, sum(arc.margin * m.x[a] for a, arc in enumerate(arcs)), True) / SCALE
    out["stability"] = _hold(m, sum(m.d[key] for key in m.d), False)
    out["tie_break"] = _hold(m, sum(arc.tie * m.x[a] for a, arc in enumerate(arcs)), False)
    return out


def _hold(m: pyo.ConcreteModel, expr: Any, maximise: bool) -> float:
    if isinstance(expr, int | float):
        return float(expr)
    value = round(_solve(m, expr, maximise))
    m.c.add(expr >= value - 0.5 if maximise else expr <= value + 0.5)
    return float(value)


def _ratio(m: pyo.ConcreteModel, mine: list[_Line], name: str, out: dict[str, float]) -> None:
    cand = [ln for ln in mine if not ln.src.ship_complete and ln.src.qty > 0]
    eligible = [ln for ln in cand if not isinstance(m.flow[ln.key], int) and _solve(m, m.flow[ln.key], True) >= 0.5]
    if not eligible:
        return
    m.add_component(f"t_{name}", pyo.Var(bounds=(0, 1)))
    t = m.component(f"t_{name}")
    for ln in eligible:
        m.c.add(m.flow[ln.key] >= ln.src.qty * t)
    _solve(m, t, True)
    best = min(Fraction(round(pyo.value(m.flow[ln.key])), ln.src.qty) for ln in eligible)
    for ln in eligible:
        m.c.add(m.flow[ln.key] >= math.ceil(best * ln.src.qty) - 0.5)
    t.fix(0)
    out[f"tier.{name}.min_fill_ratio"] = float(best)
