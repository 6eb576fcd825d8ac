"""The `decision-service` command: serve (gunicorn), example, decide, and the rules group's wiring."""

from __future__ import annotations

import json
import shlex
import shutil
from typing import Any

import pytest
import yaml
from flask import Flask

from decision_service import cli
from decision_service.cli import serve
from rules.service import TABLES_DIR, RulesService


def test_example_prints_a_curl_posting_the_spec_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["example", "--host", "0.0.0.0", "--port", "9000"]) == 0
    command = [line for line in capsys.readouterr().out.splitlines() if line.startswith("curl")][0]
    words = shlex.split(command)
    assert "http://0.0.0.0:9000/v1/allocations" in words
    assert words[words.index("-H") + 1] == "Content-Type: application/json"
    assert json.loads(words[words.index("-d") + 1]) == serve.example_request()
    assert serve.example_request()["order"]["id"] == "SO-1001"


def test_serve_configures_gunicorn_and_prints_a_first_admin_key_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DECISION_SERVICE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DECISION_SERVICE_DATABASE_URL", raising=False)
    started: list[serve.GunicornServer] = []
    monkeypatch.setattr(serve.GunicornServer, "run", lambda self: started.append(self))
    assert cli.main(["serve", "--host", "127.0.0.2", "--port", "8123", "--workers", "3"]) == 0
    (server,) = started
    assert server.cfg.bind == ["127.0.0.2:8123"] and server.cfg.workers == 3
    app = server.load()
    assert isinstance(app, Flask)
    printed = capsys.readouterr().out
    command = shlex.split(next(line for line in printed.splitlines() if line.startswith("curl")))
    auth = command[[i for i, w in enumerate(command) if w == "-H"][1] + 1]
    assert auth.startswith("Authorization: Bearer ds_")
    body = json.loads(command[command.index("-d") + 1])
    answer = app.test_client().post("/v1/allocations", json=body, headers={"Authorization": auth.split(": ", 1)[1]})
    assert answer.status_code == 200 and answer.get_json()["order_id"] == "SO-1001"  # the example works as printed
    assert cli.main(["serve", "--port", "8123"]) == 0
    assert "Bearer ds_" not in capsys.readouterr().out  # an admin key exists: nothing created, nothing shown


def test_subcommand_is_required() -> None:
    with pytest.raises(SystemExit):
        cli.main([])


def test_rules_test_dmn_calls_the_rules_tck(monkeypatch: pytest.MonkeyPatch) -> None:
    from rules import tck

    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(tck, "run_tck", lambda model, cases: calls.append((model, cases)) or 3)
    assert cli.main(["rules", "test-dmn", "model.dmn", "cases.xml"]) == 3
    assert calls == [("model.dmn", "cases.xml")]


def _tables_copy(tmp_path: Any) -> Any:
    shutil.copytree(TABLES_DIR, tmp_path / "tables")
    return tmp_path / "tables"


def test_rules_publish_writes_a_new_version(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    tables = _tables_copy(tmp_path)
    draft = yaml.safe_load((tables / "pricing" / "2026-01-01.yaml").read_text())
    draft["rules"][0]["reason"] = "Pricing policy 2.1 (rev. 2027)"
    (tmp_path / "draft.yaml").write_text(yaml.safe_dump(draft))
    args = ["rules", "publish", "pricing", str(tmp_path / "draft.yaml"), "--effective-from", "2027-01-01"]
    assert cli.main([*args, "--tables", str(tables)]) == 0
    assert "published pricing version" in capsys.readouterr().out
    assert [v.effective_from.isoformat() for v in RulesService(tables).registry.versions("pricing")] == [
        "2026-01-01", "2027-01-01",
    ]  # fmt: skip
    assert cli.main([*args, "--tables", str(tables)]) == 1  # history is never rewritten
    assert "refused" in capsys.readouterr().err


def test_rules_publish_refuses_an_invalid_table_naming_the_row(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    tables = _tables_copy(tmp_path)
    draft = yaml.safe_load((tables / "pricing" / "2026-01-01.yaml").read_text())
    draft["rules"][3]["when"]["price_variance_pct"] = "[-25..-10"
    (tmp_path / "draft.yaml").write_text(yaml.safe_dump(draft))
    args = ["rules", "publish", "pricing", str(tmp_path / "draft.yaml"), "--effective-from", "2027-01-01"]
    assert cli.main([*args, "--tables", str(tables)]) == 1
    err = capsys.readouterr().err
    assert "PR-04" in err and "price_variance_pct" in err
    assert not (tables / "pricing" / "2027-01-01.yaml").exists()


def test_decide_answers_what_the_api_answers(
    engine_client: Any, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    body = serve.example_request()  # as_of is set: both sides read the same request
    (tmp_path / "order.json").write_text(json.dumps(body))
    assert cli.main(["decide", str(tmp_path / "order.json")]) == 0
    printed = json.loads(capsys.readouterr().out)
    answered = engine_client.post("/v1/allocations", json=body).get_json()
    for volatile in ("decision_id",):
        printed.pop(volatile), answered.pop(volatile)
    printed["solver"], answered["solver"] = printed["solver"]["status"], answered["solver"]["status"]
    assert printed == answered and printed["input_hash"].startswith("sha256:")


def test_decide_names_each_invalid_field(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    body = serve.example_request()
    body["order"]["lines"][0]["qty"] = -1
    body["policy"]["horizon_days"] = "soon"
    (tmp_path / "order.json").write_text(json.dumps(body))
    assert cli.main(["decide", str(tmp_path / "order.json")]) == 2
    err = capsys.readouterr().err
    assert "order.lines[0].qty:" in err and "policy.horizon_days:" in err
