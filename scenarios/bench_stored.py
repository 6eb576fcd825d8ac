"""Deciding against a stored network: `python -m scenarios.bench_stored [--posts N]` (part of `make bench`).

Issue 11's target: a stored network of 5,000 items, 50 locations and 100,000 open reservations decides the small
preset's order as fast as the same order sent inline. One real server (`decision-service serve`, SQLite in a
temporary directory, 2 workers) gets the network by `PUT /v1/networks/{id}`: the small preset's own network
plus filler items, locations and stock up to the target's size. The 100,000 open reservations are then written
straight into the server's database, confirmed, on the filler items (what 100,000 reserves would leave; making
them through the API would take most of an hour). Then the small order is posted alternately inline and by
`network_ref` (quote mode), one after the other over keep-alive connections, so the machine's drift falls on
both alike; every decision of both is recorded. Reported: p50/p90 of each and the ratio of the p50s per round.
"""

from __future__ import annotations

import argparse
import copy
import http.client
import json
import os
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert

from decision_service.codec.encode_request import problem_body
from decision_service.storage.sql import engine_from_url
from decision_service.storage.sql.tables import network_reservations
from scenarios.bench_http import NoDelayConnection, Server, create_key, running_server
from scenarios.benchstats import summary
from scenarios.generator import preset

ITEMS, LOCATIONS, RESERVATIONS = 5_000, 50, 100_000
NETWORK_ID = "bench"
STOCK_PER_ITEM = 3  # filler stock rows per filler item, at different locations


def stored_network(network: dict[str, Any]) -> dict[str, Any]:
    """The small preset's network grown to ITEMS items and LOCATIONS locations with filler that no order of the
    preset reads (the filler items are nobody's substitute)."""
    grown = copy.deepcopy(network)
    entity = grown["locations"][0]["entity"]
    have = {loc["id"] for loc in grown["locations"]}
    grown["locations"] += [{"id": f"FILL-L{n:02d}", "entity": entity} for n in range(LOCATIONS - len(have))]
    locations = [loc["id"] for loc in grown["locations"]]
    for n in range(ITEMS - len(grown["items"])):
        item = f"FILL-{n:05d}"
        grown["items"].append({"id": item, "unit_cost": 10.0, "substitutes": []})
        for k in range(STOCK_PER_ITEM):
            location = locations[(n + k * 17) % len(locations)]
            grown["stock"].append({"item": item, "location": location, "qty": 1_000, "status": "available"})
    return grown


def _reservation_rows(network: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """`count` confirmed reservations of 1 unit spread over the filler stock rows (within what each holds)."""
    filler = [s for s in network["stock"] if s["item"].startswith("FILL-")]
    now = datetime.now(UTC)
    customer = network["customers"][0]["id"]
    return [
        {"id": f"rsv-bench-{n:06d}", "network_id": NETWORK_ID, "item": filler[n % len(filler)]["item"],
         "location": filler[n % len(filler)]["location"], "source": "stock", "eta": None, "qty": 1, "shipped": 0,
         "status": "confirmed", "created_at": now, "expires_at": None, "order_id": f"SO-BENCH-{n // 3}",
         "line": 1 + n % 3, "customer": customer, "decision_id": f"bench-{n // 3}", "unit_price": 1.0}
        for n in range(count)
    ]  # fmt: skip


def _post(conn: http.client.HTTPConnection, headers: dict[str, str], payload: bytes) -> float:
    start = time.perf_counter()
    conn.request("POST", "/v1/allocations", payload, headers)
    resp = conn.getresponse()
    data = resp.read()
    elapsed = (time.perf_counter() - start) * 1000.0
    if resp.status != 200 or b'"decision_id"' not in data:
        raise RuntimeError(f"answered {resp.status}: {data[:300]!r}")
    return elapsed


def _load(server: Server, network: dict[str, Any]) -> None:
    """PUT the network with an integration key, then write the reservations into the server's database."""
    env = {**os.environ, "DECISION_SERVICE_DATA_DIR": str(server.data_dir),
           "DECISION_SERVICE_KEYS_DATABASE_URL": f"sqlite:///{server.data_dir}/decisions.sqlite3"}  # fmt: skip
    feed = {**server.headers, "Authorization": f"Bearer {create_key(env, 'bench-feed', 'integration')}"}
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    conn.request("PUT", f"/v1/networks/{NETWORK_ID}", json.dumps(network).encode(), feed)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    if resp.status != 200:
        raise RuntimeError(f"PUT network answered {resp.status}: {body[:300]!r}")
    engine = engine_from_url(f"sqlite:///{server.data_dir}/decisions.sqlite3")
    try:
        with engine.begin() as connection:
            connection.execute(insert(network_reservations), _reservation_rows(network, RESERVATIONS))
    finally:
        engine.dispose()


def run_stored_bench(posts: int = 200, rounds: int = 5, seed: int = 1) -> dict[str, Any]:
    """Inline against stored: each round `posts` of each, alternating; p50s per round, their ratio's median."""
    body = problem_body(preset("small", seed))
    network = stored_network(body["network"])
    by_ref = {k: v for k, v in body.items() if k != "network"} | {"network_ref": NETWORK_ID}
    payloads = {"inline": json.dumps(body).encode(), "stored": json.dumps(by_ref).encode()}
    env = {"DECISION_SERVICE_MAX_CONTENT_LENGTH": str(64 * 2**20)}
    with running_server(env=env) as server:
        began = time.perf_counter()
        _load(server, network)
        load_s = time.perf_counter() - began
        conns = {name: NoDelayConnection("127.0.0.1", server.port, timeout=60) for name in payloads}
        names = list(payloads)
        for _ in range(20):  # warm both paths in every worker
            for name in names:
                _post(conns[name], server.headers, payloads[name])
        p50: dict[str, list[float]] = {name: [] for name in names}
        times: dict[str, list[float]] = {name: [] for name in names}
        for _ in range(rounds):
            this: dict[str, list[float]] = {name: [] for name in names}
            for n in range(posts):
                for name in names if n % 2 == 0 else reversed(names):
                    this[name].append(_post(conns[name], server.headers, payloads[name]))
            for name in names:
                p50[name].append(summary(this[name])["p50"])
                times[name] += this[name]
        for conn in conns.values():
            conn.close()
    ratios = [s / i for s, i in zip(p50["stored"], p50["inline"], strict=True)]
    return {
        "network": {
            "items": len(network["items"]),
            "locations": len(network["locations"]),
            "stock_rows": len(network["stock"]),
            "open_reservations": RESERVATIONS,
        },  # fmt: skip
        "load_s": round(load_s, 2),
        "posts_per_round": posts,
        "rounds": rounds,
        "inline_ms": summary(times["inline"]),
        "stored_ms": summary(times["stored"]),
        "ratio": round(statistics.median(ratios), 3),
        "ratio_by_round": [round(r, 3) for r in ratios],
    }


def format_stored(result: dict[str, Any]) -> list[str]:
    """The report's lines."""
    if "error" in result:
        return [f"stored network: not measured ({result['error']})"]
    n, i, s = result["network"], result["inline_ms"], result["stored_ms"]
    return [
        f"stored network ({n['items']:,} items, {n['locations']} locations, {n['open_reservations']:,} open "
        f"reservations; loaded in {result['load_s']} s): small order inline p50 {i['p50']:.2f} ms p90 "
        f"{i['p90']:.2f} ms; by network_ref p50 {s['p50']:.2f} ms p90 {s['p90']:.2f} ms; "
        f"ratio of p50s {result['ratio']} (rounds {result['ratio_by_round']})"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print("\n".join(format_stored(run_stored_bench(args.posts, args.rounds))))


if __name__ == "__main__":
    main()
