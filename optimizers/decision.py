"""The allocation decision and its explanation: what the service answers, as immutable records.

The records made once per fill, candidate or line are NamedTuples: a decision of 2,000 lines holds tens of
thousands of them, and a NamedTuple is built about four times faster than a frozen dataclass.

Every figure here is recomputable from the fills and the problem (see `optimizers.proof.validation`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import NamedTuple


class ReasonCode(StrEnum):
    """Why a candidate supply was, or was not, used for a line. A fixed vocabulary auditors can query."""

    USED = "USED"
    NOT_SELLABLE_STATUS = "NOT_SELLABLE_STATUS"
    BEYOND_HORIZON = "BEYOND_HORIZON"
    NO_SHIPPING_ROUTE = "NO_SHIPPING_ROUTE"
    ROUTE_DOMINATED = "ROUTE_DOMINATED"
    SUBSTITUTION_NOT_ALLOWED = "SUBSTITUTION_NOT_ALLOWED"
    PROTECTED_FOR_HIGHER_TIER = "PROTECTED_FOR_HIGHER_TIER"
    EXHAUSTED_BY_OTHER_LINES = "EXHAUSTED_BY_OTHER_LINES"
    EXHAUSTED_BY_THIS_LINE = "EXHAUSTED_BY_THIS_LINE"
    LANE_CAPACITY = "LANE_CAPACITY"
    SHIPMENT_LIMIT = "SHIPMENT_LIMIT"
    SHIP_COMPLETE = "SHIP_COMPLETE"
    LINE_ALREADY_FILLED = "LINE_ALREADY_FILLED"
    LATER_DELIVERY = "LATER_DELIVERY"
    LOWER_MARGIN = "LOWER_MARGIN"
    TIE_BREAK = "TIE_BREAK"
    TIME_LIMIT = "TIME_LIMIT"


class BindingConstraint(StrEnum):
    """What bounded a backordered quantity or an objective level."""

    NO_SUPPLY = "NO_SUPPLY"
    SUPPLY = "SUPPLY"
    PROTECTION = "PROTECTION"
    LANE_CAPACITY = "LANE_CAPACITY"
    SHIPMENT_LIMIT = "SHIPMENT_LIMIT"
    SHIP_COMPLETE = "SHIP_COMPLETE"
    NO_ROUTE = "NO_ROUTE"
    TIME_LIMIT = "TIME_LIMIT"
    PRICE_REJECTED = "PRICE_REJECTED"  # the order-level service kept the line out: its price was rejected


class DecisionStatus(StrEnum):
    COMPLETE = "complete"
    PARTIAL = "partial"
    BACKORDERED = "backordered"


class SolveStatus(StrEnum):
    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    TIMEOUT = "TIMEOUT"


class Lane(NamedTuple):
    from_location: str
    to_location: str


class Fill(NamedTuple):
    """`qty` units of `item` from supply at `location`, shipped from `ship_from` (via a lane or direct)."""

    item: str
    location: str
    ship_from: str
    via_lane: Lane | None
    qty: int
    source: str  # "stock" | "inbound"
    available_date: date
    delivery_date: date
    on_time: bool
    unit_margin: float
    substitute: bool
    intercompany: bool


class Candidate(NamedTuple):
    """One supply and route that could serve a line, with what became of it."""

    item: str
    location: str
    source: str
    available_date: date | None
    via_lane: Lane | None
    ship_from: str | None
    delivery_date: date | None
    on_time: bool | None
    unit_margin: float | None
    used_qty: int
    reason: ReasonCode
    detail: str
    lines: tuple[int, ...] = ()  # the other lines that took this supply, for EXHAUSTED_BY_OTHER_LINES


class Counterfactual(NamedTuple):
    """A change of input that would have filled backordered units, and how that was verified."""

    item: str
    location: str
    qty: int
    available_date: date
    on_time: bool
    verified: bool
    method: str
    text: str


class BackorderExplanation(NamedTuple):
    qty: int
    binding: BindingConstraint
    limit: str
    counterfactual: Counterfactual | None


class LineExplanation(NamedTuple):
    candidates: tuple[Candidate, ...]
    backorder: BackorderExplanation | None
    summarised: bool = False
    reason_counts: tuple[tuple[str, int], ...] = ()


class LineDecision(NamedTuple):
    line: int
    item: str
    requested_qty: int
    allocated_qty: int
    backorder_qty: int
    on_time_qty: int
    fills: tuple[Fill, ...]
    explanation: LineExplanation | None = None


@dataclass(frozen=True, slots=True)
class ObjectiveValues:
    on_time_units: int
    units: int
    margin: float
    tie_break: int


@dataclass(frozen=True, slots=True)
class ObjectiveLevel:
    level: int
    name: str
    sense: str
    value: float
    optimal: bool


@dataclass(frozen=True, slots=True)
class BindingItem:
    kind: str
    subject: str
    limit: int
    used: int
    detail: str


@dataclass(frozen=True, slots=True)
class DecisionExplanation:
    levels: tuple[ObjectiveLevel, ...]
    binding: tuple[BindingItem, ...]
    tie_break: str
    notes: tuple[str, ...] = ()


class Engine(StrEnum):
    """A solve path: what produced (part of) an answer. `SolverInfo.path` lists those that ran, in order."""

    NONE = "none"  # nothing to solve: the order has no candidate supply
    MIN_COST_FLOW = "min_cost_flow"  # the relaxation as one exact integer min-cost flow
    LP_LEVELS = "lp_levels"  # the relaxation as an LP, level by level (GLOP)
    BRANCH_AND_BOUND = "branch_and_bound"  # ship-complete lines, per independent part
    SHIP_FROM_SEARCH = "ship_from_search"  # a binding shipment limit: the sets of ship-from locations
    MIP = "mip"  # the exact MIP (SCIP), warm-started
    GREEDY = "greedy"  # the greedy baseline, answering as a fallback


class DegradedReason(StrEnum):
    """Why a decision is not proven optimal at every level."""

    TIME_LIMIT = "time_limit"  # `policy.time_limit_ms` ran out (depends on the machine's speed)
    WORK_LIMIT = "work_limit"  # `policy.work_limit` ran out (deterministic: replays bit for bit)
    SOLVER_LIMIT = "solver_limit"  # a solver gave up or a search was too large to finish (e.g. too many sets)


@dataclass(frozen=True, slots=True)
class SolverInfo:
    """What ran, how it ended, how long it took and how much work it did.

    `engine` is the solve path whose answer was returned, `path` every path that ran, in order. `proven` is true
    when every objective level was proven optimal; such a decision is the same on any machine and under any
    limit. `work` counts deterministic work units (LP and flow solves, branch-and-bound nodes, ship-from sets,
    MIP nodes), the quantity `policy.work_limit` bounds. `detail` is a human sentence about the degradation.
    """

    engine: Engine
    status: SolveStatus
    wall_ms: float
    solve_ms: float
    degraded: bool = False
    degraded_reason: DegradedReason | None = None
    variables: int = 0
    constraints: int = 0
    solves: int = 0
    path: tuple[Engine, ...] = ()
    proven: bool = True
    work: int = 0
    detail: str | None = None
    ship_from_sets: int = 0  # relaxations of ship-from sets the search solved (0: no search ran)
    parts_unproven: int = 0  # independent parts answered by branch and bound without a proof of optimality


@dataclass(frozen=True, slots=True)
class AllocationDecision:
    order_id: str
    as_of: date
    status: DecisionStatus
    lines: tuple[LineDecision, ...]
    objective: ObjectiveValues
    solver: SolverInfo
    input_hash: str
    explanation: DecisionExplanation | None = None
    decision_id: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
