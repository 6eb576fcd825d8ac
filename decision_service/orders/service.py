"""The order-level service: the one way an order is decided, by every entry point (web, CLI, scenario batches).

The flow, in order: the table versions in force on the order's `as_of`; pricing per line (a rejected line is
solved with quantity 0, so nothing fills it); the credit check on the value of the lines that remain; the
allocation of that reduced problem (also when credit holds the order, so the ERP sees what would ship); every
exception the decision raises, classified by the exception severity table; and last the final figures of the
order as requested (`orders.finalise`), with `input_hash` over the whole request.
"""

from __future__ import annotations

import time

from decision_service.orders.classify import classify_all, raise_all
from decision_service.orders.credit import check_credit
from decision_service.orders.decision import OrderDecision
from decision_service.orders.finalise import final_decision
from decision_service.orders.hashing import request_hash
from decision_service.orders.inputs import rule_tier
from decision_service.orders.pinned import PinnedRules
from decision_service.orders.ports import Ports
from decision_service.orders.pricing import price_lines, without_rejected
from decision_service.orders.request import OrderRequest
from optimizers.admission import admit


def decide_order(
    request: OrderRequest,
    ports: Ports,
    *,
    explain: bool = True,
    decision_id: str | None = None,
    started: float | None = None,
    rules_versions: dict[str, str] | None = None,
    pinned: PinnedRules | None = None,
) -> OrderDecision:
    """Price, check credit, allocate and classify one order, with the rules in force on its as-of date (or, for a
    replay, the `rules_versions` a recorded decision used; for a backtest, the `pinned` versions given).

    The time limit counts from `started`, a `time.perf_counter()` taken when the request was received (default:
    on entry); a problem with more candidates than its time limit admits (`Ports.admitted`) is refused
    (`optimizers.errors.ProblemTooLarge`).
    """
    started = time.perf_counter() if started is None else started
    problem = request.problem
    largest = ports.admitted(problem.policy.time_limit_ms)
    admit(problem, largest)  # before pricing: rejected lines keep their candidates, so it is exact
    if pinned is None and rules_versions is None:
        pinned = PinnedRules.of(ports.rules, problem.as_of)
    elif pinned is None:
        pinned = PinnedRules.recorded(ports.rules, rules_versions or {}, problem.as_of)
    rules = pinned.as_service()
    tier = rule_tier(problem.customer().tier)
    pricing = price_lines(rules, problem, request.terms, tier, problem.as_of)
    solved = without_rejected(problem, frozenset(p.line for p in pricing if p.rejected))
    credit = check_credit(rules, request, tier, solved)
    allocation = ports.decide(
        solved,
        explain=explain,
        input_hash=request_hash(request),
        started=started,
        max_candidates=None,  # admitted above, on the order before pricing, which has at least as many candidates
    )
    penalty = request.terms.credit_of(problem.order.customer).contractual_penalty
    raised = raise_all(problem, allocation, pricing, credit.decision if credit.held else None, credit.inputs)
    exceptions = classify_all(rules, raised, tier, penalty, problem.as_of)
    return final_decision(request, allocation, credit, pricing, exceptions, pinned.hashes(), decision_id)
