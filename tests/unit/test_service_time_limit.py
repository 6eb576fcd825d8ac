"""The order-level service passes the moment the request was received and the admission limit to the engine."""

from __future__ import annotations

import time

import pytest

from decision_service.orders import service
from decision_service.orders.ports import FixedClock, Ports, engine_decide
from decision_service.orders.request import OrderRequest
from decision_service.orders.service import decide_order
from optimizers.decision import Engine
from optimizers.errors import ProblemTooLarge
from scenarios.generator import preset
from tests.unit.order_policy_fixtures import AS_OF, RULES


def test_the_service_refuses_an_order_over_its_ports_limit_before_pricing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pricing(*args: object) -> None:
        raise AssertionError("a refused order was priced")

    monkeypatch.setattr(service, "price_lines", no_pricing)
    ports = Ports(FixedClock(AS_OF), engine_decide, RULES, candidates_per_second=10)
    with pytest.raises(ProblemTooLarge):
        decide_order(OrderRequest(preset("small", 1)), ports)


def test_a_request_received_long_ago_is_answered_by_the_baseline_not_an_error() -> None:
    ports = Ports(FixedClock(AS_OF), engine_decide, RULES)
    decided = decide_order(OrderRequest(preset("small", 1)), ports, started=time.perf_counter() - 5.0)
    assert decided.allocation.solver.engine == Engine.GREEDY
    assert decided.allocation.solver.degraded
