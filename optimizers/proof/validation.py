"""Solver-free validator: recompute feasibility and every objective level from a problem and fills alone.

Written straight from `shared/spec/allocation.md` and `docs/allocation-reading.md`, sharing no code with the
models, so that a mistake in candidate generation or in a model shows up here as a violation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from optimizers.decision import AllocationDecision, DecisionStatus, Fill, ObjectiveValues
from optimizers.problem import AllocationProblem


@dataclass(frozen=True)
class ValidationReport:
    errors: tuple[str, ...]
    objective: ObjectiveValues

    @property
    def ok(self) -> bool:
        return not self.errors


def _rank(tiers: Sequence[str], tier: str | None) -> int:
    return list(tiers).index(tier) if tier is not None and tier in tiers else len(tiers)


def _capacities(p: AllocationProblem) -> dict[tuple, int]:  # type: ignore[type-arg]
    """(item, location, available date, source) -> units this order may take."""
    caps: dict[tuple, int] = defaultdict(int)  # type: ignore[type-arg]
    for s in p.stock:
        if s.status == "available":
            caps[(s.item, s.location, p.as_of, "stock")] += s.qty
    me = _rank(p.policy.tiers, p.customer().tier)
    for pr in p.protections:
        key = (pr.item, pr.location, p.as_of, "stock")
        if me > _rank(p.policy.tiers, pr.min_tier) and key in caps:
            caps[key] -= pr.qty
    for key in caps:
        caps[key] = max(0, caps[key])
    horizon = p.as_of + timedelta(days=p.policy.horizon_days)
    for r in p.inbound:
        if r.eta <= horizon:
            caps[(r.item, r.location, max(r.eta, p.as_of), "inbound")] += r.qty
    return caps


def _check_fill(p: AllocationProblem, line_no: int, f: Fill) -> tuple[list[str], int, Decimal, int]:
    """Errors in one fill's own fields, with its on-time units, margin and tie cost."""
    errs: list[str] = []
    where = f"line {line_no} fill {f.item}@{f.location}"
    line = next(ln for ln in p.order.lines if ln.line == line_no)
    items = {i.id: i for i in p.items}
    rank = 0
    if f.item != line.item:
        subs: dict[str, int] = {}
        for s in items[line.item].substitutes if line.item in items else ():
            subs[s.item] = min(s.rank, subs.get(s.item, s.rank))  # listed twice: the better rank counts
        if f.item not in subs or not (line.allow_substitution and p.customer().allow_substitution):
            errs.append(f"{where}: item not usable for the line")
        rank = subs.get(f.item, 0)
    ship = {s.location: s for s in p.shipping if s.region == p.order.ship_to_region}
    days, cost = 0, Decimal(0)
    if f.via_lane is None:
        if f.ship_from != f.location:
            errs.append(f"{where}: direct fill must ship from its location")
    else:
        lane = next(
            (
                ln
                for ln in p.lanes
                if (ln.from_location, ln.to_location) == (f.via_lane.from_location, f.via_lane.to_location)
            ),
            None,
        )
        if lane is None or lane.from_location != f.location or lane.to_location != f.ship_from:
            errs.append(f"{where}: no such lane from the supply to ship_from")
        else:
            days, cost = lane.lead_days, Decimal(str(lane.unit_cost))
    route = ship.get(f.ship_from)
    if route is None:
        errs.append(f"{where}: no shipping from {f.ship_from} to {p.order.ship_to_region}")
        return errs, 0, Decimal(0), 0
    delivery = f.available_date + timedelta(days=days + route.transit_days)
    margin = (
        Decimal(str(line.unit_price)) - Decimal(str(items[f.item].unit_cost)) - Decimal(str(route.unit_cost)) - cost
    )
    entity = {loc.id: loc.entity for loc in p.locations}
    expect = (
        delivery,
        delivery <= p.order.requested_date,
        f.item != line.item,
        entity.get(f.location) != p.order.entity,
    )
    if (f.delivery_date, f.on_time, f.substitute, f.intercompany) != expect:
        errs.append(f"{where}: delivery/on_time/substitute/intercompany should be {expect}")
    if abs(Decimal(str(f.unit_margin)) - margin) > Decimal("0.00005"):
        errs.append(f"{where}: unit_margin should be {margin}")
    if f.qty <= 0 or int(f.qty) != f.qty:
        errs.append(f"{where}: qty must be a positive integer")
    tie = (delivery - p.as_of).days + rank + (f.via_lane is not None) + expect[3]
    return errs, f.qty if expect[1] else 0, margin * f.qty, tie * f.qty


def validate_fills(p: AllocationProblem, fills: Mapping[int, Sequence[Fill]]) -> ValidationReport:
    """Check every constraint of the spec on fills per line number and recompute the objective."""
    errs: list[str] = []
    used: dict[tuple, int] = defaultdict(int)  # type: ignore[type-arg]
    lane_used: dict[tuple[str, str], int] = defaultdict(int)
    origins: set[str] = set()
    on_time = units = tie = 0
    margin = Decimal(0)
    lines = {ln.line: ln for ln in p.order.lines}
    for line_no, fs in fills.items():
        if line_no not in lines:
            errs.append(f"fills for unknown line {line_no}")
            continue
        for f in fs:
            e, ot, m, t = _check_fill(p, line_no, f)
            errs += e
            on_time, units, margin, tie = on_time + ot, units + f.qty, margin + m, tie + t
            used[(f.item, f.location, f.available_date, f.source)] += f.qty
            if f.via_lane is not None:
                lane_used[(f.via_lane.from_location, f.via_lane.to_location)] += f.qty
            origins.add(f.ship_from)
        total = sum(f.qty for f in fs)
        if total > lines[line_no].qty or (lines[line_no].ship_complete and total not in (0, lines[line_no].qty)):
            errs.append(f"line {line_no}: {total} units allocated against {lines[line_no].qty}")
    errs += _shared_limits(p, used, lane_used, origins)
    return ValidationReport(tuple(errs), ObjectiveValues(on_time, units, float(round(margin, 4)), tie))


def _shared_limits(p: AllocationProblem, used: dict, lane_used: dict, origins: set[str]) -> list[str]:  # type: ignore[type-arg]
    errs = []
    caps = _capacities(p)
    for key, q in sorted(used.items(), key=str):
        if q > caps.get(key, 0):
            errs.append(f"supply {key}: {q} units used, {caps.get(key, 0)} allocatable")
    for ln in p.lanes:
        q = lane_used.get((ln.from_location, ln.to_location), 0)
        if ln.capacity is not None and q > ln.capacity:
            errs.append(f"lane {ln.from_location}->{ln.to_location}: {q} units over capacity {ln.capacity}")
    limit = p.customer().max_shipments
    if limit is not None and len(origins) > limit:
        errs.append(f"order ships from {len(origins)} locations, limit {limit}")
    return errs


def validate(p: AllocationProblem, d: AllocationDecision) -> ValidationReport:
    """Validate a decision: its fills, its per-line figures, its status and its reported objective."""
    report = validate_fills(p, {ld.line: ld.fills for ld in d.lines})
    errs = list(report.errors)
    if sorted(ld.line for ld in d.lines) != sorted(ln.line for ln in p.order.lines):
        errs.append("the decision must have exactly one entry per order line")
    for ld in d.lines:
        got = sum(f.qty for f in ld.fills)
        ot = sum(f.qty for f in ld.fills if f.on_time)
        if (ld.allocated_qty, ld.backorder_qty, ld.on_time_qty) != (got, ld.requested_qty - got, ot):
            errs.append(f"line {ld.line}: allocated/backorder/on-time figures do not match its fills")
    o, r = d.objective, report.objective
    if (o.on_time_units, o.units, o.tie_break) != (r.on_time_units, r.units, r.tie_break) or abs(
        o.margin - r.margin
    ) > 1e-6 * max(1.0, abs(r.margin)):
        errs.append(f"objective reported {o} but the fills give {r}")
    expected = (
        DecisionStatus.COMPLETE
        if all(ld.backorder_qty == 0 for ld in d.lines)
        else DecisionStatus.BACKORDERED
        if all(ld.allocated_qty == 0 for ld in d.lines)
        else DecisionStatus.PARTIAL
    )
    if d.status != expected:
        errs.append(f"status {d.status} should be {expected}")
    return ValidationReport(tuple(errs), r)
