"""The public DMN TCK decision-table cases pass, through the importer and the TCK runner."""

import io
import os
from pathlib import Path

import pytest

from rules.compiled import compile_table
from rules.dmn import import_dmn
from rules.errors import RulesError
from rules.tck import parse_cases, run_tck

# The cases live in the team's shared folder beside the checkout (CI lays it there too); DMN_TCK_DIR overrides.
TCK = Path(os.environ.get("DMN_TCK_DIR") or Path(__file__).resolve().parents[4] / "shared" / "dmn-tck")
FOLDERS = sorted(p for p in TCK.glob("*") if p.is_dir()) if TCK.is_dir() else []


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_tck_folder_passes(folder: Path) -> None:
    model = next(folder.glob("*.dmn"))
    cases = next(folder.glob("*-test-01.xml"))
    out = io.StringIO()
    code = run_tck(model, cases, out)
    lines = out.getvalue().splitlines()
    assert code == 0, out.getvalue()
    assert lines[-1] == f"{len(parse_cases(cases))} passed, 0 failed"


def test_tck_folders_are_all_there() -> None:
    assert len(FOLDERS) == 6, f"expected the six DMN TCK case folders at {TCK} (set DMN_TCK_DIR)"


def test_runner_reports_failures_with_expected_and_actual(tmp_path: Path) -> None:
    folder = TCK / "0004-simpletable-U"
    cases = (folder / "0004-simpletable-U-test-01.xml").read_text().replace(">Approved<", ">Declined<", 1)
    (tmp_path / "cases.xml").write_text(cases)
    out = io.StringIO()
    assert run_tck(folder / "0004-simpletable-U.dmn", tmp_path / "cases.xml", out) == 1
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("001 FAIL") and "expected 'Declined'" in lines[0] and "actual 'Approved'" in lines[0]
    assert lines[-1] == "2 passed, 1 failed"


def test_imported_tables_keep_hit_policy_types_and_priorities() -> None:
    tables = import_dmn(TCK / "0006-simpletable-P1" / "0006-simpletable-P1.dmn")
    table = tables["Approval Status"]
    assert table.hit_policy.value == "PRIORITY"
    assert [c.type for c in table.inputs] == ["number", "string", "boolean"]
    assert table.outputs[0].values == ("Approved", "Declined")
    compile_table(table)


def test_unsupported_dmn_is_refused_not_guessed() -> None:
    with pytest.raises(RulesError):
        import_dmn("<definitions xmlns='https://www.omg.org/spec/DMN/20230324/MODEL/'/>")
    with pytest.raises(RulesError):
        import_dmn("not xml")
