"""Small hand-made runs for the engine's tests, and the check every test that runs the engine makes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest

from optimizers.problem import Customer, Item, Location, Protection, ShippingRoute, StockPosition, TransferLane
from optimizers.reallocation import ReallocationProblem, ReallocationRun, run
from optimizers.reallocation.build import build
from optimizers.reallocation.lexicographic import BatchSolver
from optimizers.reallocation.model import build_model
from optimizers.reallocation.problem import Network, RunLine, RunOrder, RunPolicy, Segment, Strategy
from optimizers.reallocation.proof.validation import validate
from scenarios.orderbook import order_book

AS_OF = date(2026, 11, 23)
TIERS = ("strategic", "gold", "silver", "standard")


def network(stock: int = 10, *, protections: tuple[Protection, ...] = (), lane_cap: int | None = None) -> Network:
    """One item at WH-A (near) and nothing at WH-B, customers of every tier and one without."""
    return Network(
        locations=(Location("WH-A", "US01"), Location("WH-B", "US01")),
        items=(Item("SKU-1", 5.0),),
        stock=(StockPosition("SKU-1", "WH-A", stock),),
        shipping=(ShippingRoute("WH-A", "R1", 1.0, 1), ShippingRoute("WH-B", "R1", 0.5, 1)),
        lanes=(TransferLane("WH-A", "WH-B", 0.1, 1, lane_cap),) if lane_cap is not None else (),
        customers=tuple(Customer(f"C-{t}", t if t != "none" else None) for t in (*TIERS, "none")),
        protections=protections,
    )


def order(oid: str, tier: str, qty: int, confirmed: int = 0, *, ship_complete: bool = False, days: int = 5) -> RunOrder:
    line = RunLine(1, "SKU-1", qty, 10.0, True, ship_complete, confirmed)
    return RunOrder(oid, f"C-{tier}", "US01", "R1", AS_OF + timedelta(days=days), AS_OF, (line,))


def problem(
    net: Network, *orders: RunOrder, segments: tuple[Segment, ...] = (), fair: bool = True
) -> ReallocationProblem:
    return ReallocationProblem(AS_OF, net, orders, segments, RunPolicy(tiers=TIERS, fair_share=fair))


def segment(strategy: Strategy, *orders: str) -> Segment:
    return Segment(strategy.value, strategy, orders=orders)


def solved(p: ReallocationProblem, **kwargs: float | None) -> ReallocationRun:
    """Run the engine and validate the answer: every test that runs the engine does."""
    answer = run(p, **kwargs)
    assert validate(p, answer) == []
    return answer


def allocated(answer: ReallocationRun) -> dict[str, int]:
    return {o.id: sum(ln.allocated_qty for ln in o.lines) for o in answer.orders}


def level(answer: ReallocationRun, name: str) -> float:
    return next(o.value for o in answer.objective if o.level == name)


def batch_solver(p: ReallocationProblem) -> BatchSolver:
    """One batch of every line of the run, nothing held yet: for tests that set a solver's state by hand."""
    rc = build(p)
    return BatchSolver(rc, build_model(rc, np.arange(len(rc.lines)), {}))


def values(answer: ReallocationRun) -> list[tuple[str, float, bool]]:
    """Every objective level: its name, value and whether it was proven."""
    return [(o.level, o.value, o.proven) for o in answer.objective]


def plain(seed: int, lines: int, items: int, locations: int) -> ReallocationProblem:
    """A generated book without ship-complete lines or shipment limits: its batches have no binaries."""
    return order_book(seed, lines, items, locations, ship_complete=0.0, limited=0.0)


def less_stock(base: ReallocationProblem) -> ReallocationProblem:
    """The book with 3 units fewer on its largest stock row."""
    net = base.network
    most = max(range(len(net.stock)), key=lambda k: net.stock[k].qty)
    stock = tuple(s._replace(qty=s.qty - 3) if k == most else s for k, s in enumerate(net.stock))
    return replace(base, network=replace(net, stock=stock))


def more_demand(base: ReallocationProblem) -> ReallocationProblem:
    """The book with 2 more units on every line of every third order."""
    orders = tuple(
        replace(o, lines=tuple(ln._replace(qty=ln.qty + 2) for ln in o.lines)) if k % 3 == 0 else o
        for k, o in enumerate(base.orders)
    )
    return replace(base, orders=orders)


def made_solvers(patch: pytest.MonkeyPatch) -> list[BatchSolver]:
    """Every batch solver made from here on in `patch`'s context: each counts its simplex iterations
    (`BatchSolver.iterations`)."""
    solvers: list[BatchSolver] = []
    init = BatchSolver.__init__

    def made(self: BatchSolver, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        solvers.append(self)

    patch.setattr(BatchSolver, "__init__", made)
    return solvers


def iterations(solvers: list[BatchSolver]) -> int:
    return sum(s.iterations for s in solvers)
