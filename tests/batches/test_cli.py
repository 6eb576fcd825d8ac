"""`decision-service scenarios run`: a batch file over a JSON or CSV book, written as JSON, CSV and the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from decision_service.cli import main
from decision_service.codec.encode_run import input_body
from decision_service.runs.csv_input import write_folder
from scenarios.batches import read_batch_file
from scenarios.batches.runner import prepare
from scenarios.orderbook import order_book

BATCH = """\
batch: cli
base: {file: BOOK}
scenarios:
  - name: slip
    modifiers: [{type: delay, days: 10}]
"""
EXAMPLES = Path(__file__).parents[2] / "scenarios" / "batches" / "examples"


def test_a_batch_over_a_json_book_and_over_its_csv_folder_gives_the_same_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = input_body(order_book(5, 30, 8, 3))
    (tmp_path / "book.json").write_text(json.dumps(body))
    write_folder(body, tmp_path / "book")
    for name, book in (("a", "book.json"), ("b", "book")):
        (tmp_path / f"{name}.yaml").write_text(BATCH.replace("BOOK", book))
        assert main(["scenarios", "run", str(tmp_path / f"{name}.yaml"), "--out", str(tmp_path / name), "--quiet"]) == 0
    a, b = (json.loads((tmp_path / d / "results.json").read_text()) for d in "ab")
    assert a["scenarios"] == b["scenarios"] and a["baseline"]["kpis"] == b["baseline"]["kpis"]
    assert {p.name for p in (tmp_path / "a").iterdir()} == {
        "results.json",
        "timings.json",
        "report.html",
        "scenarios.csv",
        "by_scope.csv",
        "changes.csv",
    }
    assert "1 scenarios and the baseline" in capsys.readouterr().out


def test_a_batch_with_a_mistake_is_refused_naming_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.yaml").write_text(BATCH.replace("days: 10", "days: ten"))
    assert main(["scenarios", "run", str(tmp_path / "bad.yaml"), "--out", str(tmp_path / "out"), "--quiet"]) == 1
    assert "line 5, scenarios[0].modifiers[0].days: must be an integer" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_documented_example_batch_reads_and_matches_its_base() -> None:
    for path in EXAMPLES.glob("*.yaml"):
        batch = read_batch_file(path)
        prepare(batch)  # every modifier names what the generated book has
        assert len(batch.scenarios) >= 8
