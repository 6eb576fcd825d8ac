"""Lazy shipment limits: an order gets its binaries only once an answer breaks its limit, and the answer is the
one the full model (the independent Pyomo model, which always has every limit) gives."""

from __future__ import annotations

from datetime import timedelta

import pytest

from optimizers.problem import Customer, Item, Location, ShippingRoute, StockPosition
from optimizers.reallocation import ratio
from optimizers.reallocation.lexicographic import BatchSolver
from optimizers.reallocation.problem import Network, RunLine, RunOrder
from optimizers.reallocation.proof.crosscheck_pyomo import crosscheck
from tests.reallocation.helpers import AS_OF, allocated, level, problem, solved


def _sites(max_shipments: int | None, customers: int = 1) -> Network:
    """Two items, 3 units of each at each of two warehouses; customers C-0.. with the shipment limit."""
    return Network(
        locations=(Location("WH-A", "US01"), Location("WH-B", "US01")),
        items=(Item("SKU-1", 5.0), Item("SKU-2", 5.0)),
        stock=tuple(StockPosition(i, loc, 3) for i in ("SKU-1", "SKU-2") for loc in ("WH-A", "WH-B")),
        shipping=(ShippingRoute("WH-A", "R1", 1.0, 1), ShippingRoute("WH-B", "R1", 1.0, 1)),
        customers=tuple(Customer(f"C-{k}", "gold", True, max_shipments) for k in range(customers)),
    )


def _order(oid: str, customer: str, *lines: tuple[str, int]) -> RunOrder:
    body = tuple(RunLine(k, item, qty, 10.0, False, False) for k, (item, qty) in enumerate(lines, 1))
    return RunOrder(oid, customer, "US01", "R1", AS_OF + timedelta(days=5), AS_OF, body)


def _agree(p: object) -> dict[str, float]:
    answer = solved(p)  # type: ignore[arg-type]
    assert answer.solver.proven
    ours = {o.level: o.value for o in answer.objective}
    for name, value in crosscheck(p).items():  # type: ignore[arg-type]
        assert ours[name] == pytest.approx(value, rel=1e-6, abs=1e-9), name
    return allocated(answer)


def test_an_order_the_relaxation_spreads_gets_its_binaries_and_the_full_models_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """6 units of SKU-1 need both sites (3 + 3), so the model without the limit ships from two; limited to one,
    the order gets 3 + 3 from one site: its binaries must be added."""
    added: list[int] = []
    real = BatchSolver.limits_kept
    monkeypatch.setattr(BatchSolver, "limits_kept", lambda s, x: real(s, x) or added.append(1) or False)
    got = _agree(problem(_sites(1), _order("SO-1", "C-0", ("SKU-1", 6), ("SKU-2", 3))))
    assert got == {"SO-1": 6}
    assert added


def test_orders_whose_limit_never_binds_get_no_binaries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each order fits at one site: no answer breaks a limit, so none is modelled."""
    added: list[int] = []
    real = BatchSolver.limits_kept
    monkeypatch.setattr(BatchSolver, "limits_kept", lambda s, x: real(s, x) or added.append(1) or False)
    p = problem(
        _sites(1, 2),
        _order("SO-1", "C-0", ("SKU-1", 3), ("SKU-2", 3)),
        _order("SO-2", "C-1", ("SKU-1", 3), ("SKU-2", 2)),
    )
    assert _agree(p) == {"SO-1": 6, "SO-2": 5}
    assert not added


def test_limits_of_two_orders_sharing_the_sites() -> None:
    """Two orders limited to one site each, competing for both: each takes one whole site."""
    p = problem(
        _sites(1, 2),
        _order("SO-1", "C-0", ("SKU-1", 4), ("SKU-2", 2)),
        _order("SO-2", "C-1", ("SKU-1", 4), ("SKU-2", 2)),
    )
    assert _agree(p) == {"SO-1": 5, "SO-2": 5}


def test_a_fill_ratio_with_binaries_is_settled_by_its_least_candidate(monkeypatch: pytest.MonkeyPatch) -> None:
    """One gold order limited to one site wants 2 of SKU-1 (stocked only at WH-A) and 2 of SKU-2 (only at
    WH-B); a ship-complete line SKU-1 x 3 that cannot be served brings a binary. Both gold lines are eligible, the
    LP's best minimum is 1/2 (y at 1/2 each), but no answer gives both a unit: the least candidate above the
    incumbent's 0 is infeasible, so 0 is proven without max t's integer program."""
    net = Network(
        locations=(Location("WH-A", "US01"), Location("WH-B", "US01")),
        items=(Item("SKU-1", 5.0), Item("SKU-2", 5.0)),
        stock=(StockPosition("SKU-1", "WH-A", 2), StockPosition("SKU-2", "WH-B", 2)),
        shipping=(ShippingRoute("WH-A", "R1", 1.0, 1), ShippingRoute("WH-B", "R1", 1.0, 1)),
        customers=(Customer("C-0", "gold", True, 1), Customer("C-1", "silver", True, None)),
    )
    complete = RunLine(1, "SKU-1", 3, 10.0, False, True)
    other = RunOrder("SO-2", "C-1", "US01", "R1", AS_OF + timedelta(days=5), AS_OF, (complete,))
    calls: list[int] = []
    real = BatchSolver.integer
    monkeypatch.setattr(BatchSolver, "integer", lambda s, b: calls.append(1) or real(s, b))
    inside: list[int] = []  # integer programs run by the binaries' path of max_min

    def spied(*args: object) -> object:
        before = len(calls)
        out = real_path(*args)
        inside.append(len(calls) - before)
        return out

    real_path = ratio._max_min_integer
    monkeypatch.setattr(ratio, "_max_min_integer", spied)
    p = problem(net, _order("SO-1", "C-0", ("SKU-1", 2), ("SKU-2", 2)), other)
    assert _agree(p) == {"SO-1": 2, "SO-2": 0}
    assert level(solved(p), "tier.gold.min_fill_ratio") == 0.0
    assert inside and not any(inside)
