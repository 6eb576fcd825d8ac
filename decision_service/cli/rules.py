"""`decision-service rules ...`: decision-table tooling, wired lazily to the `rules` package."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any


def _rules_test_dmn(args: argparse.Namespace) -> int:
    from rules.tck import run_tck  # type: ignore[import-not-found,unused-ignore]

    result: int = run_tck(args.model, args.cases)
    return result


def _rules_publish(args: argparse.Namespace) -> int:
    """Validate FILE and write it as a new shipped (seed) version of KEY; findings on stderr and exit 1 when
    refused. A running service's tables change through the governed API (docs/rules.md), not through files."""
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


def add_commands(commands: Any) -> None:
    """`rules test-dmn` and `rules publish`."""
    rules = commands.add_parser("rules", help="decision-table (DMN) tooling")
    sub = rules.add_subparsers(dest="rules_command", required=True)
    tck = sub.add_parser("test-dmn", help="run a DMN TCK test-case file against a model")
    tck.add_argument("model", help="the DMN model file")
    tck.add_argument("cases", help="the TCK test-cases file")
    tck.set_defaults(handler=_rules_test_dmn)
    publish = sub.add_parser("publish", help="validate a table file and write it as a new shipped (seed) version file")
    publish.add_argument("key", help="the table key, e.g. credit")
    publish.add_argument("file", help="the new table content (YAML or JSON)")
    publish.add_argument("--effective-from", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
    publish.add_argument("--effective-to", type=date.fromisoformat, default=None, help="YYYY-MM-DD (optional)")
    publish.add_argument("--tables", default="", help="tables directory (default: the shipped rules/tables)")
    publish.set_defaults(handler=_rules_publish)
