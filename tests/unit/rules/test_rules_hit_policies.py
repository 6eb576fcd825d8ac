"""Hit policies behave as DMN 1.x defines them, including no match, multiple outputs and errors."""

from decimal import Decimal

import pytest
from helpers_rules import compiled

from rules.errors import InputError
from rules.evaluate import evaluate_compiled

ROWS = [
    ("adult-low", {"age": ">= 18", "risk": ["low"]}, {"status": "approved"}),
    ("adult", {"age": ">= 18"}, {"status": "referred"}),
    ("high", {"risk": ["high"]}, {"status": "declined"}),
]


def run(policy: str, age: int, risk: str, rows=ROWS, **extra):  # type: ignore[no-untyped-def]
    return evaluate_compiled(compiled(policy, rows, **extra), {"age": age, "risk": risk})


def test_first_returns_the_first_match_in_table_order() -> None:
    result = run("FIRST", 30, "low")
    assert result.value == "approved"
    assert result.explanation.selected_ids == ("adult-low",)
    assert result.explanation.matched == (0, 1)


def test_unique_with_several_matches_is_an_error_with_null_result() -> None:
    result = run("UNIQUE", 30, "low")
    assert result.value is None
    assert result.error is not None and "adult-low, adult" in result.error


def test_unique_single_match_and_no_match() -> None:
    assert run("UNIQUE", 10, "high").value == "declined"
    assert run("UNIQUE", 10, "low").value is None
    assert run("UNIQUE", 10, "low").error is None


def test_any_with_equal_outputs_returns_them_and_differing_outputs_is_an_error() -> None:
    same = [("a", {"age": ">= 18"}, {"status": "referred"}), ("b", {"risk": ["high"]}, {"status": "referred"})]
    assert run("ANY", 30, "high", rows=same).value == "referred"
    differing = run("ANY", 30, "high")
    assert differing.value is None and differing.error is not None and "ANY" in differing.error


def test_priority_picks_the_highest_output_value_in_the_declared_order() -> None:
    # values are [declined, referred, approved]: declined is the highest priority.
    result = run("PRIORITY", 30, "high")
    assert result.value == "declined"
    assert result.explanation.selected_ids == ("high",)


def test_rule_order_lists_every_match_in_table_order() -> None:
    assert run("RULE ORDER", 30, "high").value == ["referred", "declined"]
    assert run("RULE ORDER", 10, "low").value == []


def test_output_order_sorts_matches_by_decreasing_priority() -> None:
    assert run("OUTPUT ORDER", 30, "low").value == ["referred", "approved"]


def test_collect_without_aggregation_returns_a_list() -> None:
    assert sorted(run("COLLECT", 30, "high").value) == ["declined", "referred"]


NUMERIC = [
    ("a", {"age": "> 1"}, {"premium": 98.83}),
    ("b", {"age": "> 2"}, {"premium": 150.21}),
    ("c", {"age": "> 3"}, {"premium": 205.43}),
]


@pytest.mark.parametrize(
    ("aggregation", "expected", "empty"),
    [
        ("SUM", Decimal("454.47"), None),
        ("MIN", Decimal("98.83"), None),
        ("MAX", Decimal("205.43"), None),
        ("COUNT", 3, 0),
    ],
)
def test_collect_aggregations(aggregation: str, expected: object, empty: object) -> None:
    outputs = [{"name": "premium", "type": "number"}]
    assert run("COLLECT", 5, "low", rows=NUMERIC, outputs=outputs, aggregation=aggregation).value == expected
    assert run("COLLECT", 0, "low", rows=NUMERIC, outputs=outputs, aggregation=aggregation).value == empty


def test_aggregation_shorthand_c_plus() -> None:
    outputs = [{"name": "premium", "type": "number"}]
    assert run("C+", 3, "low", rows=NUMERIC, outputs=outputs).value == Decimal("249.04")


def test_multiple_outputs_give_a_context_and_defaults_apply_when_nothing_matches() -> None:
    outputs = [
        {"name": "status", "values": ["declined", "approved"], "default": "declined"},
        {"name": "rate", "default": "standard"},
    ]
    rows = [("a", {"age": ">= 18", "risk": ["low"]}, {"status": "approved", "rate": "best"})]
    assert run("UNIQUE", 30, "low", rows=rows, outputs=outputs).value == {"status": "approved", "rate": "best"}
    nothing = run("UNIQUE", 10, "low", rows=rows, outputs=outputs)
    assert nothing.value == {"status": "declined", "rate": "standard"}
    assert "default" in nothing.explanation.why


def test_results_are_fresh_dicts_callers_may_mutate() -> None:
    outputs = [{"name": "status"}, {"name": "rate"}]
    rows = [("a", {}, {"status": "approved", "rate": "best"})]
    first = run("FIRST", 30, "low", rows=rows, outputs=outputs)
    first.value["status"] = "tampered"
    assert run("FIRST", 30, "low", rows=rows, outputs=outputs).value["status"] == "approved"


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"age": "30", "risk": "low"}, "age"),
        ({"age": 30, "risk": "extreme"}, "risk"),
        ({"age": 130, "risk": "low"}, "age"),
        ({"age": 30.5, "risk": "low"}, "age"),
        ({"risk": "low"}, "age"),
        ({"age": True, "risk": "low"}, "age"),
        ({"age": 30, "risk": "low", "colour": "red"}, "colour"),
    ],
)
def test_bad_inputs_name_the_field(inputs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        evaluate_compiled(compiled("FIRST", ROWS), inputs)
    assert info.value.field == field
