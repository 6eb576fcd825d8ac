"""Lazy shipment limits: an order gets its binaries only once an answer breaks its limit, and the answer is the
one the full model (the independent Pyomo model, which always has every limit) gives."""

from __future__ import annotations

from datetime import timedelta

import pytest

from optimizers.problem import Customer, Item, Location, ShippingRoute, StockPosition
from optimizers.reallocation.lexicographic import BatchSolver
from optimizers.reallocation.problem import Network, RunLine, RunOrder
from optimizers.reallocation.proof.crosscheck_pyomo import crosscheck
from tests.reallocation.helpers import AS_OF, allocated, problem, solved


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
