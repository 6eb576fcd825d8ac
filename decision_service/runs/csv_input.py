"""A run's input as a folder of CSV files an ERP can export, read into the spec's JSON shape.

Files (headers on the first row; empty cells are absent values; booleans are true/false, yes/no or 1/0):
`orders.csv` id, customer, entity, ship_to_region, requested_date, created, channel; `lines.csv` order, line,
item, qty, unit_price, allow_substitution, ship_complete, confirmed_qty, list_price, contract_price;
`locations.csv` id, entity; `items.csv` id, unit_cost; `substitutes.csv` item, substitute, rank; `stock.csv`
item, location, qty, status; `inbound.csv` item, location, qty, eta; `shipping.csv` location, region, unit_cost,
transit_days; `lanes.csv` from, to, unit_cost, lead_days, capacity; `customers.csv` id, tier,
allow_substitution, max_shipments, credit_limit, open_balance, days_overdue, risk_score, contractual_penalty;
`protections.csv` item, location, qty, min_tier; and `run.json` with as_of, strategy and policy. Only
`orders.csv`, `lines.csv`, `locations.csv`, `items.csv` and `run.json` are required.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from optimizers.reallocation import InvalidRun

INTS = {"line", "qty", "confirmed_qty", "rank", "transit_days", "lead_days", "capacity", "max_shipments",
        "days_overdue"}  # fmt: skip
FLOATS = {"unit_price", "list_price", "contract_price", "unit_cost", "credit_limit", "open_balance", "risk_score"}
BOOLS = {"allow_substitution", "ship_complete", "contractual_penalty"}
NETWORK = ("locations", "items", "stock", "inbound", "shipping", "lanes", "customers", "protections")
REQUIRED = ("orders", "lines", "locations", "items")


def read_folder(folder: Path) -> dict[str, Any]:
    """The run the folder describes, in the spec's JSON shape; `InvalidRun` names file, row and column."""
    meta = folder / "run.json"
    if not meta.is_file():
        raise InvalidRun("run.json", f"missing in {folder}: it gives as_of, strategy and policy")
    try:
        data: dict[str, Any] = json.loads(meta.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise InvalidRun("run.json", f"not JSON: {exc}") from None
    tables = {name: _rows(folder, name) for name in (*NETWORK, "orders", "lines", "substitutes")}
    subs: dict[str, list[dict[str, Any]]] = {}
    for row in tables["substitutes"]:
        subs.setdefault(row["item"], []).append({"item": row["substitute"], "rank": row.get("rank", 1)})
    for item in tables["items"]:
        item["substitutes"] = subs.get(item["id"], [])
    for lane in tables["lanes"]:
        lane["from"], lane["to"] = lane.pop("from", None), lane.pop("to", None)
    data["network"] = {name: tables[name] for name in NETWORK}
    lines: dict[str, list[dict[str, Any]]] = {}
    for row in tables["lines"]:
        lines.setdefault(str(row.pop("order", "")), []).append(row)
    data["orders"] = [{**order, "lines": lines.get(order.get("id", ""), [])} for order in tables["orders"]]
    return data


def _rows(folder: Path, name: str) -> list[dict[str, Any]]:
    path = folder / f"{name}.csv"
    if not path.is_file():
        if name in REQUIRED:
            raise InvalidRun(f"{name}.csv", f"missing in {folder}")
        return []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [_typed(row, f"{name}.csv row {k}") for k, row in enumerate(csv.DictReader(handle), start=2)]


def _typed(row: dict[str, str | None], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column, text in row.items():
        if column is None or text is None or text.strip() == "":
            continue
        value = text.strip()
        reader: Callable[[str], Any] = int if column in INTS else float if column in FLOATS else str
        if column in BOOLS:
            reader = _flag
        try:
            out[column] = reader(value)
        except ValueError:
            raise InvalidRun(f"{where} column {column}", f"{value!r} is not a {reader.__name__}") from None
    return out


def _flag(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    raise ValueError(text)


def write_folder(data: dict[str, Any], folder: Path) -> None:
    """Write a run in the spec's JSON shape as the folder `read_folder` reads (examples and tests)."""
    folder.mkdir(parents=True, exist_ok=True)
    net = data["network"]
    meta = {k: data[k] for k in ("as_of", "strategy", "policy") if k in data}
    (folder / "run.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    items = [{k: v for k, v in i.items() if k != "substitutes"} for i in net["items"]]
    subs = [{"item": i["id"], "substitute": s["item"], "rank": s["rank"]} for i in net["items"]
            for s in i.get("substitutes", [])]  # fmt: skip
    tables = {**{name: net.get(name, []) for name in NETWORK}, "items": items, "substitutes": subs}
    tables["orders"] = [{k: v for k, v in o.items() if k != "lines"} for o in data["orders"]]
    tables["lines"] = [{"order": o["id"], **ln} for o in data["orders"] for ln in o["lines"]]
    for name, rows in tables.items():
        columns = list(dict.fromkeys(k for row in rows for k in row))
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)


def _cell(value: Any) -> Any:
    return "" if value is None else ("true" if value is True else "false" if value is False else value)
