"""Independent cross-check of the allocation optimum: a Pyomo MIP solved with HiGHS.

Built straight from `AllocationProblem` by the rules of `spec/allocation.md` and
`docs/allocation-reading.md`; it shares no code with the OR-Tools model, so agreement is evidence.

Data: supply nodes n (stock: available rows of (item, location), capacity max(0, stock - protected);
inbound: rows with eta <= as_of + horizon, by (item, location, max(eta, as_of))); arcs a = (line l,
node n, route r) for every usable item of l and every route r of n (direct, or one lane s -> t) whose
ship_from has a shipping row to the order's region.

Variables: x_a in Z+, 0 <= x_a <= u_a; z_l in {0,1} per ship_complete line; y_f in {0,1} per ship_from f
(only when max_shipments is set).

Constraints: sum_{a in n} x_a <= cap_n; sum_{a via lane k} x_a <= capacity_k; sum_{a in l} x_a <= qty_l,
or = qty_l * z_l when ship_complete; x_a <= u_a * y_{f(a)} and sum_f y_f <= max_shipments.

Objective, lexicographic, each level solved with the earlier ones fixed as constraints:
max sum_{on-time} x_a; max sum x_a; max sum m_a x_a; min sum c_a x_a, where m_a is the unit margin in
integer units of 1e-4 (money has at most 4 decimals, so margin is exact and fixed exactly) and c_a the
reading's tie_cost. Every coefficient is an integer, so fixing a level as `>= v - 0.5` is exact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

import pyomo.environ as pyo
from pyomo.contrib.appsi.solvers import Highs

from optimizers.problem import AllocationProblem

MONEY_SCALE = 10_000
K = TypeVar("K")
FillRow = tuple[int, str, str, str, date, tuple[str, str] | None, int]


@dataclass(frozen=True, slots=True)
class CrossCheckResult:
    on_time_units: int
    units: int
    margin: float
    tie_break: int
    fills: tuple[FillRow, ...]


@dataclass(frozen=True, slots=True)
class _Arc:
    line: int
    node: tuple[str, str, date, str]  # item, location, available date, source
    lane: tuple[str, str] | None
    ship_from: str
    on_time: int
    margin: int  # in 1e-4 money units
    tie_cost: int
    upper: int


def _money(value: float) -> int:
    return round(value * MONEY_SCALE)


def _nodes(p: AllocationProblem) -> dict[tuple[str, str, date, str], int]:
    """Supply node -> capacity, protections applied to stock only."""
    tiers = p.policy.tiers
    tier = p.customer().tier
    rank = tiers.index(tier) if tier in tiers else len(tiers)
    nodes: dict[tuple[str, str, date, str], int] = defaultdict(int)
    for s in p.stock:
        if s.status == "available":
            nodes[(s.item, s.location, p.as_of, "stock")] += s.qty
    for pr in p.protections:
        key = (pr.item, pr.location, p.as_of, "stock")
        if key in nodes and pr.min_tier in tiers and rank > tiers.index(pr.min_tier):
            nodes[key] -= pr.qty
    horizon = p.as_of + timedelta(days=p.policy.horizon_days)
    for b in p.inbound:
        if b.eta <= horizon:
            nodes[(b.item, b.location, max(b.eta, p.as_of), "inbound")] += b.qty
    return {k: max(0, v) for k, v in nodes.items()}


def _usable(p: AllocationProblem, item: str, allow: bool) -> dict[str, int]:
    """Usable item -> substitute rank (0 for the ordered item)."""
    ranks = {item: 0}
    if allow and p.customer().allow_substitution:
        subs = next(i.substitutes for i in p.items if i.id == item)
        for s in sorted(subs, key=lambda s: s.rank):
            ranks.setdefault(s.item, s.rank)
    return ranks


Route = tuple[tuple[str, str] | None, str, int, int, int | None]  # lane, ship_from, lead, cost, capacity


def _routes(p: AllocationProblem, loc: str, ship: set[str]) -> list[Route]:
    """Direct and one-hop lane routes out of `loc` that end at a location shipping to the region."""
    routes: list[Route] = [(None, loc, 0, 0, None)]
    for k in p.lanes:
        if k.from_location == loc:
            lane = (k.from_location, k.to_location)
            routes.append((lane, k.to_location, k.lead_days, _money(k.unit_cost), k.capacity))
    return [r for r in routes if r[1] in ship]


def _arcs(p: AllocationProblem) -> list[_Arc]:
    ship = {s.location: s for s in p.shipping if s.region == p.order.ship_to_region}
    entity = {loc.id: loc.entity for loc in p.locations}
    cost = {i.id: _money(i.unit_cost) for i in p.items}
    nodes = sorted(_nodes(p).items())
    arcs: list[_Arc] = []
    for line in p.order.lines:
        usable = _usable(p, line.item, line.allow_substitution)
        for node, cap in nodes:
            item, loc, avail, _ = node
            for lane, f, lead, lane_cost, lane_cap in _routes(p, loc, set(ship)) if item in usable else []:
                delivery = avail + timedelta(days=lead + ship[f].transit_days)
                margin = _money(line.unit_price) - cost[item] - _money(ship[f].unit_cost) - lane_cost
                tie = (delivery - p.as_of).days + usable[item] + (lane is not None)
                tie += entity.get(loc) != p.order.entity
                upper = min(line.qty, cap, line.qty if lane_cap is None else lane_cap)
                on_time = int(delivery <= p.order.requested_date)
                arcs.append(_Arc(line.line, node, lane, f, on_time, margin, tie, upper))
    return arcs


def _groups(arcs: list[_Arc], key: Callable[[_Arc], K]) -> dict[K, list[int]]:
    out: dict[K, list[int]] = defaultdict(list)
    for a, arc in enumerate(arcs):
        out[key(arc)].append(a)
    return out


def _build(p: AllocationProblem, arcs: list[_Arc]) -> pyo.ConcreteModel:
    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(len(arcs)), domain=pyo.NonNegativeIntegers, bounds=lambda _, a: (0, arcs[a].upper))
    m.cons = pyo.ConstraintList()
    caps = _nodes(p)
    for node, idx in _groups(arcs, lambda a: a.node).items():
        m.cons.add(sum(m.x[a] for a in idx) <= caps[node])
    lane_cap = {(k.from_location, k.to_location): k.capacity for k in p.lanes}
    for lane, idx in _groups(arcs, lambda a: a.lane).items():
        cap = None if lane is None else lane_cap[lane]
        if cap is not None:
            m.cons.add(sum(m.x[a] for a in idx) <= cap)
    by_line = _groups(arcs, lambda a: a.line)
    complete = [ln for ln in p.order.lines if ln.ship_complete and ln.line in by_line]
    m.z = pyo.Var([ln.line for ln in complete], domain=pyo.Binary)
    for ln in (ln for ln in p.order.lines if ln.line in by_line):
        flow = sum(m.x[a] for a in by_line[ln.line])
        m.cons.add(flow == ln.qty * m.z[ln.line] if ln in complete else flow <= ln.qty)
    limit = p.customer().max_shipments
    if limit is not None:
        by_from = _groups(arcs, lambda a: a.ship_from)
        m.y = pyo.Var(sorted(by_from), domain=pyo.Binary)
        for f, idx in by_from.items():
            m.cons.add(sum(m.x[a] for a in idx) <= sum(arcs[a].upper for a in idx) * m.y[f])
        m.cons.add(sum(m.y[f] for f in by_from) <= limit)
    return m


def _solver() -> Highs:
    solver = pyo.SolverFactory("appsi_highs")
    solver.highs_options = {
        "mip_rel_gap": 0.0,
        "mip_abs_gap": 1e-9,
        "mip_feasibility_tolerance": 1e-9,
        "primal_feasibility_tolerance": 1e-9,
        "random_seed": 0,
        "threads": 1,
    }
    return solver


def _values(m: pyo.ConcreteModel, n: int) -> list[int]:
    return [round(pyo.value(m.x[a])) for a in range(n)]


def _lexicographic(m: pyo.ConcreteModel, levels: Iterable[tuple[list[int], bool]], n: int) -> list[int]:
    """Solve each level with the previous ones fixed; return the final integer solution."""
    solver, x = _solver(), [0] * n
    for k, (coef, maximise) in enumerate(levels):
        if not any(coef):
            continue
        expr = sum(c * m.x[a] for a, c in enumerate(coef) if c)
        sense = pyo.maximize if maximise else pyo.minimize
        m.add_component(f"level{k}", pyo.Objective(expr=expr, sense=sense))
        # No warm start: HiGHS 1.16 can take a MIP start into its presolved space wrongly and answer with a bound
        # below the start's own value (a hypothesis example: "optimal", bound 7, the returned answer 10).
        result = solver.solve(m, warmstart=False)
        bound = result.problem.upper_bound if maximise else result.problem.lower_bound
        x = _values(m, n)
        value = sum(c * q for c, q in zip(coef, x, strict=True))
        if str(result.solver.termination_condition) != "optimal" or abs(bound - value) >= 0.5:
            raise RuntimeError(f"level {k + 1}: HiGHS did not prove {value} optimal (bound {bound})")
        m.component(f"level{k}").deactivate()
        m.cons.add(expr >= value - 0.5 if maximise else expr <= value + 0.5)
    return x


def on_time_lp_bound(problem: AllocationProblem) -> float:
    """Level 1 of the LP relaxation (x, z, y continuous): how much the integrality of the MIP matters."""
    arcs = _arcs(problem)
    if not any(a.on_time for a in arcs):
        return 0.0
    m = _build(problem, arcs)
    pyo.TransformationFactory("core.relax_integer_vars").apply_to(m)
    m.level0 = pyo.Objective(expr=sum(a.on_time * m.x[i] for i, a in enumerate(arcs)), sense=pyo.maximize)
    _solver().solve(m)
    return float(pyo.value(m.level0))


def crosscheck(problem: AllocationProblem) -> CrossCheckResult:
    """The lexicographic optimum of `problem` by an independent Pyomo/HiGHS model."""
    arcs = _arcs(problem)
    levels = [
        ([a.on_time for a in arcs], True),
        ([1] * len(arcs), True),
        ([a.margin for a in arcs], True),
        ([a.tie_cost for a in arcs], False),
    ]
    x = _lexicographic(_build(problem, arcs), levels, len(arcs)) if arcs else []
    used = [(a, q) for a, q in zip(arcs, x, strict=True) if q]
    fills = sorted(
        ((a.line, a.node[0], a.node[1], a.node[3], a.node[2], a.lane, q) for a, q in used),
        key=lambda f: (*f[:5], f[5] or ("", ""), f[6]),
    )
    return CrossCheckResult(
        on_time_units=sum(a.on_time * q for a, q in zip(arcs, x, strict=True)),
        units=sum(x),
        margin=sum(a.margin * q for a, q in zip(arcs, x, strict=True)) / MONEY_SCALE,
        tie_break=sum(a.tie_cost * q for a, q in zip(arcs, x, strict=True)),
        fills=tuple(fills),
    )
