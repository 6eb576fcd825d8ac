"""Every evaluation carries an explanation an auditor can read: what matched, what was chosen, why not."""

import json
from datetime import date

from helpers_rules import compiled

from rules.evaluate import evaluate_compiled
from rules.explain import explanation_to_dict

ROWS = [
    ("minor", {"age": "< 18"}, {"status": "declined"}),
    ("adult-high", {"age": ">= 18", "risk": ["high"]}, {"status": "referred"}),
    ("adult-low", {"age": ">= 18", "risk": ["low"]}, {"status": "approved"}),
    ("senior-low-medium", {"age": ">= 65", "risk": ["low", "medium"]}, {"status": "approved"}),
]


def test_explanation_names_table_version_date_policy_inputs_and_matched_cells() -> None:
    result = evaluate_compiled(compiled("FIRST", ROWS), {"age": 40, "risk": "low"}, as_of=date(2026, 3, 1))
    data = explanation_to_dict(result.explanation)
    assert (data["table"], data["version"], data["as_of"], data["hit_policy"]) == (
        "t",
        "test-version",
        "2026-03-01",
        "FIRST",
    )
    assert data["inputs"] == {"age": 40, "risk": "low"}
    assert [row["id"] for row in data["matched"]] == ["adult-low"]
    assert data["matched"][0]["cells"] == [
        {"column": "age", "test": ">= 18", "value": 40, "passed": True},
        {"column": "risk", "test": '"low"', "value": "low", "passed": True},
    ]
    assert data["selected"] == ["adult-low"] and "only matching row" in data["why"]
    json.dumps(data)  # plain JSON all the way down


def test_why_not_lists_the_nearest_rows_and_their_failing_cell() -> None:
    result = evaluate_compiled(compiled("FIRST", ROWS), {"age": 40, "risk": "low"})
    why_not = explanation_to_dict(result.explanation)["why_not"]
    # adult-high fails on risk, senior-low-medium on age: one failing cell each; minor fails only on age too.
    assert {row["id"]: row["failed"] for row in why_not} == {
        "minor": ["age"],
        "adult-high": ["risk"],
        "senior-low-medium": ["age"],
    }


def test_why_not_when_nothing_matches_prefers_rows_with_fewest_failures() -> None:
    rows = [
        ("both", {"age": "> 100", "risk": ["high"]}, {"status": "declined"}),
        ("one", {"age": "> 100"}, {"status": "referred"}),
    ]
    result = evaluate_compiled(compiled("UNIQUE", rows), {"age": 20, "risk": "low"})
    assert result.value is None and "no row matched" in result.explanation.why
    assert [(m.row, m.failed) for m in result.explanation.near_misses] == [(1, (0,))]


def test_multi_hit_explanation_lists_every_selected_row() -> None:
    result = evaluate_compiled(compiled("RULE ORDER", ROWS), {"age": 70, "risk": "low"})
    assert result.explanation.selected_ids == ("adult-low", "senior-low-medium")
    assert [row.id for row in result.explanation.matched_rows] == ["adult-low", "senior-low-medium"]
