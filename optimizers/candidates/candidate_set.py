"""The candidate set: supply nodes and the arcs by which they may serve the order's lines, as parallel arrays.

A supply node is one source (stock or inbound) of a pool (item, location, available date). An arc is one way a
node can serve a line: direct, or through one transfer lane. `optimizers.candidates.build` makes the set from
a problem; the models optimise over it, and `part` restricts it to some arcs (one ship-from set, one part).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta

import numpy as np

from optimizers.candidates.routes import LaneSpec, Route
from optimizers.candidates.supply import SupplyNode
from optimizers.decision import Candidate
from optimizers.problem import AllocationProblem


@dataclass(frozen=True)
class Arcs:
    """Every candidate arc, one entry per arc in each array."""

    node: np.ndarray  # supply node index
    line: np.ndarray  # index into order.lines (non-decreasing)
    lane: np.ndarray  # index into CandidateSet.lanes, or -1 when direct
    origin: np.ndarray  # ship-from location, index into CandidateSet.origins
    days: np.ndarray  # delivery date as days after as_of
    on_time: np.ndarray  # bool: delivered no later than the requested date
    margin: np.ndarray  # unit margin * MARGIN_SCALE, an exact integer
    tie: np.ndarray  # level-4 tie-break cost per unit
    rank: np.ndarray  # substitute rank, 0 for the ordered item
    intercompany: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.node)

    def take(self, idx: np.ndarray) -> Arcs:
        """The arcs at these indices, in that order."""
        return Arcs(*(getattr(self, f.name)[idx] for f in fields(self)))


@dataclass(frozen=True)
class CandidateSet:
    problem: AllocationProblem
    nodes: tuple[SupplyNode, ...]
    arcs: Arcs
    lanes: tuple[LaneSpec, ...]  # the lanes any route uses
    origins: tuple[str, ...]  # the ship-from locations any route uses, sorted
    barred: tuple[tuple[Candidate, ...], ...]  # per line: the substitutes it may not take
    usable_items: tuple[tuple[tuple[str, int], ...], ...]  # per line: (item, rank)
    refused: dict[str, tuple[Candidate, ...]]  # per item, supply no line can use, with the reason
    node_qty: np.ndarray  # per supply node, its usable quantity
    line_qty: np.ndarray  # per order line, its quantity
    ship_complete: np.ndarray  # per order line, bool
    max_shipments: int | None  # the customer's limit
    routes: dict[str, list[Route]]  # per location, every route to the order's region (direct first)

    def part(self, idx: np.ndarray) -> CandidateSet:
        """The same set restricted to the arcs at these indices."""
        return CandidateSet(
            self.problem,
            self.nodes,
            self.arcs.take(idx),
            self.lanes,
            self.origins,
            self.barred,
            self.usable_items,
            self.refused,
            self.node_qty,
            self.line_qty,
            self.ship_complete,
            self.max_shipments,
            self.routes,
        )

    def delivery_date(self, days: int) -> date:
        return self.problem.as_of + timedelta(days=days)
