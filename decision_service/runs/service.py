"""One re-allocation run as the service makes it: read the spec's input, apply the rules in force on its as-of
date to every order, and run the core's exact re-allocation within the time limit."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from decision_service.orders.finalise import software_versions
from decision_service.orders.pinned import PinnedRules
from decision_service.orders.ports import Ports
from decision_service.runs.policy import apply_rules
from decision_service.runs.terms import split_terms
from optimizers.reallocation import ReallocationProblem, ReallocationRun, parse, run
from optimizers.reallocation.output import Selector
from optimizers.reallocation.warm import Bases


@dataclass(frozen=True, slots=True)
class RunDecision:
    """A run and what it is a function of besides its input: the rule versions and the software."""

    problem: ReallocationProblem  # as the core solved it: rejected lines and held orders marked
    run: ReallocationRun
    rules_versions: dict[str, str]
    versions: dict[str, str]


def read_run(data: Any, ports: Ports) -> tuple[ReallocationProblem, dict[str, str]]:
    """The run `data` describes with the rules applied, and the rule versions used; `InvalidRun` or the rules'
    `InputError` name the field of bad input."""
    core, terms = split_terms(data)
    problem = parse(core)
    pinned = PinnedRules.of(ports.rules, problem.as_of)
    return apply_rules(problem, terms, pinned), pinned.hashes()


def solve_run(
    problem: ReallocationProblem, rules_versions: dict[str, str], *, run_id: str | None = None,
    started: float | None = None, progress: Callable[[int, int], None] | None = None, warm: Bases | None = None,
    keep: Bases | None = None, explain: Selector | None = None,
) -> RunDecision:  # fmt: skip
    """Run the core on a read run; its time limit (the policy's, default 60 s) counts from `started`;
    `progress(levels settled, levels)` hears how far the solve has got; `warm`, `keep`: bases to start from and
    to record into (a scenario batch's, `optimizers.reallocation.warm`); `explain`: which short lines to explain
    (all by default; a scenario batch's, `optimizers.reallocation.run`)."""
    began = time.perf_counter() if started is None else started
    answer = run(problem, started=began, progress=progress, warm=warm, keep=keep, explain=explain)
    if run_id is not None:
        answer = replace(answer, run_id=run_id)
    return RunDecision(problem, answer, rules_versions, software_versions())


def reallocate(data: Any, ports: Ports, *, run_id: str | None = None, started: float | None = None) -> RunDecision:
    """Read and decide one run."""
    began = time.perf_counter() if started is None else started
    problem, versions = read_run(data, ports)
    return solve_run(problem, versions, run_id=run_id, started=began)
