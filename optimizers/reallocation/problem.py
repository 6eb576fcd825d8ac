"""The re-allocation run: many open orders sharing one network, as `shared/spec/reallocation.md` states it.

Rows are NamedTuples (built in bulk), the records around them frozen dataclasses. The network's rows are the
single-order problem's own (`optimizers.problem`), unchanged, as the spec says. Everything here is input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from optimizers.problem import (
    DEFAULT_TIERS,
    Customer,
    InboundSupply,
    Item,
    Location,
    Protection,
    ShippingRoute,
    StockPosition,
    TransferLane,
)

NO_TIER = "none"  # the class of customers without a tier, ranked below every tier
DEFAULT_TIME_LIMIT_MS = 60_000


class Strategy(StrEnum):
    """The planner's strategies, in the order the objective serves them."""

    WIN = "win"
    GAIN = "gain"
    REDISTRIBUTE = "redistribute"
    FILL = "fill"
    LOSE = "lose"


class RunLine(NamedTuple):
    line: int
    item: str
    qty: int
    unit_price: float
    allow_substitution: bool = True
    ship_complete: bool = False
    confirmed_qty: int = 0
    rejection: str | None = None  # set by the caller when the pricing table rejects the line


@dataclass(frozen=True, slots=True, weakref_slot=True)  # `hashing` keeps its text while it lives
class RunOrder:
    id: str
    customer: str
    entity: str
    ship_to_region: str
    requested_date: date
    created: date
    lines: tuple[RunLine, ...]
    held: bool = False  # a credit hold: reported, never changes the allocation


@dataclass(frozen=True, slots=True)
class Segment:
    """Orders matching every given filter (None: any; an empty tuple: none) get this strategy."""

    name: str
    strategy: Strategy
    tiers: tuple[str, ...] | None = None
    customers: tuple[str, ...] | None = None
    orders: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None
    entities: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Network:
    locations: tuple[Location, ...]
    items: tuple[Item, ...]
    stock: tuple[StockPosition, ...] = ()
    inbound: tuple[InboundSupply, ...] = ()
    shipping: tuple[ShippingRoute, ...] = ()
    lanes: tuple[TransferLane, ...] = ()
    customers: tuple[Customer, ...] = ()
    protections: tuple[Protection, ...] = ()


# How many of a run's counterfactuals are verified by re-solving (`optimizers.reallocation.verify`): `budget`
# (what the run's own size affords, at most a quarter of its work), `all` (every one, within what is left of
# the time limit) or `none` (stated, none re-solved).
COUNTERFACTUALS = ("budget", "all", "none")


@dataclass(frozen=True, slots=True)
class RunPolicy:
    tiers: tuple[str, ...] = DEFAULT_TIERS
    horizon_days: int = 30
    fair_share: bool = True
    time_limit_ms: int = DEFAULT_TIME_LIMIT_MS
    # Out of the repr, so out of `input_hash` (which leaves the time limit out too): the allocation does not
    # depend on it, only how many explanations are re-solved; hashes of earlier runs stay what they were.
    counterfactuals: str = field(default="budget", repr=False)


@dataclass(frozen=True, slots=True)
class ReallocationProblem:
    as_of: date
    network: Network
    orders: tuple[RunOrder, ...]
    segments: tuple[Segment, ...] = ()
    policy: RunPolicy = field(default_factory=RunPolicy)
