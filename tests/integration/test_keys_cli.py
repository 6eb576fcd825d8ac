"""`decision-service keys create | list | revoke` on an embedded store, as an operator runs them, and the service
taking and then refusing the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from decision_service import cli
from decision_service.web import Config, create_app

ORDER = "/v1/allocations"


def test_create_list_revoke_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = ["--database-url", f"sqlite:///{tmp_path / 'decisions.sqlite3'}"]
    assert cli.main(["keys", "create", "erp-west", "--role", "order_entry", "--role", "planner", *url]) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]  # alone on the last line
    assert key.startswith("ds_") and " " not in key
    assert cli.main(["keys", "create", "erp-west", "--role", "auditor", *url]) == 1  # a name is taken once
    assert cli.main(["keys", "create", "x", "--role", "wizard", *url]) == 1
    assert "unknown role" in capsys.readouterr().err
    assert cli.main(["keys", "list", *url]) == 0
    listed = capsys.readouterr().out
    assert "erp-west\torder_entry,planner\t" in listed and listed.rstrip().endswith("-") and key not in listed
    secret = key.split("_", 2)[2]
    assert secret not in (tmp_path / "decisions.sqlite3").read_bytes().decode("latin-1")  # only its hash is kept

    app = create_app(Config(DATABASE_URL=url[1]))
    bearer = {"Authorization": f"Bearer {key}"}
    assert app.test_client().get("/v1/decisions", headers=bearer).status_code == 200
    assert cli.main(["keys", "revoke", "erp-west", *url]) == 0
    assert app.test_client().get("/v1/decisions", headers=bearer).status_code == 401
    assert cli.main(["keys", "revoke", "erp-west", *url]) == 1
    assert cli.main(["keys", "list", *url]) == 0
    assert capsys.readouterr().out.splitlines()[-1].split("\t")[-1] != "-"  # revoked, with its time
