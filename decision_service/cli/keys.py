"""`decision-service keys create | list | revoke`: API keys from a shell; the key itself is printed once, never kept."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from decision_service.cli.store import database_url_of


def _store(args: argparse.Namespace) -> Any:
    from decision_service.storage import open_keys
    from decision_service.storage.migrate import upgrade

    url = database_url_of(args, keys=True)
    if url.startswith("sqlite:"):  # the embedded store, as `serve` does: a first `keys create` needs no `db upgrade`
        upgrade(url)
    return open_keys(url)


def _create(args: argparse.Namespace) -> int:
    from decision_service.orders.keyhash import issue
    from decision_service.orders.keys import DuplicateKey
    from decision_service.orders.log import StoreUnavailable

    try:
        issued = issue(args.name, args.role, datetime.now(UTC))
        _store(args).add(issued.stored)
    except (DuplicateKey, ValueError) as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    except StoreUnavailable as exc:
        print(f"cannot create the key: {exc} (is the store migrated? `decision-service db upgrade`)", file=sys.stderr)
        return 2
    print(f"# key {args.name!r} ({', '.join(issued.stored.roles)}): shown once, only its hash is kept")
    print(issued.key)
    return 0


def _list(args: argparse.Namespace) -> int:
    print("name\troles\tcreated\trevoked")
    for key in _store(args).all():
        revoked = key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else "-"
        print(f"{key.name}\t{','.join(key.roles)}\t{key.created_at.isoformat(timespec='seconds')}\t{revoked}")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    revoked = _store(args).revoke(args.name, datetime.now(UTC))
    if revoked is None:
        print(f"no active key named {args.name!r}", file=sys.stderr)
        return 1
    print(f"revoked {args.name!r}: it stops working on the next request, in every worker")
    return 0


def add_commands(commands: Any) -> None:
    """`keys create`, `keys list` and `keys revoke`."""
    keys = commands.add_parser("keys", help="API keys: create, list, revoke")
    sub = keys.add_subparsers(dest="keys_command", required=True)
    create = sub.add_parser("create", help="create a key and print it once (last line)")
    create.add_argument("name", help="unique; recorded as the actor of the decisions the key asks for")
    roles = "order_entry, planner, auditor, integration, admin or policy_owner:<table>; repeat for several"
    create.add_argument("--role", action="append", required=True, help=roles)
    create.set_defaults(handler=_create)
    listed = sub.add_parser("list", help="names, roles, created, revoked (never secrets)")
    listed.set_defaults(handler=_list)
    revoke = sub.add_parser("revoke", help="revoke the key with that name")
    revoke.add_argument("name")
    revoke.set_defaults(handler=_revoke)
    for parser in (create, listed, revoke):
        parser.add_argument("--database-url", default="", help="default: DECISION_SERVICE_DATABASE_URL or SQLite")
