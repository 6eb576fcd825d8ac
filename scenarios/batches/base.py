"""The base order book of a batch as the spec's input (a plain dict), from wherever the batch says.

Kinds: `generator` (`scenarios.orderbook.order_book` by seed and size), `file` (the spec's JSON input, gzip
accepted, or a folder of CSV files as `decision_service.runs.csv_input` reads it) and `input` (inline). A
`network_ref` kind (a stored network and the orders to re-decide) is read by the service that keeps the store
(`runs.live.resolve_run`, as for `POST /v1/reallocations`), which hands `prepare` the same dict.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from scenarios.batches.errors import BatchError
from scenarios.batches.model import Base


def base_input(base: Base, source_dir: str = ".") -> dict[str, Any]:
    """The base's order book in the spec's input shape; `BatchError` when it cannot be read."""
    if base.kind == "generator":
        from decision_service.codec.encode_run import input_body
        from scenarios.orderbook import order_book

        args = dict(base.value)
        return input_body(order_book(args.pop("seed", 1), **args))
    if base.kind == "input":
        data: dict[str, Any] = base.value
        return data
    if base.kind == "file":
        return _read(Path(source_dir) / base.value)
    if base.kind == "network_ref":
        raise BatchError("base.network_ref", "a stored network is read by the service that keeps it: send this "
                         "batch to POST /v1/scenario-batches")  # fmt: skip
    raise BatchError(f"base.{base.kind}", "this kind of base is not available yet")


def _read(path: Path) -> dict[str, Any]:
    from decision_service.runs.csv_input import read_folder
    from optimizers.reallocation import InvalidRun

    try:
        if path.is_dir():
            return read_folder(path)
        raw = path.read_bytes()
        data = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    except InvalidRun as exc:
        raise BatchError(f"base.file ({exc.field})", exc.detail) from None
    except (OSError, ValueError) as exc:
        raise BatchError("base.file", f"cannot be read: {exc}") from None
    if not isinstance(data, dict):
        raise BatchError("base.file", "must hold the spec's input: a JSON object")
    return data
