"""Batch files: what a planner writes is read as written, and every mistake is refused naming line and field."""

from __future__ import annotations

import pytest

from scenarios.batches import BatchError, load_batch, run_batch

HEAD = "batch: b\nbase:\n  generator: {seed: 1, lines: 20, items: 6, locations: 3}\n"


def refused(text: str) -> BatchError:
    with pytest.raises(BatchError) as caught:
        load_batch(text)
    return caught.value


def test_a_batch_reads_scenarios_modifiers_and_a_sweep(small_text: str) -> None:
    batch = load_batch(small_text)
    names = [s.name for s in batch.all_scenarios()]
    assert names == ["baseline", "supplier slip", "WH-01 out", "dearer and protected", "unknown customer",
                     "demand R-0 percent=0", "demand R-0 percent=25"]  # fmt: skip
    out = batch.scenarios[1].modifiers[0]
    assert (out.type, out.params) == ("location_out", {"location": "WH-01", "from": "2026-11-20", "to": "2026-11-30"})
    assert batch.scenarios[-1].modifiers[0].params == {"percent": 25, "regions": ["R-0"]}
    assert batch.settings.top_changes == 5 and batch.sweep is not None and batch.sweep.values == (0, 25)


@pytest.mark.parametrize(
    ("body", "field", "line", "detail"),
    [
        (
            "scenarios:\n  - name: a\n    modifiers:\n      - {type: delay, days: soon}\n",
            "scenarios[0].modifiers[0].days",
            7,
            "must be an integer",
        ),
        (
            "scenarios:\n  - name: a\n    modifiers:\n      - {type: teleport}\n",
            "scenarios[0].modifiers[0].type",
            7,
            "unknown modifier type",
        ),
        (
            "scenarios:\n  - name: a\n    modifiers:\n      - type: demand\n        percnt: 20\n",
            "scenarios[0].modifiers[0].percnt",
            8,
            "unknown field",
        ),
        (
            "scenarios:\n  - name: a\n    modifiers:\n      - type: demand\n        regions: [R-0]\n",
            "scenarios[0].modifiers[0].percent",
            7,
            "is required",
        ),
        ("scenarios:\n  - name: a\n  - name: a\n", "scenarios[1].name", 6, "used twice"),
        (
            "scenarios:\n  - name: a\n    modifiers:\n      - {type: lane, from: WH-00, to: WH-01}\n",
            "scenarios[0].modifiers[0]",
            7,
            "needs one of",
        ),
        (
            "scenarios:\n  - name: a\n    modifiers:\n      - {type: location_out, location: W, from: 2026-12-02, "
            "to: 2026-12-01}\n",
            "scenarios[0].modifiers[0].to",
            7,
            "before",
        ),
        ("settings: {workers: 3}\nscenarios: [{name: a}]\n", "settings.workers", 4, "unknown field"),
        ("settings: {warm_start: perhaps}\nscenarios: [{name: a}]\n", "settings.warm_start", 4, "true or false"),
        (
            "sweep: {modifier: {type: delay, days: 1}, parameter: weeks, values: [1]}\n",
            "sweep.parameter",
            4,
            "not a parameter",
        ),
        ("", "scenarios", None, "at least one"),
    ],
)
def test_mistakes_are_refused_naming_line_and_field(body: str, field: str, line: int | None, detail: str) -> None:
    err = refused(HEAD + body)
    assert err.field == field and err.line == line and detail in err.detail
    assert (f"line {line}, " if line else "") + field in str(err)


def test_a_base_must_be_one_known_kind_and_a_stored_network_is_read_by_the_api_only() -> None:
    assert refused("base: {}\nscenarios: [{name: a}]\n").field == "base"
    err = refused("base: {network_ref: net-1}\nscenarios: [{name: a}]\n")
    assert err.field == "base.network_ref" and err.line == 1 and "must be a mapping" in err.detail
    assert refused("base: {network_ref: {orders: []}}\nscenarios: [{name: a}]\n").field == "base.network_ref.id"
    with pytest.raises(BatchError, match="POST /v1/scenario-batches"):
        run_batch(load_batch("base: {network_ref: {id: net-1, orders: []}}\nscenarios: [{name: a}]\n"))
    assert refused("base:\n  generator: {seed: x}\nscenarios: [{name: a}]\n").field == "base.generator.seed"


def test_text_that_is_not_yaml_is_refused_with_its_line() -> None:
    err = refused(HEAD + "scenarios:\n  - name: [unclosed\n")
    assert err.line is not None and "not YAML" in err.detail


def test_json_is_yaml_too() -> None:
    batch = load_batch('{"base": {"generator": {"seed": 1}}, "scenarios": [{"name": "a", "modifiers": '
                       '[{"type": "stock", "item": "SKU-00001", "location": "WH-00", "set": 0}]}]}')  # fmt: skip
    assert batch.scenarios[0].modifiers[0].params == {"item": "SKU-00001", "location": "WH-00", "set": 0}


def test_a_modifier_naming_what_the_base_lacks_is_refused_before_anything_runs() -> None:
    text = HEAD + "scenarios:\n  - name: a\n    modifiers:\n      - {type: location_out, location: WH-99, " \
                  "from: 2026-11-20, to: 2026-11-21}\n"  # fmt: skip
    with pytest.raises(BatchError) as caught:
        run_batch(load_batch(text))
    assert caught.value.field == "scenarios[0].modifiers[0].location" and caught.value.line == 7
    lane = HEAD + "scenarios:\n  - name: a\n    modifiers:\n      - {type: lane, from: WH-00, to: WH-00, closed: 1}\n"
    tier = HEAD + "scenarios:\n  - name: a\n    modifiers:\n      - {type: demand, percent: 5, tiers: [platinum]}\n"
    with pytest.raises(BatchError, match="'platinum' is not in the base"):
        run_batch(load_batch(tier))
    with pytest.raises(BatchError, match="must be true or false"):
        run_batch(load_batch(lane))
    with pytest.raises(BatchError, match="no lane from WH-00 to WH-00"):
        run_batch(load_batch(lane.replace("closed: 1", "closed: true")))
