"""`decision-service reallocate`: a run from a JSON file or a folder of CSV files, written as JSON and CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from decision_service.cli import main
from decision_service.codec.encode_run import input_body
from decision_service.runs.csv_input import write_folder
from scenarios.orderbook import order_book


@pytest.fixture(autouse=True)
def no_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DECISION_SERVICE_DATABASE_URL", "memory://")  # the shipped tables, no files written


def test_json_and_csv_inputs_give_the_same_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = input_body(order_book(4, 40, 12, 4))
    (tmp_path / "book.json").write_text(json.dumps(body))
    write_folder(body, tmp_path / "book")
    assert main(["reallocate", str(tmp_path / "book.json"), "--out", str(tmp_path / "a"), "--quiet"]) == 0
    assert main(["reallocate", str(tmp_path / "book"), "--out", str(tmp_path / "b"), "--quiet"]) == 0
    a, b = (json.loads((tmp_path / d / "run.json").read_text()) for d in "ab")
    assert a["input_hash"] == b["input_hash"] and a["objective"] == b["objective"] and a["status"] == "OPTIMAL"
    with (tmp_path / "a" / "changed_lines.csv").open() as handle:
        changed = list(csv.DictReader(handle))
    assert changed and all(int(r["change"]) != 0 or int(r["backorder_qty"]) > 0 for r in changed)
    with (tmp_path / "a" / "kpis.csv").open() as handle:
        kpis = list(csv.DictReader(handle))
    assert kpis[0]["scope"] == "total" and int(kpis[0]["allocated_units"]) == a["kpis"]["allocated_units"]
    assert "units allocated" in capsys.readouterr().out


def test_a_bad_cell_is_refused_naming_file_row_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_folder(input_body(order_book(4, 10, 5, 3)), tmp_path / "book")
    lines = (tmp_path / "book" / "lines.csv").read_text().splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("qty")] = "many"
    (tmp_path / "book" / "lines.csv").write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n")
    assert main(["reallocate", str(tmp_path / "book"), "--out", str(tmp_path / "out"), "--quiet"]) == 1
    assert "lines.csv row 2 column qty" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_fresh_embedded_store_is_migrated_and_an_unreachable_one_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The default store (SQLite under DATA_DIR) migrates itself, as `serve` does: the first run of a newcomer
    works. A store that cannot be read is not replaced by the shipped tables: exit 2, no traceback."""
    (tmp_path / "book.json").write_text(json.dumps(input_body(order_book(4, 10, 5, 3))))
    monkeypatch.setenv("DECISION_SERVICE_DATABASE_URL", "")
    monkeypatch.setenv("DECISION_SERVICE_DATA_DIR", str(tmp_path / "data"))
    assert main(["reallocate", str(tmp_path / "book.json"), "--out", str(tmp_path / "a"), "--quiet"]) == 0
    assert (tmp_path / "data" / "decisions.sqlite3").exists() and (tmp_path / "a" / "run.json").exists()
    monkeypatch.setenv("DECISION_SERVICE_DATABASE_URL", f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    assert main(["reallocate", str(tmp_path / "book.json"), "--out", str(tmp_path / "b"), "--quiet"]) == 2
    assert "cannot read the rules in force" in capsys.readouterr().err
    assert not (tmp_path / "b").exists()


def test_every_counterfactual_is_verified_when_asked(tmp_path: Path) -> None:
    (tmp_path / "book.json").write_text(json.dumps(input_body(order_book(4, 40, 12, 4))))
    out = tmp_path / "all"
    assert (
        main(["reallocate", str(tmp_path / "book.json"), "--out", str(out), "--counterfactuals", "all", "--quiet"]) == 0
    )
    checked = json.loads((out / "run.json").read_text())["counterfactuals"]
    assert checked["claimed"] > 0 and checked["checked"] == checked["claimed"]
    with pytest.raises(SystemExit):
        main(["reallocate", str(tmp_path / "book.json"), "--out", str(out), "--counterfactuals", "every"])
