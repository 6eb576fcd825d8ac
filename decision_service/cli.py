"""`decision-service`: serve the app with gunicorn, decide one request from a file, print an example request,
and decision-table tooling."""

from __future__ import annotations

import argparse
import gc
import json
import shlex
import sys
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
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


def example_curl(host: str, port: int) -> str:
    """A copy-pasteable curl command posting the example request to a running service."""
    body = json.dumps(example_request(), separators=(",", ":"))
    url = f"http://{host}:{port}/v1/allocations"
    return f"curl -sS -X POST {url} -H 'Content-Type: application/json' -d {shlex.quote(body)}"


def _serve(args: argparse.Namespace) -> int:
    server(args.host, args.port, args.workers, args.timeout).run()
    return 0


def _example(args: argparse.Namespace) -> int:
    print(f"# The spec's example order; API docs at http://{args.host}:{args.port}/docs")
    print(example_curl(args.host, args.port))
    return 0


def _decide(args: argparse.Namespace) -> int:
    """Decide the request in FILE (or stdin) with the order-level service, as the API would; print the decision."""
    from decision_service.codec.encode_decision import decision_json
    from decision_service.codec.errors import InvalidRequest
    from decision_service.codec.schemas.request import load_request
    from decision_service.orders.ports import Ports
    from decision_service.orders.service import decide_order
    from rules.errors import RulesError

    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
        request = load_request(json.loads(text, parse_float=Decimal))
        decided = decide_order(request, Ports.default(args.tables), explain=not args.no_explain)
    except InvalidRequest as exc:
        print(f"invalid request: {exc.detail}", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error.field}: {error.message}", file=sys.stderr)
        return 2
    except (OSError, ValueError, RulesError) as exc:
        print(f"cannot decide: {exc}", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(decision_json(decided) + b"\n")
    return 0


def _add_decide(commands: Any) -> None:
    decide = commands.add_parser("decide", help="decide one allocation request from a JSON file, as the API would")
    decide.add_argument("file", help="the request body (JSON), or - for standard input")
    decide.add_argument("--tables", default="", help="tables directory (default: the shipped rules/tables)")
    decide.add_argument("--no-explain", action="store_true", help="leave the explanations out")
    decide.set_defaults(handler=_decide)


# --- rules: decision-table tooling, wired lazily to the `rules` package ---
def _rules_test_dmn(args: argparse.Namespace) -> int:
    from rules.tck import run_tck  # type: ignore[import-not-found,unused-ignore]

    result: int = run_tck(args.model, args.cases)
    return result


def _rules_publish(args: argparse.Namespace) -> int:
    """Validate FILE and write it as a new version of KEY; findings on stderr and exit 1 when refused."""
    import yaml

    from decision_service.orders.ports import tables_dir
    from rules.errors import RulesError, TableValidationError
    from rules.service import RulesService, findings_to_dict

    directory = Path(args.tables) if args.tables else tables_dir("")
    try:
        draft = yaml.safe_load(Path(args.file).read_text(encoding="utf-8"))
        version = RulesService(directory).publish(args.key, draft, args.effective_from, args.effective_to)
    except (RulesError, OSError, yaml.YAMLError) as exc:
        print(f"refused: {exc}", file=sys.stderr)
        for finding in findings_to_dict(exc.findings) if isinstance(exc, TableValidationError) else []:
            print(f"  {finding['severity']} {finding['kind']} rows={finding['rows']} column={finding['column']}: "
                  f"{finding['message']}", file=sys.stderr)  # fmt: skip
        return 1
    print(f"published {args.key} version {version.version} effective {version.effective_from} -> {version.path}")
    return 0


def _add_rules(commands: Any) -> None:
    rules = commands.add_parser("rules", help="decision-table (DMN) tooling")
    sub = rules.add_subparsers(dest="rules_command", required=True)
    tck = sub.add_parser("test-dmn", help="run a DMN TCK test-case file against a model")
    tck.add_argument("model", help="the DMN model file")
    tck.add_argument("cases", help="the TCK test-cases file")
    tck.set_defaults(handler=_rules_test_dmn)
    publish = sub.add_parser("publish", help="validate a table file and write it as a new version")
    publish.add_argument("key", help="the table key, e.g. credit")
    publish.add_argument("file", help="the new table content (YAML or JSON)")
    publish.add_argument("--effective-from", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
    publish.add_argument("--effective-to", type=date.fromisoformat, default=None, help="YYYY-MM-DD (optional)")
    publish.add_argument("--tables", default="", help="tables directory (default: the shipped rules/tables)")
    publish.set_defaults(handler=_rules_publish)


# --- parser ---
def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(prog="decision-service", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
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
    _add_decide(commands)
    _add_rules(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `decision-service`."""
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
