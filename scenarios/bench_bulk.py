"""The time-limit half of `make bench`: bulk orders timed end to end against `policy.time_limit_ms`.

Each bulk order (`scenarios.generator.BULK`: 4,000 lines over 1,500 items and 10,000 lines over 3,000, 40
warehouses, lanes and substitutes) is posted to the app in process (Flask's test client, no network), with
its decision log in SQLite in a temporary directory: the wall time runs from the request's arrival to the
last byte of its answer, reading the body, the rules, the engine, the explanation, recording the decision
and writing the answer all included, as the time limit counts. Each is timed at a 1,000 ms limit (a few runs)
and once at each larger limit of `LIMITS_MS`, under the service's default admission limit
(`Config.MAX_CANDIDATES_PER_SECOND`; a refused order reads 413) and, for what a larger limit would give,
admitted. The 10,000-line order is over the API's 5,000-line cap (`order.lines`), so it goes through the
order-level service in process instead (engine, explanation and JSON; nothing to record). The 4,000-line
order is also posted once to a real server on 127.0.0.1, timed client-side. Nothing here asserts.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import orjson
from flask.testing import FlaskClient

from decision_service.codec.encode_decision import decision_json
from decision_service.codec.encode_request import problem_body
from decision_service.orders.keyhash import issue
from decision_service.orders.ports import Ports
from decision_service.orders.request import OrderRequest
from decision_service.orders.service import decide_order
from decision_service.storage.migrate import upgrade
from decision_service.web import create_app
from decision_service.web.access import KEYS_KEY
from decision_service.web.config import Config
from optimizers.admission import candidate_count
from optimizers.errors import ProblemTooLarge
from scenarios.bench_http import HOST, NoDelayConnection, running_server
from scenarios.generator import BULK, bulk, preset

LIMITS_MS = {"bulk4k": (1000, 2000, 5000), "bulk10k": (1000, 5000, 8000)}  # the first a few times
BODY = 64 * 2**20  # the 4,000-line order's body (1.7 MB) is near the service's 2 MiB default
MAX_LINES = 5000  # an order the API admits (`order.lines`); the 10,000-line one only exists in process
SETTINGS = {"default_admission": Config().MAX_CANDIDATES_PER_SECOND, "admitted": 0}
RUNS_AT_FIRST_LIMIT = 3


def time_request(client: FlaskClient, name: str, limit_ms: int) -> dict[str, Any]:
    """One request in process, from its arrival to its answer's last byte (the decision recorded in SQLite)."""
    payload = orjson.dumps(problem_body(bulk(name, time_limit_ms=limit_ms)))
    started = time.perf_counter()
    answer = client.post("/v1/allocations", data=payload, content_type="application/json")
    body = answer.get_data()
    wall = (time.perf_counter() - started) * 1000.0
    if answer.status_code != 200:
        return {"limit_ms": limit_ms, "wall_ms": round(wall, 1), "status": answer.status_code,
                "detail": orjson.loads(body).get("detail")}  # fmt: skip
    return _answered(limit_ms, wall, body)


def time_service(ports: Ports, name: str, limit_ms: int) -> dict[str, Any]:
    """An order the API refuses by its size (over 5,000 lines), through the order-level service in process:
    service, engine, explanation and JSON (not recorded: no record can exist of what the API refuses)."""
    request = OrderRequest(bulk(name, time_limit_ms=limit_ms))
    started = time.perf_counter()
    try:
        decided = decide_order(request, ports, started=started)
        body = decision_json(decided)
    except ProblemTooLarge as exc:
        wall = (time.perf_counter() - started) * 1000.0
        return {"limit_ms": limit_ms, "wall_ms": round(wall, 1), "status": 413, "candidates": exc.candidates}
    return _answered(limit_ms, (time.perf_counter() - started) * 1000.0, body)


def _answered(limit_ms: int, wall: float, body: bytes) -> dict[str, Any]:
    """A decision's timing row: its wall time and margin against the limit, its size and how it was solved."""
    solver = orjson.loads(body)["solver"]
    return {
        "limit_ms": limit_ms,
        "wall_ms": round(wall, 1),
        "margin_ms": round(limit_ms - wall, 1),
        "status": 200,
        "bytes": len(body),
        "engine": solver["engine"],
        "solver_status": solver["status"],
        "degraded_reason": solver.get("degraded_reason"),
    }


@contextmanager
def recording_clients() -> Iterator[dict[str, FlaskClient]]:
    """A client of the app under the default admission limit and one admitting everything, each with an
    `order_entry` key and its decision log in SQLite (the embedded default), in a temporary directory."""
    with tempfile.TemporaryDirectory() as data:
        clients = {}
        for setting, per_second in SETTINGS.items():
            url = f"sqlite:///{data}/{setting}.sqlite3"
            upgrade(url)
            app = create_app(Config(DATABASE_URL=url, MAX_CANDIDATES_PER_SECOND=per_second, MAX_CONTENT_LENGTH=BODY))
            issued = issue(f"bench-{setting}", ("order_entry",), datetime.now(UTC))
            app.extensions[KEYS_KEY].store.add(issued.stored)
            clients[setting] = app.test_client()
            clients[setting].environ_base["HTTP_AUTHORIZATION"] = f"Bearer {issued.key}"
        yield clients


def bench_order(name: str, clients: dict[str, FlaskClient]) -> dict[str, Any]:
    """One bulk order at each limit, under each admission setting."""
    problem = bulk(name)
    out: dict[str, Any] = {
        "lines": len(problem.order.lines),
        "items": len(problem.items),
        "locations": len(problem.locations),
        "candidates": candidate_count(problem),
        "request_bytes": len(json.dumps(problem_body(problem))),
    }
    out["path"] = "service" if out["lines"] > MAX_LINES else "app"
    for setting, client in clients.items():
        ports = Ports.default(candidates_per_second=SETTINGS[setting] or None)
        runs = []
        for limit in LIMITS_MS[name]:
            for _ in range(RUNS_AT_FIRST_LIMIT if limit == LIMITS_MS[name][0] else 1):
                runs.append(time_service(ports, name, limit) if out["path"] == "service" else
                            time_request(client, name, limit))  # fmt: skip
                if runs[-1]["status"] != 200:
                    break
        out[setting] = runs
    return out


def http_once(name: str, limit_ms: int) -> dict[str, Any]:
    """The bulk order posted once to a real server (1 worker), timed client-side."""
    payload = json.dumps(problem_body(bulk(name, time_limit_ms=limit_ms))).encode()
    try:
        with running_server(workers=1) as server:
            conn = NoDelayConnection(HOST, server.port, timeout=120)
            try:
                started = time.perf_counter()
                conn.request("POST", "/v1/allocations", payload, server.headers)
                resp = conn.getresponse()
                data = resp.read()
                wall = (time.perf_counter() - started) * 1000.0
            finally:
                conn.close()
    except (OSError, RuntimeError) as exc:
        return {"order": name, "limit_ms": limit_ms, "error": str(exc)}
    solver = json.loads(data).get("solver", {}) if resp.status == 200 else {}
    return {
        "order": name,
        "limit_ms": limit_ms,
        "wall_ms": round(wall, 1),
        "status": resp.status,
        "bytes": len(data),
        "request_bytes": len(payload),
        "degraded_reason": solver.get("degraded_reason"),
    }


def run_bulk_bench(http: bool = True) -> dict[str, Any]:
    """Every bulk order under the default admission limit and admitted, and one HTTP post."""
    default = Config().MAX_CANDIDATES_PER_SECOND
    with recording_clients() as clients:
        for client in clients.values():  # warm up: the first decision compiles the rule tables' lookups
            client.post("/v1/allocations", json=problem_body(preset("small", 1)))
        results: dict[str, Any] = {"max_candidates": default, "orders": {n: bench_order(n, clients) for n in BULK}}
    if http:
        results["http"] = http_once("bulk4k", LIMITS_MS["bulk4k"][1])
    return results


def format_bulk(results: dict[str, Any]) -> list[str]:
    """Report rows: wall time against the limit, margin, size, status and degraded reason."""
    admitted = f"{results['max_candidates']} candidates a second of time limit"
    rows = [f"Bulk orders from arrival to answer, recorded in SQLite (in process), admission limit {admitted}"]
    for name, order in results["orders"].items():
        path = "through the app, recorded" if order.get("path") == "app" else "through the service, not recorded"
        rows.append(
            f"  {name}: {order['lines']} lines, {order['items']} items, {order['locations']} locations, "
            f"{order['candidates']} candidates, request {order['request_bytes'] / 1e6:.1f} MB ({path})"
        )
        for setting in ("default_admission", "admitted"):
            for r in order[setting]:
                if r["status"] != 200:
                    rows.append(
                        f"    {setting:17} limit {r['limit_ms']:>5} ms: {r['status']} in {r['wall_ms']} ms "
                        f"({r.get('detail')})"
                    )
                    continue
                rows.append(
                    f"    {setting:17} limit {r['limit_ms']:>5} ms: wall {r['wall_ms']:>7.1f} ms, margin "
                    f"{r['margin_ms']:>7.1f} ms, {r['status']}, {r['bytes'] / 1e6:.1f} MB, {r['engine']} "
                    f"{r['solver_status']} ({r['degraded_reason'] or 'proven'})"
                )
    h = results.get("http")
    if h and "error" in h:
        rows.append(f"  HTTP {h['order']}: not measured: {h['error']}")
    elif h:
        rows.append(
            f"  HTTP {h['order']} once, limit {h['limit_ms']} ms: wall {h['wall_ms']} ms client-side (reading the "
            f"{h['request_bytes'] / 1e6:.1f} MB body included), {h['status']}, {h['bytes'] / 1e6:.1f} MB, "
            f"{h['degraded_reason'] or 'proven'}"
        )
    return rows
