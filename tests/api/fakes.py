"""In-memory stand-ins for the core: a decide function that records what it was asked, and a rich decision."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from decision_service.orders.keyhash import issue
from decision_service.orders.keys import ADMIN
from decision_service.web.access import KEYS_KEY
from decision_service.web.config import Config
from optimizers.decision import (
    AllocationDecision,
    BackorderExplanation,
    BindingConstraint,
    BindingItem,
    Candidate,
    Counterfactual,
    DecisionExplanation,
    DecisionStatus,
    Engine,
    Fill,
    Lane,
    LineDecision,
    LineExplanation,
    ObjectiveLevel,
    ObjectiveValues,
    ReasonCode,
    SolverInfo,
    SolveStatus,
)
from optimizers.problem import AllocationProblem

TODAY = date(2026, 11, 23)


class RecordingDecide:
    """Backorders every line, and keeps the problems it was given."""

    def __init__(self) -> None:
        self.problems: list[AllocationProblem] = []
        self.explain: list[bool] = []
        self.started: list[float | None] = []
        self.max_candidates: list[int | None] = []

    def __call__(
        self,
        problem: AllocationProblem,
        *,
        explain: bool = True,
        input_hash: str | None = None,
        started: float | None = None,
        max_candidates: int | None = None,
    ) -> AllocationDecision:
        self.problems.append(problem)
        self.explain.append(explain)
        self.started.append(started)
        self.max_candidates.append(max_candidates)
        lines = tuple(
            LineDecision(line.line, line.item, line.qty, 0, line.qty, 0, fills=()) for line in problem.order.lines
        )
        solver = SolverInfo(engine=Engine.NONE, status=SolveStatus.OPTIMAL, wall_ms=0.1, solve_ms=0.05)
        return AllocationDecision(
            order_id=problem.order.id,
            as_of=problem.as_of,
            status=DecisionStatus.BACKORDERED,
            lines=lines,
            objective=ObjectiveValues(0, 0, 0.0, 0),
            solver=solver,
            input_hash=input_hash or "sha256:fake",
        )


class ValidatingDecide:
    """The real engine, with every decision checked by the solver-free validator."""

    def __init__(self) -> None:
        self.solved = 0

    def __call__(
        self,
        problem: AllocationProblem,
        *,
        explain: bool = True,
        input_hash: str | None = None,
        started: float | None = None,
        max_candidates: int | None = None,
    ) -> AllocationDecision:
        from decision_service.orders.ports import engine_decide
        from optimizers.proof.validation import validate

        decision = engine_decide(
            problem, explain=explain, input_hash=input_hash, started=started, max_candidates=max_candidates
        )
        report = validate(problem, decision)
        assert report.ok, report.errors
        self.solved += 1
        return decision


def failing_decide(
    problem: AllocationProblem,
    *,
    explain: bool = True,
    input_hash: str | None = None,
    started: float | None = None,
    max_candidates: int | None = None,
) -> AllocationDecision:
    """A core that breaks, to show the service still answers problem+json."""
    raise RuntimeError("secret internal detail")


def rich_decision() -> AllocationDecision:
    """A decision using every part of the output: lanes, substitutes, candidates, a counterfactual."""
    lane = Lane("WH-WEST", "WH-EAST")
    direct = Fill("SKU-1", "WH-EAST", "WH-EAST", None, 25, "stock", TODAY, date(2026, 11, 24), True,
                  12.5 - 8.1 - 0.4, False, False)  # fmt: skip
    moved = Fill("SKU-1B", "WH-WEST", "WH-EAST", lane, 10, "inbound", date(2026, 11, 25), date(2026, 11, 29),
                 False, 3.45, True, True)  # fmt: skip
    unused = Candidate("SKU-1", "WH-EAST", "stock", None, None, None, None, None, None, 0,
                       ReasonCode.NOT_SELLABLE_STATUS, "status quality_hold", (2,))  # fmt: skip
    used = Candidate("SKU-1", "WH-EAST", "stock", TODAY, lane, "WH-EAST", date(2026, 11, 24), True, 4.0, 25,
                     ReasonCode.USED, "")  # fmt: skip
    what_if = Counterfactual("SKU-1", "WH-EAST", 5, TODAY, True, True, "re-solve", "5 more units of SKU-1 ...")
    backorder = BackorderExplanation(5, BindingConstraint.SUPPLY, "SKU-1 at WH-EAST: 25", what_if)
    explanation = LineExplanation((used, unused), backorder, reason_counts=(("USED", 1), ("NOT_SELLABLE_STATUS", 1)))
    line = LineDecision(1, "SKU-1", 40, 35, 5, 25, (direct, moved), explanation)
    levels = (ObjectiveLevel(1, "on_time_units", "max", 25.0, True),)
    binding = (BindingItem("supply", "SKU-1@WH-EAST", 25, 25, "exhausted"),)
    solver = SolverInfo(
        Engine.MIN_COST_FLOW, SolveStatus.OPTIMAL, 2.123456, 1.0, solves=4, path=(Engine.MIN_COST_FLOW,)
    )
    return AllocationDecision(
        "SO-1001", TODAY, DecisionStatus.PARTIAL, (line,), ObjectiveValues(25, 35, 134.5, 70), solver,
        "sha256:abc", DecisionExplanation(levels, binding, "earliest first"),
    )  # fmt: skip


MEMORY_ENV = {"DECISION_SERVICE_DATABASE_URL": "memory://"}


def memory_config(**settings: Any) -> Config:
    """The service's configuration with the decision log kept in memory (tests write no database files)."""
    return Config(DATABASE_URL="memory://", **settings)


def new_key(app: Flask, *roles: str, name: str = "") -> str:
    """A new API key with `roles` (admin when none), added to `app`'s key store."""
    roles = roles or (ADMIN,)
    name = name or f"test-{'-'.join(roles).replace(':', '-')}-{secrets.token_hex(3)}"
    issued = issue(name, roles, datetime.now(UTC))
    app.extensions[KEYS_KEY].store.add(issued.stored)
    return issued.key


def keyed_client(app: Flask, *roles: str, name: str = "") -> FlaskClient:
    """A test client of `app` sending a new API key with `roles` (admin when none): the service's own
    authentication runs in every test; nothing switches it off."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {new_key(app, *roles, name=name)}"
    return client
