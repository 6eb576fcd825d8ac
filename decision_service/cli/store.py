"""`decision-service db upgrade` and `decision-service audit verify | digest`: the decision store from a shell."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def database_url_of(args: argparse.Namespace, keys: bool = False) -> str:
    """The store `--database-url` names, else the configured one (for `keys`, KEYS_DATABASE_URL first), else
    the embedded SQLite."""
    from decision_service.storage import database_url
    from decision_service.web.config import Config

    settings = Config.from_env()
    configured = (keys and settings.KEYS_DATABASE_URL) or settings.DATABASE_URL
    return database_url(args.database_url or configured, settings.DATA_DIR)


def _upgrade(args: argparse.Namespace) -> int:
    from decision_service.storage.migrate import upgrade

    url = database_url_of(args)
    upgrade(url)
    print(f"decision store at {_shown(url)} is at the newest schema")
    return 0


def _verify(args: argparse.Namespace) -> int:
    """Walk the chain (against a digest kept earlier, when given); exit 0 when it checks, 1 when not."""
    from decision_service.orders.log import Digest, StoreUnavailable, verify
    from decision_service.storage import open_log

    try:
        digest = Digest(**json.loads(Path(args.digest).read_text(encoding="utf-8"))) if args.digest else None
        result = verify(open_log(database_url_of(args)), digest)
    except (OSError, ValueError, TypeError, StoreUnavailable) as exc:
        print(f"cannot verify: {exc}", file=sys.stderr)
        return 2
    out: dict[str, object] = {"ok": result.ok, "records": result.records}
    if not result.ok:
        out |= {"first_broken": result.first_broken, "reason": result.reason}
    print(json.dumps(out))
    return 0 if result.ok else 1


def _digest(args: argparse.Namespace) -> int:
    from decision_service.storage import open_log

    head = open_log(database_url_of(args)).head()
    print(json.dumps({"head": head.head, "records": head.records}))
    return 0


def _shown(url: str) -> str:
    """The URL without a password."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    return f"{scheme}{sep}{credentials.split(':')[0]}{at}{host}" if at else url


def add_commands(commands: Any) -> None:
    """`db upgrade`, `audit verify` and `audit digest`."""
    db = commands.add_parser("db", help="the decision store").add_subparsers(dest="db_command", required=True)
    upgrade = db.add_parser("upgrade", help="migrate the store to the newest schema (idempotent)")
    upgrade.set_defaults(handler=_upgrade)
    audit = commands.add_parser("audit", help="prove the decision log unchanged")
    sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = sub.add_parser("verify", help="walk the hash chain; with --digest, against a digest kept earlier")
    verify.add_argument("--digest", help="a file holding the JSON of GET /v1/audit/digest (or `audit digest`)")
    verify.set_defaults(handler=_verify)
    digest = sub.add_parser("digest", help="print the head hash and the number of records, to keep elsewhere")
    digest.set_defaults(handler=_digest)
    for parser in (upgrade, verify, digest):
        parser.add_argument("--database-url", default="", help="default: DECISION_SERVICE_DATABASE_URL or SQLite")
