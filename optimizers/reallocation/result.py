"""What a run answers: per order and line the allocation and its fills, the objective level by level, the
KPIs and the solver's account, as immutable records (`shared/spec/reallocation.md`, Output)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple


class RunFill(NamedTuple):
    item: str
    location: str
    ship_from: str
    via_lane: tuple[str, str] | None
    qty: int
    source: str
    available_date: date
    delivery_date: date
    on_time: bool
    unit_margin: float
    substitute: bool
    intercompany: bool


class TakenBy(NamedTuple):
    """Units of a supply node or lane the line could use that another line received."""

    order: str
    line: int
    qty: int
    ranked_ahead: bool  # the taker's strategy and tier come before this line's in the objective


class Reason(NamedTuple):
    code: (
        str  # the allocation explanation's vocabulary (`optimizers.decision.ReasonCode`), plus STRATEGY, PRICE_REJECTED
    )
    detail: str
    taken_by: tuple[TakenBy, ...] = ()


class WhatIf(NamedTuple):
    """The counterfactual as data: with `extra_qty` more units of `item` in stock at `location` on as_of and
    `lane_qty` more capacity on `lane` (when named), the line gets `allocated_qty` units (at least that many once
    verified), all on time when `on_time`. `others_qty` of the extra units are the shortfall of `others` other
    lines ranked with or above this one that draw on that stock too: they may take it first."""

    item: str
    location: str
    extra_qty: int  # 0 when the stock there was not used up: only the lane's capacity is short
    allocated_qty: int
    on_time: bool
    lane: tuple[str, str] | None = None  # (from, to): a full lane on the line's best route
    lane_qty: int = 0
    others_qty: int = 0
    others: int = 0


class LineExplanation(NamedTuple):
    reasons: tuple[Reason, ...]
    counterfactual: str
    counterfactual_verified: bool  # a re-solve with the extra supply confirmed the sentence and `what_if`
    what_if: WhatIf | None = None  # None when no supply would change the line


class Verification(NamedTuple):
    """How many counterfactuals the run re-solved (`optimizers.reallocation.verify`), and what it spent; the
    default, for a run `verify` has not seen, says so."""

    claimed: int = 0  # lines whose counterfactual names extra supply
    checked: int = 0  # of them, re-solved (highest ranked first, then largest shortfall); some may not decide
    verified: int = 0  # of them, confirmed (possibly rewritten to fewer units)
    budget_ms: float = 0.0
    spent_ms: float = 0.0
    skipped: str | None = "not attempted"  # why fewer than `claimed` were checked, if so


class RunLineResult(NamedTuple):
    line: int
    item: str
    requested_qty: int
    confirmed_qty: int
    allocated_qty: int
    change: int
    backorder_qty: int
    fills: tuple[RunFill, ...]
    eligible: bool  # counted in its class's fill-ratio level
    rejection: str | None = None
    explanation: LineExplanation | None = None


@dataclass(frozen=True, slots=True)
class RunOrderResult:
    id: str
    segment: str
    strategy: str
    tier: str
    held: bool
    lines: tuple[RunLineResult, ...]


class ObjectiveLevel(NamedTuple):
    level: str
    value: float  # units, money (margin) or a ratio; exact for integers
    proven: bool


@dataclass(frozen=True, slots=True)
class Figures:
    requested_units: int = 0
    allocated_units: int = 0
    fill_rate: float = 0.0
    on_time_fill_rate: float = 0.0
    otif_lines: float = 0.0
    backorder_units: int = 0
    backorder_lines: int = 0
    backorder_aging: dict[str, int] = field(default_factory=dict)
    margin: float = 0.0
    margin_leakage: float = 0.0
    lines_gained: int = 0
    lines_lost: int = 0
    units_gained: int = 0
    units_lost: int = 0


@dataclass(frozen=True, slots=True)
class Kpis:
    total: Figures
    by_tier: dict[str, Figures]
    by_segment: dict[str, Figures]


@dataclass(frozen=True, slots=True)
class SolverInfo:
    engine: str  # "highs", or "greedy" for batches answered by the baseline
    status: str  # OPTIMAL, or FEASIBLE when a limit ran out
    proven: bool
    degraded: bool
    first_unproven: str | None  # the first level not proven, when degraded
    wall_ms: float
    solver_ms: float  # inside HiGHS
    solves: int
    components: int
    batches: int


@dataclass(frozen=True, slots=True)
class ReallocationRun:
    run_id: str
    as_of: date
    status: str
    orders: tuple[RunOrderResult, ...]
    objective: tuple[ObjectiveLevel, ...]
    kpis: Kpis
    solver: SolverInfo
    input_hash: str
    counterfactuals: Verification = Verification()
