"""Verified counterfactuals are true: a whole new run with the extra supply added to the input gives the line
at least the units the verified sentence says; refuted ones say so; the budget, its order and a degraded run."""

from __future__ import annotations

import time
from dataclasses import replace

from optimizers.problem import Item, ShippingRoute, StockPosition
from optimizers.reallocation import ReallocationProblem, ReallocationRun
from optimizers.reallocation.problem import COUNTERFACTUALS, RunLine, Strategy
from optimizers.reallocation.result import LineExplanation, RunLineResult, WhatIf
from optimizers.reallocation.verify import verify, with_supply
from scenarios.orderbook import order_book
from tests.reallocation.helpers import network, order, problem, segment, solved


def verified(p: ReallocationProblem, share: float | None = None) -> ReallocationRun:
    """Run the engine, validated, verifying its counterfactuals within `share` of the time limit."""
    return solved(p, verify_share=share)


def line(answer: ReallocationRun, oid: str) -> RunLineResult:
    return next(o for o in answer.orders if o.id == oid).lines[0]


def confirm(p: ReallocationProblem, oid: str, number: int, w: WhatIf) -> None:
    """A whole new run with the extra supply gives the line at least what the verified counterfactual says."""
    again = solved(replace(p, network=with_supply(p.network, w)))
    assert again.solver.proven
    res = next(ln for o in again.orders if o.id == oid for ln in o.lines if ln.line == number)
    assert res.allocated_qty >= w.allocated_qty
    if w.on_time:
        assert sum(f.qty for f in res.fills if f.on_time) >= w.allocated_qty


SHORT_TIERS = (order("SO-1", "gold", 8), order("SO-2", "silver", 6), order("SO-3", "silver", 5))


def test_a_verified_counterfactual_is_what_a_new_run_with_the_stock_gives() -> None:
    p = problem(network(10), *SHORT_TIERS)
    answer = verified(p)
    assert answer.counterfactuals.claimed == answer.counterfactuals.verified == 2
    for oid in ("SO-2", "SO-3"):
        e = line(answer, oid).explanation
        assert e is not None and e.counterfactual_verified and e.what_if is not None
        confirm(p, oid, 1, e.what_if)
    # Silver shares the extra stock: SO-2's 5 units short alone would give it at least 4 of its 6 (SO-3 takes a
    # share); the claim counts SO-3's 4 too, and those 9 units fill it.
    e = line(answer, "SO-2").explanation
    assert e is not None and e.what_if == WhatIf("SKU-1", "WH-A", 9, 6, True, None, 0, 4, 1)
    assert e.counterfactual.startswith(
        "9 more units of SKU-1 in stock at WH-A (4 of them for another short line ranked with or above this one "
        "that draws on it) would have filled this line on time (verified"
    )


def test_a_lone_short_line_is_filled_by_its_shortfall() -> None:
    p = problem(network(10), order("SO-1", "gold", 8), order("SO-2", "silver", 6))
    claimed = _confirmed_claim(p, "SO-2", WhatIf("SKU-1", "WH-A", 4, 6, True))
    assert "would have filled this line on time (verified" in claimed


def _confirmed_claim(p: ReallocationProblem, oid: str, claim: WhatIf) -> str:
    """The sentence of `oid`'s first line, whose counterfactual must be `claim`, verified, and hold on a re-run."""
    e = line(verified(p), oid).explanation
    assert e is not None and e.counterfactual_verified and e.what_if == claim
    confirm(p, oid, 1, claim)
    return e.counterfactual


def test_stock_a_higher_tier_takes_first_is_counted_in_the_claim() -> None:
    """Gold (10 wanted, 4 got) takes extra stock before silver: SO-2's claim asks for its 5 and gold's 6."""
    p = problem(network(4), order("SO-1", "gold", 10), order("SO-2", "silver", 5))
    answer = verified(p)
    e = line(answer, "SO-2").explanation
    assert e is not None and e.counterfactual_verified
    assert e.what_if == WhatIf("SKU-1", "WH-A", 11, 5, True, None, 0, 6, 1)
    confirm(p, "SO-2", 1, e.what_if)
    assert answer.counterfactuals.checked == answer.counterfactuals.verified == 2
    gold = line(answer, "SO-1").explanation
    assert gold is not None and gold.what_if == WhatIf("SKU-1", "WH-A", 6, 10, True)  # no line ranks above gold
    confirm(p, "SO-1", 1, gold.what_if)


def test_a_claim_a_higher_tier_would_take_is_refuted() -> None:
    """The re-solve's refutation, on a claim made without the gold line's shortfall: 5 more units go to gold."""
    p = problem(network(4), order("SO-1", "gold", 10), order("SO-2", "silver", 5))
    e = _checked(p, "SO-2", WhatIf("SKU-1", "WH-A", 5, 5, True))
    assert not e.counterfactual_verified
    assert e.counterfactual.startswith("5 more units of SKU-1 in stock at WH-A would not be sure to reach this line")
    assert e.what_if is not None and e.what_if.allocated_qty == 0


def _checked(p: ReallocationProblem, oid: str, claim: WhatIf) -> LineExplanation:
    """`oid`'s first line's explanation after re-solving `claim` in place of the run's own."""
    answer = solved(p, verify_share=0.0)
    orders = tuple(
        replace(
            o, lines=(o.lines[0]._replace(explanation=o.lines[0].explanation._replace(what_if=claim)), *o.lines[1:])
        )  # fmt: skip
        if o.id == oid and o.lines[0].explanation is not None
        else o
        for o in answer.orders
    )
    checked = verify(p, replace(answer, orders=orders), began=time.perf_counter(), share=1.0)
    e = line(checked, oid).explanation
    assert e is not None
    return e


def test_a_fill_line_is_promised_its_confirmed_units() -> None:
    segs = (segment(Strategy.FILL, "SO-2"),)
    p = problem(network(6), order("SO-1", "gold", 4), order("SO-2", "silver", 8, confirmed=5), segments=segs)
    claimed = _confirmed_claim(p, "SO-2", WhatIf("SKU-1", "WH-A", 3, 5, True))
    assert "given this line its 5 confirmed units" in claimed


def test_the_budget_takes_the_highest_ranked_then_the_largest_shortfall_first() -> None:
    p = problem(network(10), *SHORT_TIERS)
    whole = verified(p)
    spent = whole.counterfactuals.spent_ms
    assert spent > 0
    # No share: nothing is checked, the sentences stay as stated.
    none = verified(p, share=0.0)
    assert none.counterfactuals.checked == 0 and none.counterfactuals.skipped == "none asked for"
    assert not any(ln.explanation.counterfactual_verified for o in none.orders for ln in o.lines if ln.explanation)
    # Room for one re-solve: SO-2 (5 short) goes before SO-3 (4 short) of the same class.
    one = verified(p, share=_share_for(p, whole, 1.5))
    assert one.counterfactuals.checked == 1 and one.counterfactuals.skipped == "budget spent"
    assert line(one, "SO-2").explanation.counterfactual_verified  # type: ignore[union-attr]
    assert not line(one, "SO-3").explanation.counterfactual_verified  # type: ignore[union-attr]


def _share_for(p: ReallocationProblem, answer: ReallocationRun, verifications: float) -> float:
    """The share of the time limit whose work units pay for `verifications` re-solves of SO-2's component."""
    from optimizers.reallocation import verify as module
    from optimizers.reallocation.build import build

    rc = build(p)
    results = [ln for o in answer.orders for ln in o.lines]
    context = module._Context(p, answer, rc, results, 0.0)
    li = next(k for k, ref in enumerate(rc.lines) if ref.order.id == "SO-2")
    seconds = context.cost(li) * verifications * module.SECONDS_PER_UNIT
    return seconds / (p.policy.time_limit_ms / 1000)


def test_a_degraded_run_is_not_verified() -> None:
    p = problem(network(10), *SHORT_TIERS)
    answer = solved(p, verify_share=0.0)
    degraded = replace(answer, solver=replace(answer.solver, degraded=True, proven=False))
    out = verify(p, degraded, began=time.perf_counter())
    assert out.counterfactuals.checked == 0 and out.counterfactuals.skipped == "degraded run"
    assert out.orders == answer.orders


def test_the_same_input_gives_the_same_explanations() -> None:
    p = problem(network(10, lane_cap=3), *SHORT_TIERS, order("SO-4", "none", 7))
    first, second = verified(p), verified(p)
    assert first.orders == second.orders
    assert first.counterfactuals[:3] == second.counterfactuals[:3]


def test_a_fill_ratio_shared_with_another_component_is_the_least_of_their_bests() -> None:
    """SKU-1's lines (8 units for 16) set the run's silver ratio, 1/2; SKU-2's (12 for 20) could reach 3/5. With
    4 more units of SKU-1, its lines could reach 3/4, so the run's ratio becomes SKU-2's 3/5: each SKU-1 line
    gets at least ceil(3/5 * 8) = 5 (not 6), found by solving SKU-2's component on its own."""
    base = network(8)
    net = replace(
        base,
        items=(*base.items, Item("SKU-2", 5.0)),
        stock=(*base.stock, StockPosition("SKU-2", "WH-A", 12)),
    )
    lines = [("SO-1", "SKU-1", 8), ("SO-2", "SKU-1", 8), ("SO-3", "SKU-2", 10), ("SO-4", "SKU-2", 10)]
    orders = [replace(order(oid, "silver", q), lines=(RunLine(1, item, q, 10.0),)) for oid, item, q in lines]
    p = problem(net, *orders)
    answer = verified(p)
    assert answer.counterfactuals.claimed == answer.counterfactuals.checked
    for oid in ("SO-1", "SO-2", "SO-3", "SO-4"):
        e = line(answer, oid).explanation
        if e is not None and e.counterfactual_verified:
            assert e.what_if is not None
            confirm(p, oid, 1, e.what_if)
    # The run's own claim for SO-1 counts SO-2's shortfall too (8 units: both filled, units come before the
    # ratio). The claim of SO-1's 4 alone shows the shared ratio: at least 5 of its 8, not 6.
    e = _checked(p, "SO-1", WhatIf("SKU-1", "WH-A", 4, 8, True))
    assert e.counterfactual_verified and e.what_if == WhatIf("SKU-1", "WH-A", 4, 5, True)
    confirm(p, "SO-1", 1, e.what_if)


def test_a_full_lane_is_claimed_without_stock_the_line_did_not_use_up() -> None:
    """WH-A ships only through WH-B, over a lane carrying 3: the stock is there, the lane's capacity is short."""
    net = replace(network(10, lane_cap=3), shipping=(ShippingRoute("WH-B", "R1", 0.5, 1),))
    p = problem(net, order("SO-1", "silver", 6))
    e = line(verified(p), "SO-1").explanation
    assert e is not None and e.counterfactual_verified
    assert e.what_if == WhatIf("SKU-1", "WH-A", 0, 6, True, ("WH-A", "WH-B"), 3)
    assert e.counterfactual.startswith("3 more capacity on lane WH-A -> WH-B (for SKU-1) would have filled this line")
    confirm(p, "SO-1", 1, e.what_if)


def test_the_policy_asks_for_every_counterfactual_or_none() -> None:
    """`policy.counterfactuals`: `all` checks every claim (the time limit permitting), `none` checks none and says
    so; neither changes the allocation or the input hash."""
    p = order_book(1, 120, 24, 4, ship_complete=0.0, limited=0.0)
    runs = {mode: solved(replace(p, policy=replace(p.policy, counterfactuals=mode))) for mode in COUNTERFACTUALS}
    claimed = runs["budget"].counterfactuals.claimed
    assert runs["budget"].counterfactuals.checked < claimed  # the default budget does not cover them all
    assert runs["all"].counterfactuals.checked == claimed and runs["all"].counterfactuals.skipped is None
    assert runs["none"].counterfactuals.checked == 0 and runs["none"].counterfactuals.skipped == "none asked for"
    assert len({r.input_hash for r in runs.values()}) == 1
    assert runs["all"].kpis == runs["none"].kpis == runs["budget"].kpis


def test_a_line_is_explained_alike_whichever_lines_were_explained_before() -> None:
    """The explainer shares the lines it names between lines (`Explainer._reason`): each line's explanation is
    the one a fresh explainer gives it alone, on a generated book's greedy answer (many short lines on full
    pools). Caught leaving the asking line's rank out of what is shared."""
    from optimizers.reallocation.build import build
    from optimizers.reallocation.decompose import binding_limits
    from optimizers.reallocation.explain import Explainer
    from optimizers.reallocation.output import orders_of
    from optimizers.reallocation.proof.greedy import greedy

    rc = build(order_book(6, 300, 20, 4))
    limits = binding_limits(rc)
    flow = greedy(rc, limits)
    results = [ln for o in orders_of(rc, flow, set(), Explainer(rc, flow, limits)) for ln in o.lines]
    explained = [li for li, res in enumerate(results) if res.explanation is not None]
    naming = [res for res in results if res.explanation and any(r.taken_by for r in res.explanation.reasons)]
    assert len(naming) > 20
    for li in reversed(explained):
        alone = Explainer(rc, flow, limits)(li, results[li]._replace(explanation=None))
        assert alone == results[li].explanation
