"""A gunicorn worker SIGKILLed while it records a decision: the record is whole or absent, the chain verifies,
and the server's next worker serves on.

The worker is stopped at a chosen point by `killpoint/sitecustomize.py`, which only this test loads (through the
server's PYTHONPATH); the test then kills it there, so each outcome is shown every run rather than by chance.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from scenarios.bench_http import HOST, JSON_HEADERS, Server, _launcher, create_key, running_server
from scenarios.examples import load_request

pytestmark = pytest.mark.slow  # starts a real gunicorn server and waits for a worker to be replaced

KILLPOINT = Path(__file__).resolve().parent / "killpoint"


def _request(port: int, method: str, path: str, headers: dict[str, str], body: str | None = None) -> tuple[int, Any]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())
    finally:
        conn.close()


def _post_in_background(port: int, body: str, headers: dict[str, str]) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def post() -> None:
        try:
            outcome["status"], _ = _request(port, "POST", "/v1/allocations", headers, body)
        except (OSError, http.client.HTTPException) as error:  # the worker died with the connection open
            outcome["error"] = error

    thread = threading.Thread(target=post, daemon=True)
    thread.start()
    return thread, outcome


def _stopped_worker(marker: Path, timeout_s: float = 60.0) -> tuple[int, str]:
    """The pid of the worker that stopped at the kill point, and the id of the decision it was recording."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = marker.read_text() if marker.exists() else ""
        if text.endswith("\n"):
            pid, decision_id = text.split()
            return int(pid), decision_id
        time.sleep(0.02)
    raise AssertionError(f"no worker reached the kill point in {timeout_s:.0f} s")


def _store_env(server: Server) -> dict[str, str]:
    env = {**os.environ, "DECISION_SERVICE_DATA_DIR": str(server.data_dir)}
    env.pop("DECISION_SERVICE_DATABASE_URL", None)
    return env


def _seeded(server: Server) -> int:
    """How many of the store's records are the rule tables' seed, recorded when the first worker started."""
    with sqlite3.connect(server.data_dir / "decisions.sqlite3") as db:
        (count,) = db.execute("SELECT count(*) FROM decision_records WHERE kind = 'rule_seed'").fetchone()
    return int(count)


def _rows(server: Server, decision_id: str) -> tuple[int, int, int]:
    """Records with that id, facet rows of that record, and facet rows of no record, read from the file itself."""
    with sqlite3.connect(server.data_dir / "decisions.sqlite3") as db:
        (records,) = db.execute("SELECT count(*) FROM decision_records WHERE id = ?", (decision_id,)).fetchone()
        (facets,) = db.execute(
            "SELECT count(*) FROM decision_facets WHERE seq IN (SELECT seq FROM decision_records WHERE id = ?)",
            (decision_id,),
        ).fetchone()
        (orphans,) = db.execute(
            "SELECT count(*) FROM decision_facets WHERE seq NOT IN (SELECT seq FROM decision_records)"
        ).fetchone()
    return records, facets, orphans


@pytest.mark.parametrize(("point", "kept"), [("before_commit", False), ("after_commit", True)])
def test_a_worker_killed_while_recording_leaves_the_whole_record_or_nothing(
    tmp_path: Path, point: str, kept: bool
) -> None:
    marker = tmp_path / "stopped"
    hook = {
        "PYTHONPATH": os.pathsep.join(p for p in (str(KILLPOINT), os.environ.get("PYTHONPATH", "")) if p),
        "DECISION_SERVICE_TEST_KILL_POINT": point,
        "DECISION_SERVICE_TEST_KILL_MARKER": str(marker),
    }
    body = json.dumps(load_request("spec_example"))
    with running_server(workers=1, env=hook) as server:
        thread, outcome = _post_in_background(server.port, body, server.headers)
        pid, decision_id = _stopped_worker(marker)
        os.kill(pid, signal.SIGKILL)  # a worker of the server this test started, stopped at the kill point
        thread.join(timeout=60)
        assert "error" in outcome and "status" not in outcome  # the client never got an answer

        status, answer = _request(server.port, "POST", "/v1/allocations", server.headers, body)
        assert status == 200 and answer["decision_id"] != decision_id  # the replacement worker serves on

        auditor = {**JSON_HEADERS, "Authorization": f"Bearer {create_key(_store_env(server), 'audit', 'auditor')}"}
        status, entry = _request(server.port, "GET", f"/v1/decisions/{decision_id}", auditor)
        status_found, found = _request(server.port, "GET", "/v1/decisions?order_id=SO-1001", auditor)
        records, facets, orphans = _rows(server, decision_id)
        seeds = _seeded(server)
        verified = subprocess.run(
            [*_launcher(), "audit", "verify"], env=_store_env(server), capture_output=True, text=True, timeout=60
        )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    decisions = json.loads(verified.stdout)["records"] - seeds  # the rule tables' seed records aside
    assert json.loads(verified.stdout)["ok"] is True and decisions == 1 + kept
    assert orphans == 0
    listed = [row["id"] for row in found["decisions"]] if status_found == 200 else []
    if kept:  # committed before the kill: the whole record, readable, indexed by its facets
        assert status == 200 and entry["decision"]["decision_id"] == decision_id
        assert records == 1 and facets > 0 and decision_id in listed
    else:  # killed inside the transaction: nothing of it
        assert status == 404 and (records, facets) == (0, 0) and decision_id not in listed


def _reserved(server: Server, decision_id: str) -> tuple[int, int]:
    """Reservations the decision made, and records of it (its decision and its reservation record)."""
    with sqlite3.connect(server.data_dir / "decisions.sqlite3") as db:
        (held,) = db.execute(
            "SELECT count(*) FROM network_reservations WHERE decision_id = ?", (decision_id,)
        ).fetchone()
        (records,) = db.execute(
            "SELECT count(*) FROM decision_records WHERE id IN (?, ?)", (decision_id, f"{decision_id}-reserved")
        ).fetchone()
    return int(held), int(records)


@pytest.mark.parametrize(("point", "kept"), [("before_commit", False), ("after_unit_of_work", True)])
def test_a_worker_killed_while_reserving_leaves_the_reservations_with_their_records_or_neither(
    tmp_path: Path, point: str, kept: bool
) -> None:
    """The clerk retries with its Idempotency-Key once the key counts as abandoned (1 s here): a reserve that
    committed before the kill is answered from the log, never reserved twice; one that did not runs again."""
    marker = tmp_path / "stopped"
    hook = {
        "PYTHONPATH": os.pathsep.join(p for p in (str(KILLPOINT), os.environ.get("PYTHONPATH", "")) if p),
        "DECISION_SERVICE_TEST_KILL_POINT": point,
        "DECISION_SERVICE_TEST_KILL_MARKER": str(marker),
        "DECISION_SERVICE_IDEMPOTENCY_STALE_SECONDS": "1",
    }
    example = load_request("spec_example")
    body = json.dumps(
        {**{k: v for k, v in example.items() if k != "network"}, "network_ref": "west", "mode": "reserve"}
    )
    with running_server(workers=1, env=hook) as server:
        feed = {**JSON_HEADERS, "Authorization": f"Bearer {create_key(_store_env(server), 'erp', 'integration')}"}
        assert _request(server.port, "PUT", "/v1/networks/west", feed, json.dumps(example["network"]))[0] == 200
        clerk = {**server.headers, "Idempotency-Key": "SO-1001-reserve-1"}
        thread, outcome = _post_in_background(server.port, body, clerk)
        pid, decision_id = _stopped_worker(marker)
        os.kill(pid, signal.SIGKILL)  # a worker of the server this test started, stopped at the kill point
        thread.join(timeout=60)
        assert "error" in outcome and "status" not in outcome  # the clerk never got an answer

        time.sleep(1.5)  # the key is abandoned now
        status, answer = _request(server.port, "POST", "/v1/allocations", clerk, body)  # the clerk's retry
        assert status == 200, answer
        held, records = _reserved(server, decision_id)
        again = _reserved(server, answer["decision_id"])
        verified = subprocess.run(
            [*_launcher(), "audit", "verify"], env=_store_env(server), capture_output=True, text=True, timeout=60
        )
    assert verified.returncode == 0 and json.loads(verified.stdout)["ok"] is True, verified.stdout + verified.stderr
    if kept:  # committed before the kill: its reservations and both records, and the retry is their answer
        assert held > 0 and records == 2
        assert answer["decision_id"] == decision_id and sum(r["qty"] for r in answer["reservations"]) == 40
    else:  # killed inside the unit of work: nothing of it, and the retry reserves the whole order afresh
        assert (held, records) == (0, 0)
        assert answer["decision_id"] != decision_id and again[1] == 2
        assert sum(r["qty"] for r in answer["reservations"]) == 40
