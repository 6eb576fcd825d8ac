"""`decision-service serve` and `example`: the app under gunicorn, and a ready request for it."""

from __future__ import annotations

import argparse
import gc
import json
import shlex
from collections.abc import Callable
from importlib import resources
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

EXAMPLE = "examples/spec_example.json"


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """gunicorn run from Python: each worker builds its own app with `create_app()`."""

    def __init__(self, factory: Callable[[], Flask], options: dict[str, Any]) -> None:
        self.factory = factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Apply the command-line options to gunicorn's settings."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        """The WSGI app of one worker."""
        app = self.factory()
        # Everything built so far (Flask, schemas, rules tables) lives as long as the worker: keep it out of the
        # garbage collector's generations, so the collections each decision triggers stay cheap.
        gc.freeze()
        return app


def server(host: str, port: int, workers: int, timeout: int = 65) -> GunicornServer:
    """A configured gunicorn server for the service (not yet running)."""
    from decision_service.web import create_app

    # gthread workers keep connections alive: order entry calls per order, and a TCP handshake per call is waste.
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "timeout": timeout,
        "accesslog": "-",
        "worker_class": "gthread",
        "threads": 4,
        "keepalive": 75,
    }
    return GunicornServer(create_app, options)


def example_request() -> dict[str, Any]:
    """The spec's example request, as shipped in the package."""
    text = resources.files("decision_service").joinpath(EXAMPLE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def example_curl(host: str, port: int, key: str | None = None) -> str:
    """A copy-pasteable curl command posting the example request to a running service, with `key` (or, without
    one, the key in the shell's `$DECISION_SERVICE_API_KEY`)."""
    body = json.dumps(example_request(), separators=(",", ":"))
    url = f"http://{host}:{port}/v1/allocations"
    auth = shlex.quote(f"Authorization: Bearer {key}") if key else '"Authorization: Bearer $DECISION_SERVICE_API_KEY"'
    return f"curl -sS -X POST {url} -H 'Content-Type: application/json' -H {auth} -d {shlex.quote(body)}"


def first_admin_key(url: str) -> str | None:
    """On a store with no active admin key, create one named `local-admin` and return it (once); else None."""
    from datetime import UTC, datetime

    from decision_service.orders.keyhash import issue
    from decision_service.orders.keys import ADMIN
    from decision_service.storage.sql.engine import engine_from_url
    from decision_service.storage.sql.keys import SqlKeyStore

    store = SqlKeyStore(engine_from_url(url))
    try:
        keys = store.all()
        if any(k.active and ADMIN in k.roles for k in keys):
            return None
        taken = {k.name for k in keys}
        name = next(
            n for n in (f"local-admin{'' if i == 0 else f'-{i}'}" for i in range(len(keys) + 1)) if n not in taken
        )
        issued = issue(name, [ADMIN], datetime.now(UTC))
        store.add(issued.stored)
        return issued.key
    finally:
        store.engine.dispose()  # no connection crosses the workers' fork


def _serve(args: argparse.Namespace) -> int:
    from decision_service.storage import database_url
    from decision_service.storage.migrate import upgrade
    from decision_service.web.config import Config

    settings = Config.from_env()
    log_url = database_url(settings.DATABASE_URL, settings.DATA_DIR)
    url = database_url(settings.KEYS_DATABASE_URL, settings.DATA_DIR) if settings.KEYS_DATABASE_URL else log_url
    for embedded in {u for u in (log_url, url) if u.startswith("sqlite:")}:
        upgrade(embedded)  # the embedded default migrates itself, once, before the workers fork
    if url.startswith("sqlite:"):
        key = first_admin_key(url)  # in the master, once: a local service is usable from its first start
        if key is not None:
            _print_first_key(key, args.host, args.port)
    server(args.host, args.port, args.workers, args.timeout).run()
    return 0


def _print_first_key(key: str, host: str, port: int) -> None:
    print("# No admin key in this store: created `local-admin`. The key is shown this once; only its hash is kept.")
    print("# More keys: decision-service keys create NAME --role order_entry (see `decision-service keys --help`).")
    print(f"# The spec's example order, sent with it; API docs at http://{host}:{port}/docs")
    print(example_curl(host, port, key))
    print(f"export DECISION_SERVICE_API_KEY={key}", flush=True)


def _example(args: argparse.Namespace) -> int:
    print(f"# The spec's example order; API docs at http://{args.host}:{args.port}/docs")
    print("# Every request needs an API key: `serve` prints one on its first start (a store with no admin key);")
    print("# else: export DECISION_SERVICE_API_KEY=$(decision-service keys create me --role order_entry | tail -1)")
    print(example_curl(args.host, args.port))
    return 0


def add_commands(commands: Any) -> None:
    """`serve` and `example`."""
    serve = commands.add_parser("serve", help="serve the API with gunicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument("--timeout", type=int, default=65, help="worker timeout, seconds (above the 60 s limit)")
    serve.set_defaults(handler=_serve)
    example = commands.add_parser("example", help="print an example request for a running service")
    example.add_argument("--host", default="127.0.0.1")
    example.add_argument("--port", type=int, default=8080)
    example.set_defaults(handler=_example)
