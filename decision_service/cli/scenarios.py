"""`decision-service scenarios run BATCH.yaml --out DIR [--workers N] [--executor local|ray]`: a planner's batch
of what-ifs over one order book, with a progress bar and an ETA, written as JSON, CSV and an HTML report.

Every worker applies the shipped pricing and credit tables (`Ports.default()`): a batch on a laptop or a Ray
cluster needs no decision store. The API's batches apply the rules in force in its store."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def _run(args: argparse.Namespace) -> int:
    """Read BATCH, run it, write DIR; a batch that cannot run is refused on stderr with exit 1."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from scenarios.batches import BatchError, read_batch_file, run_batch, write_results

    try:
        batch = read_batch_file(args.batch)
    except (BatchError, OSError) as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    columns = (TextColumn("{task.description:<36}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("ETA"), TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, disable=args.quiet) as bar:
        task = bar.add_task("reading the base", total=None)

        def progress(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name[:36])

        try:
            result = run_batch(batch, workers=args.workers, executor=args.executor, address=args.address,
                               progress=progress)  # fmt: skip
        except BatchError as exc:
            bar.stop()
            print(f"refused: {exc}", file=sys.stderr)
            return 1
        finally:
            if args.executor == "ray":
                import ray

                ray.shutdown()
    write_results(result, args.out)
    body, t = result.body, result.timings
    failed = f"; failed: {', '.join(body['failed'])}" if body["failed"] else ""
    print(f"{len(body['scenarios'])} scenarios and the baseline ({t['runs']} runs) in {t['total_s']:.1f} s on "
          f"{args.executor} x{args.workers}{failed}; {args.out}/report.html, results.json, scenarios.csv")  # fmt: skip
    return 2 if body["baseline"]["state"] == "failed" else 0


def add_commands(commands: Any) -> None:
    """`scenarios run BATCH --out DIR`."""
    parser = commands.add_parser("scenarios", help="scenario batches: what-ifs over a whole order book")
    sub = parser.add_subparsers(dest="scenarios_command", required=True)
    run = sub.add_parser("run", help="run a batch file and write its results and report")
    run.add_argument("batch", help="the batch file (YAML; docs/scenario-batches.md)")
    run.add_argument("--out", required=True, help="folder for report.html, results.json and the CSV tables")
    run.add_argument(
        "--workers",
        type=int,
        default=1,
        help="local: this process and N-1 pool processes; ray: CPUs of a local Ray instance",
    )
    run.add_argument("--executor", choices=("local", "ray"), default="local")
    run.add_argument("--address", default=None, help="a Ray cluster to join (with --executor ray)")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(handler=_run)
