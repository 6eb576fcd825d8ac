"""What the baseline gives the other scenarios of a batch (`execute.FromBaseline`): a scenario explains only the
lines whose reasons the comparison with the baseline reads, and the comparison, made where the scenario ran, comes
out as it does with every line explained and compared afterwards."""

from __future__ import annotations

from typing import Any

import pytest

from optimizers.reallocation.result import RunFill, RunLineResult
from scenarios.batches import load_batch
from scenarios.batches.base import base_input
from scenarios.batches.execute import FromBaseline, default_ports, solve_scenario
from scenarios.batches.model import Scenario
from scenarios.batches.results import comparison, scenario_entry
from tests.batches.conftest import SMALL


def _line(allocated: int, on_time: int) -> RunLineResult:
    fill = RunFill("SKU-1", "WH-1", "WH-1", None, on_time, "stock", None, None, True, 1.0, False, False)  # type: ignore[arg-type]
    late = fill._replace(qty=allocated - on_time, on_time=False)
    return RunLineResult(1, "SKU-1", 10, 0, allocated, allocated, 10 - allocated, (fill, late), False, None)


def _baseline(lines: dict[str, tuple[int, int]]) -> dict[str, Any]:
    """A baseline's outcome with these lines' allocated and on-time units."""
    facts = {
        key: [10, alloc, 10 - alloc, on_time, 0.0, None, False, "", 1.0] for key, (alloc, on_time) in lines.items()
    }
    return {"ok": True, "lines": facts, "kpis": {}}


def test_a_scenario_explains_the_lines_that_lost_units_or_moved_on_time_and_no_other() -> None:
    given = FromBaseline.of(_baseline({"SO-1#1": (6, 4)}), None)  # type: ignore[arg-type]
    assert given.needs_why("SO-1", _line(5, 4))  # lost a unit
    assert given.needs_why("SO-1", _line(6, 3))  # same units, one fewer on time
    assert not given.needs_why("SO-1", _line(6, 4))  # as in the baseline
    assert not given.needs_why("SO-1", _line(7, 5))  # gained: the comparison reads the baseline's reasons
    assert not given.needs_why("SO-2", _line(0, 0))  # a new line: the comparison says so
    assert FromBaseline(None, None).needs_why("SO-2", _line(0, 0))  # the baseline failed: explain everything  # type: ignore[arg-type]


def test_the_comparison_reads_the_same_reasons_with_every_line_explained() -> None:
    """Counterfactuals stated, not re-solved (`policy.counterfactuals: none`): a verification budget spent on
    fewer claims would verify others, and the sentences would differ for that reason alone."""
    batch = load_batch(SMALL)
    base: dict[str, Any] = base_input(batch.base)
    base = {**base, "policy": {**base["policy"], "counterfactuals": "none"}}
    ports = default_ports()
    top = batch.settings.top_changes
    baseline = solve_scenario(base, Scenario("baseline"), batch.settings, ports)
    selected, everything = FromBaseline.of(baseline, None), FromBaseline(None, None)  # type: ignore[arg-type]
    explained: list[bool] = []
    needs_why = FromBaseline.needs_why

    def counted(self: FromBaseline, order: str, line: RunLineResult) -> bool:
        explained.append(needs_why(self, order, line))
        return explained[-1]

    compared = 0
    for scenario in batch.scenarios:
        explained.clear()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(FromBaseline, "needs_why", counted)
            some = solve_scenario(base, scenario, batch.settings, ports, selected)
        every = solve_scenario(base, scenario, batch.settings, ports, everything)
        if not some["ok"]:
            continue
        assert "lines" not in some and "lines" in every  # the comparison came back instead of the lines
        assert some["compared"] == comparison(every, baseline, top)
        entry = scenario_entry(scenario, some, baseline, top)
        assert entry == scenario_entry(scenario, every, baseline, top)
        asked = sum(explained)
        assert asked < sum(bool(facts[7]) for facts in every["lines"].values()) or scenario.name.endswith("0")
        compared += 1
    assert compared >= 5


def test_a_failed_baseline_gives_its_bases_and_every_line_explained() -> None:
    given = FromBaseline.of({"ok": False, "error": "InvalidRun: orders[0].customer: unknown"}, None)  # type: ignore[arg-type]
    assert given.baseline is None and given.needs_why("SO-1", _line(0, 0))
