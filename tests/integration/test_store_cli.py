"""`decision-service db upgrade` and `audit verify | digest` on a SQLite store, as an operator runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from decision_service import cli
from decision_service.storage import MEMORY, open_log
from decision_service.storage.memory import InMemoryDecisionLog
from decision_service.storage.sql import SqlDecisionLog, engine_from_url
from tests.integration.storage.stores import record
from tests.integration.storage.tampering import content_of, param, tampering


def test_an_operator_migrates_keeps_a_digest_and_later_proves_the_log_unchanged_or_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'decisions.sqlite3'}"
    assert cli.main(["db", "upgrade", "--database-url", url]) == 0
    assert cli.main(["db", "upgrade", "--database-url", url]) == 0  # idempotent
    engine = engine_from_url(url)
    log = SqlDecisionLog(engine)
    for n in range(1, 6):
        log.append(record(n))
    capsys.readouterr()
    assert cli.main(["audit", "digest", "--database-url", url]) == 0
    digest = tmp_path / "digest.json"
    digest.write_text(capsys.readouterr().out)
    assert json.loads(digest.read_text())["records"] == 5
    log.append(record(6))
    assert cli.main(["audit", "verify", "--database-url", url, "--digest", str(digest)]) == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "records": 6}
    edited = content_of(engine, 3).replace(b'"kind":"allocation"', b'"kind":"allocatiom"')  # one byte
    with tampering(engine) as cursor:
        cursor.execute(f"UPDATE decision_records SET content = {param(engine)} WHERE seq = 3", (edited,))
    engine.dispose()
    assert cli.main(["audit", "verify", "--database-url", url, "--digest", str(digest)]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and out["first_broken"] == "dec-0003"


def test_the_configured_url_picks_the_adapter(tmp_path: Path) -> None:
    assert isinstance(open_log(MEMORY), InMemoryDecisionLog)
    log = open_log(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert isinstance(log, SqlDecisionLog)
    log.engine.dispose()
