"""`decision-service reallocate INPUT --out DIR`: one re-allocation run from a file or a folder of CSV files, with
a progress bar, written as JSON plus CSV of the changed lines and the KPIs."""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
import time
from pathlib import Path
from typing import Any


def _load(path: Path) -> dict[str, Any]:
    from decision_service.runs.csv_input import read_folder

    if path.is_dir():
        return read_folder(path)
    raw = path.read_bytes()
    data: dict[str, Any] = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    return data


def _ports() -> Any:
    """The default ports with the rules the service's store holds (the governed versions), or the shipped tables
    when the store holds none."""
    from dataclasses import replace

    from sqlalchemy.exc import SQLAlchemyError

    from decision_service.governance.book import RuleBook
    from decision_service.orders.log import StoreUnavailable
    from decision_service.orders.ports import Ports
    from decision_service.storage import database_url, open_log
    from decision_service.storage.migrate import upgrade
    from decision_service.web.config import Config
    from rules.service import RulesService
    from rules.versions import TableRegistry

    settings, ports = Config.from_env(), Ports.default()
    url = database_url(settings.DATABASE_URL, settings.DATA_DIR)
    if url.startswith("sqlite:"):  # the embedded store migrates itself, as `serve` and `keys create` do
        try:
            upgrade(url)
        except SQLAlchemyError as exc:
            raise StoreUnavailable(f"the store at {url} could not be migrated") from exc
    book = RuleBook(open_log(url), RulesService(registry=TableRegistry()))
    book.refresh()
    return replace(ports, rules=book.rules) if book.rules.registry.keys() else ports


def _reallocate(args: argparse.Namespace) -> int:
    """Read INPUT, run it, write DIR; refusals on stderr with exit 1, an unreadable store with exit 2."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from decision_service.codec.encode_run import run_body
    from decision_service.orders.log import StoreUnavailable
    from decision_service.runs.service import read_run, solve_run
    from optimizers.reallocation import InvalidRun
    from rules.errors import RulesError

    columns = (TextColumn("{task.description:<44}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, disable=args.quiet) as bar:
        task = bar.add_task("reading the input", total=4)
        try:
            data = _load(Path(args.input))
            if args.time_limit_ms:
                data.setdefault("policy", {})["time_limit_ms"] = args.time_limit_ms
            if args.counterfactuals:
                data.setdefault("policy", {})["counterfactuals"] = args.counterfactuals
            bar.update(task, advance=1, description="applying the pricing and credit tables")
            problem, versions = read_run(data, _ports())
        except (InvalidRun, RulesError, OSError, ValueError) as exc:
            bar.stop()
            print(f"refused: {exc}", file=sys.stderr)
            return 1
        except StoreUnavailable as exc:  # the rules in force are the store's: never run on others silently
            bar.stop()
            print(f"cannot read the rules in force: {exc} (is the store migrated? `decision-service db upgrade`)",
                  file=sys.stderr)  # fmt: skip
            return 2
        limit = problem.policy.time_limit_ms / 1000
        bar.update(task, advance=1, description=f"solving, every level proven (<= {limit:g} s)")
        decided = solve_run(problem, versions, started=time.perf_counter())
        bar.update(task, advance=1, description="writing")
        _write(Path(args.out), run_body(decided))
        bar.update(task, advance=1, description="done")
    total = decided.run.kpis.total
    print(f"{decided.run.status} in {decided.run.solver.wall_ms:.0f} ms: {total.allocated_units} of "
          f"{total.requested_units} units allocated; {args.out}/run.json, changed_lines.csv, kpis.csv")  # fmt: skip
    return 0


def _write(out: Path, body: dict[str, Any]) -> None:
    from decision_service.codec.encode_run import CHANGED_COLUMNS, changed_rows

    out.mkdir(parents=True, exist_ok=True)
    (out / "run.json").write_text(json.dumps(body, indent=1), encoding="utf-8")
    with (out / "changed_lines.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, CHANGED_COLUMNS)
        writer.writeheader()
        writer.writerows(changed_rows(body))
    kpis = body["kpis"]
    scopes = [("total", "all", kpis)] + [(kind, name, figures) for kind in ("by_tier", "by_segment")
                                         for name, figures in kpis[kind].items()]  # fmt: skip
    names = [k for k in kpis if k not in ("by_tier", "by_segment", "backorder_aging")]
    with (out / "kpis.csv").open("w", newline="", encoding="utf-8") as handle:
        table = csv.writer(handle)
        table.writerow(["scope", "name", *names])
        table.writerows([scope, name, *(figures[k] for k in names)] for scope, name, figures in scopes)


def add_commands(commands: Any) -> None:
    """`reallocate INPUT --out DIR`."""
    parser = commands.add_parser("reallocate", help="re-allocate the supply among many open orders (one run)")
    parser.add_argument("input", help="the spec's JSON input (.json or gzip), or a folder of CSV files")
    parser.add_argument("--out", required=True, help="folder for run.json, changed_lines.csv and kpis.csv")
    parser.add_argument("--time-limit-ms", type=int, default=0, help="override the policy's time limit")
    # `optimizers.reallocation.problem.COUNTERFACTUALS`, spelt out: importing it would load the engine (HiGHS,
    # NumPy) for every command the CLI starts.
    parser.add_argument("--counterfactuals", choices=("budget", "all", "none"), default=None,
                        help="override the policy's: how many counterfactuals to verify by re-solving (`all`: "
                        "every one, within the time limit)")  # fmt: skip
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=_reallocate)
