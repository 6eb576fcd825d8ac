"""The HTTP half of `make bench`: a real server process on loopback, timed request by request.

Starts `decision-service serve` on a free 127.0.0.1 port over a fresh store in a temporary directory, creates an
`order_entry` key for it with `decision-service keys create`, waits for `/healthz`, posts one request body many
times over a keep-alive `http.client` connection with that key and always stops the server, whatever happens.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scenarios.benchstats import summary

HOST = "127.0.0.1"
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def free_port() -> int:
    """A port nothing listens on right now, on loopback only."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Server:
    """A running server: its port, its data directory, and headers that carry an `order_entry` key."""

    port: int
    data_dir: Path
    headers: dict[str, str]


def _launcher() -> list[str]:
    script = Path(sys.executable).with_name("decision-service")
    return [str(script)] if script.exists() else [sys.executable, "-m", "decision_service.cli"]


def create_key(env: dict[str, str], name: str, *roles: str) -> str:
    """A new key in the store `env` configures, made by the CLI as an operator would (its last line)."""
    command = [*_launcher(), "keys", "create", name, *(f"--role={r}" for r in roles)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True, timeout=60)
    return done.stdout.strip().splitlines()[-1]


@contextmanager
def running_server(workers: int = 2, ready_s: float = 60.0, env: dict[str, str] | None = None) -> Iterator[Server]:
    """A `decision-service serve` process over a fresh embedded store (unless `env` says otherwise: the decision
    log in memory, say; keys stay in the embedded store) for the duration of the block."""
    port = free_port()
    with tempfile.TemporaryDirectory() as data, tempfile.TemporaryFile() as log:
        environ = {**os.environ, "DECISION_SERVICE_DATA_DIR": data}
        environ.pop("DECISION_SERVICE_DATABASE_URL", None)
        environ |= {"DECISION_SERVICE_KEYS_DATABASE_URL": f"sqlite:///{data}/decisions.sqlite3", **(env or {})}
        key = create_key(environ, "bench", "order_entry")
        command = [*_launcher(), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
        proc = subprocess.Popen(command, env=environ, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_healthy(proc, port, ready_s, log)
            yield Server(port, Path(data), {**JSON_HEADERS, "Authorization": f"Bearer {key}"})
        finally:
            _stop(proc)


def _wait_healthy(proc: subprocess.Popen[bytes], port: int, ready_s: float, log: Any) -> None:
    deadline = time.monotonic() + ready_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"server exited with {proc.returncode}: {log.read()[-2000:].decode(errors='replace')}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server on port {port} not healthy after {ready_s:.0f} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the gunicorn master (a graceful stop of its workers); SIGKILL to its own group if it hangs."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the session this benchmark started, nothing else
            proc.wait(timeout=5)


class NoDelayConnection(http.client.HTTPConnection):
    """An HTTP connection with Nagle's algorithm off, as urllib3 (requests) and most HTTP clients have it:
    http.client writes headers and body in two sends, and with Nagle the second waits for the first's ack."""

    def connect(self) -> None:
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def time_posts(
    port: int, body: dict[str, Any], count: int, warmup: int = 20, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """POST `body` to /v1/allocations `count` times in sequence (after `warmup`) with `headers` (which carry the
    key); latency in ms, client-side."""
    payload = json.dumps(body).encode()
    conn = NoDelayConnection(HOST, port, timeout=30)
    times: list[float] = []
    failures, reconnects = 0, 0
    try:
        for n in range(warmup + count):
            start = time.perf_counter()
            conn.request("POST", "/v1/allocations", payload, headers or JSON_HEADERS)
            resp = conn.getresponse()
            data = resp.read()
            elapsed = (time.perf_counter() - start) * 1000.0
            if resp.will_close:  # the server closed it; http.client reopens on the next request
                reconnects += 1
                conn.close()
            if n >= warmup:
                times.append(elapsed)
                failures += resp.status != 200 or b'"decision_id"' not in data
    finally:
        conn.close()
    return {**summary(times), "failures": failures, "reconnects": reconnects, "bytes_sent": len(payload)}


def run_http_bench(
    body: dict[str, Any], count: int = 500, workers: int = 2, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Start the server, time `count` posts of `body`, stop the server."""
    with running_server(workers, env=env) as server:
        result = time_posts(server.port, body, count, headers=server.headers)
    return {"workers": workers, **result}


MEMORY = "memory"  # the baseline: the decision log in the server's memory, no store
STORES: dict[str, dict[str, str]] = {"sqlite": {}, MEMORY: {"DECISION_SERVICE_DATABASE_URL": "memory://"}}
RECORDING_BUDGET = 0.15  # issue 10: recording adds at most 15% to the small request's HTTP p50


def recording_cost(
    body: dict[str, Any], count: int = 300, rounds: int = 5, stores: dict[str, dict[str, str]] | None = None
) -> dict[str, Any]:
    """The small request's p50 with every decision recorded in a store (by default the embedded SQLite store as
    configured) and with the log in memory. Every server runs at once and the posts alternate between them one
    by one (the order reversed every other post), so the machine's drift, which on a shared machine moves the p50
    by half between seconds, falls on all alike. Each round is `count` posts to each server; a round's ratio is
    a store's p50 over the memory server's p50, and the ratio reported is the median of the rounds'."""
    stores = stores or STORES
    p50: dict[str, list[float]] = {name: [] for name in stores}
    with ExitStack() as stack:
        servers = {name: stack.enter_context(running_server(env=env)) for name, env in stores.items()}
        alternate_posts(servers, body, 20)  # warm every worker before anything counts
        for _ in range(rounds):
            for name, times in alternate_posts(servers, body, count).items():
                p50[name].append(summary(times)["p50"])
    medians = {name: median(values) for name, values in p50.items()}
    ratios = {
        name: median([a / b for a, b in zip(values, p50[MEMORY], strict=True)])
        for name, values in p50.items()
        if name != MEMORY
    }
    within = {name: ratio <= 1.0 + RECORDING_BUDGET for name, ratio in ratios.items()}
    first = next(iter(ratios))
    return {"posts_per_round": count, "rounds": rounds, "p50_by_round": p50, "p50": medians, "ratio": ratios,
            "overhead": ratios[first] - 1.0, "within_budget": within, "budget": RECORDING_BUDGET}  # fmt: skip


def alternate_posts(servers: dict[str, Server], body: dict[str, Any], count: int) -> dict[str, list[float]]:
    """`count` posts of `body` to each server, one server after the other, over one keep-alive connection each;
    latency in ms, client-side. A failed post is an error: a ratio over failures would mean nothing."""
    payload = json.dumps(body).encode()
    names = list(servers)
    conns = {name: NoDelayConnection(HOST, servers[name].port, timeout=30) for name in names}
    times: dict[str, list[float]] = {name: [] for name in names}
    try:
        for n in range(count):
            for name in names if n % 2 == 0 else reversed(names):
                start = time.perf_counter()
                conns[name].request("POST", "/v1/allocations", payload, servers[name].headers)
                resp = conns[name].getresponse()
                data = resp.read()
                times[name].append((time.perf_counter() - start) * 1000.0)
                if resp.status != 200 or b'"decision_id"' not in data:
                    raise RuntimeError(f"{name} answered {resp.status}: {data[:200]!r}")
                if resp.will_close:
                    conns[name].close()
    finally:
        for conn in conns.values():
            conn.close()
    return times


def median(values: list[float]) -> float:
    """The middle value (the mean of the two middle ones for an even count)."""
    ordered = sorted(values)
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def main(argv: list[str] | None = None) -> None:
    """`python -m scenarios.bench_http`: only the cost of recording, quicker than the whole `make bench`."""
    from decision_service.codec.encode_request import problem_body
    from scenarios.generator import preset

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--posts", type=int, default=300, help="posts per round and server")
    parser.add_argument("--synchronous", nargs="+", default=[], help="SQLite modes to compare (default: as configured)")
    args = parser.parse_args(argv)
    stores = {f"sqlite {mode}": {"DECISION_SERVICE_SQLITE_SYNCHRONOUS": mode} for mode in args.synchronous}
    stores = {**(stores or {"sqlite": {}}), MEMORY: STORES[MEMORY]}
    result = recording_cost(problem_body(preset("small", 1)), args.posts, args.rounds, stores)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
