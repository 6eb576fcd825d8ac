"""A real `decision-service serve` process (gunicorn) on loopback: what order entry actually talks to."""

from __future__ import annotations

import http.client
import json
import os
import subprocess

import pytest

from scenarios.bench_http import HOST, JSON_HEADERS, _launcher, running_server
from scenarios.examples import load_request

pytestmark = pytest.mark.slow  # starts a real gunicorn server


def _post(port: int, body: str, headers: dict[str, str]) -> tuple[int, http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)  # a new connection: any worker may answer
    try:
        conn.request("POST", "/v1/allocations", body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp, resp.read()
    finally:
        conn.close()


def test_served_decisions_keep_the_connection_and_answer_problems() -> None:
    body = json.dumps(load_request("spec_example"))
    with running_server(workers=1) as server:
        conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
        answers = []
        for _ in range(3):  # one connection, several orders: keep-alive must hold
            conn.request("POST", "/v1/allocations", body=body, headers=server.headers)
            resp = conn.getresponse()
            answers.append((resp.status, json.loads(resp.read())))
        assert [status for status, _ in answers] == [200, 200, 200]
        first = answers[0][1]
        assert first["order_id"] == "SO-1001" and first["input_hash"].startswith("sha256:")
        assert {a["input_hash"] for _, a in answers} == {first["input_hash"]}
        assert len({a["decision_id"] for _, a in answers}) == 3
        conn.request("POST", "/v1/allocations", body="{not json", headers=server.headers)
        resp = conn.getresponse()
        assert resp.status == 400 and resp.getheader("Content-Type", "").startswith("application/problem+json")
        resp.read()
        conn.close()


def test_a_served_request_needs_a_key_and_a_revoked_key_stops_in_every_worker() -> None:
    body = json.dumps(load_request("spec_example"))
    with running_server(workers=2) as server:
        status, resp, _ = _post(server.port, body, JSON_HEADERS)
        assert status == 401 and resp.getheader("WWW-Authenticate", "").startswith("Bearer")
        assert all(_post(server.port, body, server.headers)[0] == 200 for _ in range(6))
        env = {**os.environ, "DECISION_SERVICE_DATA_DIR": str(server.data_dir)}
        env.pop("DECISION_SERVICE_DATABASE_URL", None)
        subprocess.run([*_launcher(), "keys", "revoke", "bench"], env=env, check=True, capture_output=True)
        assert [_post(server.port, body, server.headers)[0] for _ in range(6)] == [401] * 6
