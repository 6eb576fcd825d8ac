"""Static validation names rows and gives an example input, found by interval reasoning."""

import pytest
from helpers_rules import table

from rules.compiled import compile_table
from rules.errors import TableValidationError
from rules.evaluate import evaluate_compiled
from rules.findings import Finding
from rules.validate import validate_table


def kinds(findings: tuple[Finding, ...]) -> list[str]:
    return [f.kind for f in findings if f.severity == "error"]


def only(findings: tuple[Finding, ...], kind: str) -> Finding:
    matching = [f for f in findings if f.kind == kind]
    assert len(matching) == 1, findings
    return matching[0]


def test_overlap_under_unique_names_both_rows_and_an_input_in_both() -> None:
    t = table(
        "UNIQUE",
        [
            ("young", {"age": "< 30"}, {"status": "referred"}),
            ("low", {"risk": ["low"]}, {"status": "approved"}),
            ("old-risky", {"age": ">= 30", "risk": ["medium", "high"]}, {"status": "declined"}),
        ],
    )
    finding = only(validate_table(t), "overlap")
    assert finding.rows == ("young", "low")
    assert finding.example is not None
    result = evaluate_compiled(compile_table(t), finding.example)
    assert result.explanation.matched == (0, 1)


def test_any_reports_conflicts_only_when_outputs_differ() -> None:
    rows = [
        ("a", {"age": "< 30"}, {"status": "referred"}),
        ("b", {"age": "<= 40"}, {"status": "referred"}),
        ("c", {"age": "> 35"}, {"status": "declined"}),
    ]
    finding = only(validate_table(table("ANY", rows)), "conflict")
    assert finding.rows == ("b", "c")
    assert finding.example is not None and 35 < finding.example["age"] <= 40


def test_gap_in_a_complete_table_is_an_error_with_the_uncovered_input() -> None:
    rows = [
        ("minor", {"age": "< 18"}, {"status": "declined"}),
        ("adult-ok", {"age": "[18..120]", "risk": ["low", "medium"]}, {"status": "approved"}),
    ]
    finding = only(validate_table(table("UNIQUE", rows, complete=True)), "gap")
    assert finding.severity == "error"
    assert finding.example == {"age": 18, "risk": "high"}


def test_gap_without_complete_is_a_warning_and_no_gap_on_adjacent_integers() -> None:
    rows = [("a", {"age": "[0..17]"}, {"status": "declined"}), ("b", {"age": "[18..120]"}, {"status": "approved"})]
    assert validate_table(table("UNIQUE", rows, complete=True)) == ()
    partial = validate_table(table("UNIQUE", rows[:1]))
    assert [f.severity for f in partial] == ["warning"]


def test_masked_row_under_first_names_the_rows_that_win() -> None:
    rows = [
        ("adult", {"age": ">= 18"}, {"status": "approved"}),
        ("minor", {"age": "< 18"}, {"status": "declined"}),
        ("senior-high", {"age": ">= 65", "risk": ["high"]}, {"status": "referred"}),
    ]
    finding = only(validate_table(table("FIRST", rows)), "masked")
    assert finding.rows == ("senior-high", "adult")
    assert finding.example is not None and finding.example["age"] >= 65


def test_masked_row_under_priority_by_output_order() -> None:
    rows = [
        ("approve-all", {}, {"status": "approved"}),
        ("decline-high", {"risk": ["high"]}, {"status": "declined"}),
        ("refer-high-young", {"risk": ["high"], "age": "< 30"}, {"status": "referred"}),
    ]
    finding = only(validate_table(table("PRIORITY", rows)), "masked")
    assert finding.rows == ("refer-high-young", "decline-high")
    assert "approve-all" not in finding.rows


def test_type_and_domain_errors_name_row_and_column() -> None:
    rows = [
        ("typed", {"age": '"old"'}, {"status": "approved"}),
        ("domain", {"risk": ["extreme"]}, {"status": "x"}),
        ("range", {"age": "> 200"}, {"status": "approved"}),
    ]
    findings = validate_table(table("FIRST", rows))
    assert (only(findings, "type").rows, only(findings, "type").column) == (("typed",), "age")
    domain = [f for f in findings if f.kind == "domain"]
    assert {(f.rows, f.column) for f in domain} == {(("domain",), "risk"), (("range",), "age")}
    assert only(findings, "output").rows == ("domain",)
    assert {f.rows for f in findings if f.kind == "unreachable"} == {("domain",), ("range",)}


def test_syntax_error_blocks_compilation() -> None:
    t = table("FIRST", [("bad", {"age": "[1..2"}, {"status": "approved"})])
    assert kinds(validate_table(t)) == ["syntax"]
    with pytest.raises(TableValidationError) as info:
        compile_table(t)
    assert info.value.findings[0].rows == ("bad",) and info.value.findings[0].column == "age"
