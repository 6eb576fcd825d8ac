"""A real `decision-service serve` process (gunicorn) on loopback: what order entry actually talks to."""

from __future__ import annotations

import http.client
import json

import pytest

from scenarios.bench_http import HOST, JSON_HEADERS, running_server
from scenarios.examples import load_request

pytestmark = pytest.mark.slow  # starts a real gunicorn server


def test_served_decisions_keep_the_connection_and_answer_problems() -> None:
    body = json.dumps(load_request("spec_example"))
    with running_server(workers=1) as port:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        answers = []
        for _ in range(3):  # one connection, several orders: keep-alive must hold
            conn.request("POST", "/v1/allocations", body=body, headers=JSON_HEADERS)
            resp = conn.getresponse()
            answers.append((resp.status, json.loads(resp.read())))
        assert [status for status, _ in answers] == [200, 200, 200]
        first = answers[0][1]
        assert first["order_id"] == "SO-1001" and first["input_hash"].startswith("sha256:")
        assert {a["input_hash"] for _, a in answers} == {first["input_hash"]}
        assert len({a["decision_id"] for _, a in answers}) == 3
        conn.request("POST", "/v1/allocations", body="{not json", headers=JSON_HEADERS)
        resp = conn.getresponse()
        assert resp.status == 400 and resp.getheader("Content-Type", "").startswith("application/problem+json")
        resp.read()
        conn.close()
