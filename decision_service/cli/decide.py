"""`decision-service decide FILE`: one request decided by the order-level service, exactly as the API would."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def _decide(args: argparse.Namespace) -> int:
    """Decide the request in FILE (or stdin) with the order-level service, as the API would; print the decision."""
    from decision_service.codec import strict_json
    from decision_service.codec.encode_decision import decision_json
    from decision_service.codec.errors import InvalidRequest
    from decision_service.codec.schemas.request import load_request
    from decision_service.orders.ports import Ports
    from decision_service.orders.service import decide_order
    from rules.errors import RulesError

    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
        request = load_request(strict_json.loads(raw))
        decided = decide_order(request, Ports.default(args.tables), explain=not args.no_explain)
    except InvalidRequest as exc:
        print(f"invalid request: {exc.detail}", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error.field}: {error.message}", file=sys.stderr)
        return 2
    except (OSError, ValueError, RulesError) as exc:
        print(f"cannot decide: {exc}", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(decision_json(decided, request.explain) + b"\n")
    return 0


def add_commands(commands: Any) -> None:
    """`decide`."""
    decide = commands.add_parser("decide", help="decide one allocation request from a JSON file, as the API would")
    decide.add_argument("file", help="the request body (JSON), or - for standard input")
    decide.add_argument("--tables", default="", help="tables directory (default: the shipped rules/tables)")
    decide.add_argument("--no-explain", action="store_true", help="leave the explanations out")
    decide.set_defaults(handler=_decide)
