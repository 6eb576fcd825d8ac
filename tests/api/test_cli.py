"""The `decision-service` command: serve (gunicorn), example, and the rules group's wiring."""

from __future__ import annotations

import json
import shlex
from typing import Any

import pytest
from flask import Flask

from decision_service import cli


def test_example_prints_a_curl_posting_the_spec_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["example", "--host", "0.0.0.0", "--port", "9000"]) == 0
    command = [line for line in capsys.readouterr().out.splitlines() if line.startswith("curl")][0]
    words = shlex.split(command)
    assert "http://0.0.0.0:9000/v1/allocations" in words
    assert words[words.index("-H") + 1] == "Content-Type: application/json"
    assert json.loads(words[words.index("-d") + 1]) == cli.example_request()
    assert cli.example_request()["order"]["id"] == "SO-1001"


def test_serve_configures_gunicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[cli.GunicornServer] = []
    monkeypatch.setattr(cli.GunicornServer, "run", lambda self: started.append(self))
    assert cli.main(["serve", "--host", "127.0.0.2", "--port", "8123", "--workers", "3"]) == 0
    (server,) = started
    assert server.cfg.bind == ["127.0.0.2:8123"] and server.cfg.workers == 3
    assert isinstance(server.load(), Flask)


def test_subcommand_is_required() -> None:
    with pytest.raises(SystemExit):
        cli.main([])


def test_rules_test_dmn_calls_the_rules_tck(monkeypatch: pytest.MonkeyPatch) -> None:
    tck = pytest.importorskip("rules.tck")
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(tck, "run_tck", lambda model, cases: calls.append((model, cases)) or 3)
    assert cli.main(["rules", "test-dmn", "model.dmn", "cases.xml"]) == 3
    assert calls == [("model.dmn", "cases.xml")]
