"""`decision-service`: serve the app, decide one request from a file, print an example request, and
decision-table tooling. One module per group of commands."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from decision_service.cli import decide, keys, reallocate, rules, scenarios, serve, store


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(prog="decision-service", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for group in (serve, decide, reallocate, rules, store, keys, scenarios):
        group.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `decision-service`."""
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)
