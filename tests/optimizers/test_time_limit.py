"""The time limit bounds the whole request: an order too large is refused before any work, an order received
long ago still answers (the greedy baseline, summarised), and every such answer is a valid decision.

No timing is asserted here (the machine's speed is not the code's); `make bench` measures the margins.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings

from optimizers import engine
from optimizers.admission import ProblemTooLarge, candidate_bound, candidate_count
from optimizers.candidates.build import build_candidates
from optimizers.decision import DegradedReason, Engine, SolveStatus
from optimizers.engine import canonical_order, decide
from optimizers.problem import AllocationProblem
from optimizers.proof.validation import validate
from optimizers.schedule import Schedule
from scenarios.generator import generate, preset
from tests.strategies import problems


def test_an_order_over_the_admitted_size_is_refused_before_any_candidate_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_building(problem: AllocationProblem) -> None:
        raise AssertionError("the candidates were built for a refused order")

    monkeypatch.setattr(engine, "build_candidates", no_building)
    p = preset("medium", 1)
    count = candidate_count(p)
    with pytest.raises(ProblemTooLarge) as refused:
        decide(p, max_candidates=count - 1)
    assert (refused.value.candidates, refused.value.limit) == (count, count - 1)


def test_an_order_of_exactly_the_admitted_size_is_decided() -> None:
    p = preset("small", 1)
    d = decide(p, max_candidates=candidate_count(p))
    assert d.solver.status == SolveStatus.OPTIMAL


@settings(max_examples=150, deadline=None)
@given(problems(max_lines=10, max_locations=5, max_items=5))
def test_the_candidate_count_equals_the_candidates_built(p: AllocationProblem) -> None:
    count = candidate_count(p)
    assert count == len(build_candidates(canonical_order(p)).arcs)
    assert candidate_bound(p) >= count


@pytest.mark.parametrize(("name", "seed"), [("small", 1), ("medium", 1), ("medium", 2)])
def test_the_count_on_generated_networks_equals_the_candidates_built(name: str, seed: int) -> None:
    p = preset(name, seed)
    assert candidate_count(p) == len(build_candidates(canonical_order(p)).arcs)


@pytest.mark.parametrize("spent", [0.99, 1.0, 5.0])
def test_a_request_received_near_or_past_its_limit_answers_the_greedy_baseline(spent: float) -> None:
    p = preset("medium", 1)
    started = time.perf_counter() - spent * p.policy.time_limit_ms / 1000.0
    d = decide(p, started=started)
    assert (d.solver.engine, d.solver.status) == (Engine.GREEDY, SolveStatus.TIMEOUT)
    assert d.solver.degraded and not d.solver.proven
    assert d.solver.degraded_reason == DegradedReason.TIME_LIMIT
    assert validate(p, d).ok, validate(p, d).errors


def test_short_of_time_the_explanation_is_summarised_and_every_backorder_still_explained() -> None:
    p = preset("medium", 1)  # 200 lines: listed in full when there is time
    assert all(not ln.explanation.summarised for ln in decide(p).lines if ln.explanation)
    d = decide(p, started=time.perf_counter() - 2.0)
    assert d.explanation is not None
    assert any("time limit left no time" in note for note in d.explanation.notes)
    assert all(ln.explanation and ln.explanation.summarised for ln in d.lines)
    backordered = [ln for ln in d.lines if ln.backorder_qty]
    assert backordered and all(ln.explanation and ln.explanation.backorder for ln in backordered)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_decisions_under_a_tight_limit_validate(seed: int) -> None:
    p = generate(seed, 60, 12, time_limit_ms=15)
    d = decide(p)
    assert validate(p, d).ok, validate(p, d).errors


def test_the_solve_gets_what_the_work_after_it_leaves() -> None:
    small = Schedule.of(100.0, 3000, lines=10, arcs=50, explain=True)
    bulk = Schedule.of(100.0, 3000, lines=4000, arcs=50_000, explain=True)  # the service admits it from 2.5 s
    assert small.end == bulk.end == 103.0
    assert 0 < bulk.solve_limit_ms() < small.solve_limit_ms() < 3000
    assert Schedule.of(100.0, 3000, 4000, 50_000, explain=False).solve_limit_ms() > bulk.solve_limit_ms()
    assert Schedule.of(100.0, 1000, 4000, 50_000, explain=True).solve_limit_ms() < 0  # what follows needs it all
    assert Schedule.of(time.perf_counter() - 2.0, 1000, 10, 50, explain=True).greedy_only()
