"""Versions are content-hashed and immutable; evaluation uses the version in force on the as-of date."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from rules.errors import TableValidationError, UnknownTableError, VersionConflictError
from rules.publish import publish
from rules.service import TABLES_DIR, RulesService
from rules.tableio import content_hash, table_from_dict, table_to_dict
from rules.versions import TableRegistry


def draft(threshold: int = 90) -> dict[str, Any]:
    return {
        "key": "overdue",
        "hit_policy": "FIRST",
        "complete": True,
        "inputs": [{"name": "days", "type": "integer", "domain": "[0..3650]"}],
        "outputs": [{"name": "action", "type": "string", "values": ["hold", "release"]}],
        "rules": [
            {"id": "late", "when": {"days": f"> {threshold}"}, "then": {"action": "hold"}},
            {"id": "ok", "then": {"action": "release"}},
        ],
        "tests": [
            {"id": "late", "given": {"days": threshold + 1}, "expect": {"action": "hold"}},
            {"id": "ok", "given": {"days": threshold}, "expect": {"action": "release"}},
        ],
    }


def test_as_of_selects_the_version_in_force_and_keeps_history(tmp_path: Path) -> None:
    service = RulesService(tmp_path, today=lambda: date(2026, 9, 1))
    first = service.publish("overdue", draft(90), date(2026, 1, 1))
    second = service.publish("overdue", draft(60), date(2026, 7, 1))
    assert first.version != second.version
    assert service.evaluate("overdue", {"days": 75}, date(2026, 3, 31)).value == "release"
    assert service.evaluate("overdue", {"days": 75}, date(2026, 3, 31)).version == first.version
    assert service.evaluate("overdue", {"days": 75}, date(2026, 7, 1)).value == "hold"
    assert service.evaluate("overdue", {"days": 75}).explanation.as_of == date(2026, 9, 1)
    with pytest.raises(UnknownTableError):
        service.evaluate("overdue", {"days": 75}, date(2025, 12, 31))
    assert [v["version"] for v in service.get_table("overdue")["versions"]] == [first.version, second.version]
    assert service.list_tables()[0]["active_version"]["version"] == second.version


def test_published_file_reloads_to_the_same_hash(tmp_path: Path) -> None:
    version = publish("overdue", draft(), date(2026, 1, 1), tmp_path)
    assert version.path is not None and version.path.name == "2026-01-01.yaml"
    reloaded = table_from_dict(yaml.safe_load(version.path.read_text()))
    assert content_hash(reloaded) == version.version
    assert table_to_dict(reloaded) == table_to_dict(version.table)


def test_effective_to_bounds_a_version(tmp_path: Path) -> None:
    publish("overdue", draft(), date(2026, 1, 1), tmp_path, effective_to=date(2026, 2, 1))
    registry = TableRegistry.load(tmp_path)
    assert registry.in_force("overdue", date(2026, 1, 31)).effective_to == date(2026, 2, 1)
    with pytest.raises(UnknownTableError):
        registry.in_force("overdue", date(2026, 2, 1))
    with pytest.raises(VersionConflictError):
        publish("overdue", draft(60), date(2026, 1, 15), tmp_path)


@pytest.mark.parametrize("start", [date(2026, 1, 1), date(2025, 6, 1)])
def test_publish_refuses_to_rewrite_history(tmp_path: Path, start: date) -> None:
    publish("overdue", draft(), date(2026, 1, 1), tmp_path)
    with pytest.raises(VersionConflictError):
        publish("overdue", draft(60), start, tmp_path)
    assert len(list(tmp_path.glob("overdue/*.yaml"))) == 1


def test_publish_refuses_invalid_tables_and_failing_or_missing_cases(tmp_path: Path) -> None:
    gap = draft()
    gap["rules"] = gap["rules"][:1]
    with pytest.raises(TableValidationError) as info:
        publish("overdue", gap, date(2026, 1, 1), tmp_path)
    assert [f.kind for f in info.value.findings] == ["gap"]
    wrong = draft()
    wrong["tests"][0]["expect"] = {"action": "release"}
    with pytest.raises(TableValidationError, match="test cases"):
        publish("overdue", wrong, date(2026, 1, 1), tmp_path)
    untested = draft()
    untested["tests"] = untested["tests"][:1]
    with pytest.raises(TableValidationError) as info:
        publish("overdue", untested, date(2026, 1, 1), tmp_path)
    assert info.value.findings[0].kind == "untested" and info.value.findings[0].rows == ("ok",)
    assert not list(tmp_path.glob("**/*.yaml"))


def test_hash_ignores_formatting_but_not_content() -> None:
    a = draft()
    b = draft()
    b["rules"][0]["when"] = {"days": ">    90"}
    assert content_hash(table_from_dict(a)) != content_hash(table_from_dict(draft(91)))
    assert content_hash(table_from_dict(b)) != content_hash(table_from_dict(draft(91)))
    b["rules"][0]["when"] = {"days": "> 90 "}
    assert content_hash(table_from_dict(a)) == content_hash(table_from_dict(b))


def test_shipped_tables_load_with_their_history() -> None:
    registry = TableRegistry.load(TABLES_DIR)
    assert registry.keys() == ["credit", "exception_severity", "pricing"]
    assert [v.effective_from for v in registry.versions("credit")] == [date(2026, 1, 1), date(2026, 7, 1)]


def test_validate_draft_reports_structure_problems_as_findings(tmp_path: Path) -> None:
    service = RulesService(tmp_path)
    bad = draft()
    bad["inputs"][0]["type"] = "money"
    bad["rules"][1]["then"] = {"colour": "red"}
    findings = service.validate_draft("overdue", bad)
    assert {(f.kind, f.column) for f in findings} == {("structure", "days"), ("structure", "colour")}
    assert service.validate_draft("overdue", draft()) == ()
