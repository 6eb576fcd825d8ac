"""Each level of the run's objective, on runs small enough to solve by hand."""

from __future__ import annotations

from fractions import Fraction

from optimizers.problem import Protection
from optimizers.reallocation.problem import Strategy
from tests.reallocation.helpers import allocated, level, network, order, problem, segment, solved


def test_win_line_takes_supply_before_a_strategic_gain_line() -> None:
    p = problem(
        network(10),
        order("SO-1", "standard", 8),
        order("SO-2", "strategic", 8, confirmed=8),
        segments=(segment(Strategy.WIN, "SO-1"), segment(Strategy.GAIN, "SO-2")),
    )
    got = solved(p)
    assert allocated(got) == {"SO-1": 8, "SO-2": 2}
    assert level(got, "win.units") == 8 and level(got, "gain.kept_units") == 2


def test_gain_keeps_confirmed_units_before_a_higher_tier_competes() -> None:
    p = problem(
        network(10),
        order("SO-1", "standard", 10, confirmed=6),
        order("SO-2", "strategic", 10),
        segments=(segment(Strategy.GAIN, "SO-1"),),
    )
    assert allocated(solved(p)) == {"SO-1": 6, "SO-2": 4}


def test_higher_tier_is_served_first_then_fair_share_within_a_tier() -> None:
    p = problem(
        network(10),
        order("SO-1", "gold", 4),
        order("SO-2", "silver", 8),
        order("SO-3", "silver", 4),
    )
    got = solved(p)
    assert allocated(got)["SO-1"] == 4
    # 6 units for 12 requested: the silver lines get half each, not 6 + 0 or 2 + 4.
    assert allocated(got) == {"SO-1": 4, "SO-2": 4, "SO-3": 2}
    assert Fraction(level(got, "tier.silver.min_fill_ratio")).limit_denominator(100) == Fraction(1, 2)


def test_without_fair_share_the_level_is_absent() -> None:
    p = problem(network(10), order("SO-1", "silver", 8), order("SO-2", "silver", 4), fair=False)
    got = solved(p)
    assert not any(o.level.endswith("min_fill_ratio") for o in got.objective)


def test_lose_gets_nothing_and_fill_keeps_at_most_its_confirmed_units() -> None:
    p = problem(
        network(50),
        order("SO-1", "gold", 10, confirmed=5),
        order("SO-2", "gold", 10, confirmed=4),
        segments=(segment(Strategy.LOSE, "SO-1"), segment(Strategy.FILL, "SO-2")),
    )
    got = solved(p)
    assert allocated(got) == {"SO-1": 0, "SO-2": 4}
    reasons = {o.id: o.lines[0].explanation for o in got.orders}
    assert reasons["SO-1"] is not None and reasons["SO-1"].reasons[0].code == "STRATEGY"


def test_protection_keeps_stock_for_the_protected_tiers_only() -> None:
    guard = (Protection("SKU-1", "WH-A", 6, "gold"),)
    p = problem(network(10, protections=guard), order("SO-1", "silver", 10), order("SO-2", "gold", 3))
    got = solved(p)
    assert allocated(got) == {"SO-1": 4, "SO-2": 3}


def test_ship_complete_line_gets_all_or_nothing() -> None:
    p = problem(network(10), order("SO-1", "gold", 12, ship_complete=True), order("SO-2", "silver", 3))
    assert allocated(solved(p)) == {"SO-1": 0, "SO-2": 3}


def test_stability_prefers_the_confirmed_split_among_equals() -> None:
    p = problem(
        network(6), order("SO-1", "silver", 6, confirmed=5), order("SO-2", "silver", 6, confirmed=1), fair=False
    )
    assert allocated(solved(p)) == {"SO-1": 5, "SO-2": 1}


def test_backordered_line_names_the_lines_that_took_its_supply() -> None:
    p = problem(network(10), order("SO-1", "gold", 10), order("SO-2", "silver", 5))
    got = solved(p)
    lost = next(o for o in got.orders if o.id == "SO-2").lines[0]
    assert lost.explanation is not None
    exhausted = [r for r in lost.explanation.reasons if r.code == "EXHAUSTED_BY_OTHER_LINES"]
    assert exhausted and exhausted[0].taken_by[0].order == "SO-1" and exhausted[0].taken_by[0].ranked_ahead
