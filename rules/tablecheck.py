"""Structural checks on a table's dict form, before any cell is parsed: names, types, policies, ids."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from rules.findings import Finding
from rules.model import COLUMN_TYPES, TestCase

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_-]*$")
_POLICIES = {
    "UNIQUE",
    "ANY",
    "PRIORITY",
    "FIRST",
    "RULE ORDER",
    "OUTPUT ORDER",
    "COLLECT",
    "U",
    "A",
    "P",
    "F",
    "R",
    "O",
    "C",
    "C+",
    "C<",
    "C>",
    "C#",
}


def as_date(value: Any) -> date | None:
    """A date from YAML (already a date) or JSON (an ISO string)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _bad(message: str, rows: tuple[str, ...] = (), column: str | None = None) -> Finding:
    return Finding("structure", "error", message, rows, column)


def _columns(data: dict[str, Any], section: str, out: list[Finding]) -> set[str]:
    names: set[str] = set()
    raw_columns = data.get(section) or []
    if not isinstance(raw_columns, list):
        out.append(_bad(f"{section} must be a list"))
        return names
    for raw in raw_columns:
        name = raw.get("name") if isinstance(raw, dict) else None
        if not isinstance(name, str) or not name:
            out.append(_bad(f"every entry of {section} needs a name"))
            continue
        if name in names:
            out.append(_bad(f"duplicate {section[:-1]} {name!r}", column=name))
        names.add(name)
        kind = raw.get("type")
        if (section == "inputs" or kind is not None) and kind not in COLUMN_TYPES:
            out.append(_bad(f"type {kind!r} is not one of {', '.join(COLUMN_TYPES)}", column=name))
    return names


def _rules(data: dict[str, Any], inputs: set[str], outputs: set[str], out: list[Finding]) -> None:
    seen: set[str] = set()
    for raw in data.get("rules") or []:
        rule_id = str(raw.get("id", "")) if isinstance(raw, dict) else ""
        if not rule_id:
            out.append(_bad("every rule needs an id"))
            continue
        if rule_id in seen:
            out.append(_bad(f"duplicate rule id {rule_id!r}", (rule_id,)))
        seen.add(rule_id)
        for section, allowed in (("when", inputs), ("then", outputs)):
            for name in raw.get(section) or {}:
                if name not in allowed:
                    out.append(_bad(f"{section} names unknown column {name!r}", (rule_id,), str(name)))


def _policy(data: dict[str, Any], out: list[Finding]) -> None:
    policy = str(data.get("hit_policy", "UNIQUE")).upper().strip()
    if policy not in _POLICIES:
        out.append(_bad(f"hit policy {policy!r} is not a DMN hit policy"))
        return
    aggregated = data.get("aggregation") is not None or policy[:2] in ("C+", "C<", "C>", "C#")
    if aggregated and policy[0] != "C":
        out.append(_bad("an aggregation needs the COLLECT hit policy"))
    if aggregated and len(data.get("outputs") or []) != 1:
        out.append(_bad("COLLECT with an aggregation needs exactly one output"))
    if policy in ("PRIORITY", "P", "OUTPUT ORDER", "O") and not any(
        raw.get("values") for raw in data.get("outputs") or [] if isinstance(raw, dict)
    ):
        out.append(_bad(f"{policy} needs output values in priority order"))


def check_structure(data: Any) -> list[Finding]:
    """Everything that must hold before the table can even be built."""
    if not isinstance(data, dict):
        return [_bad("a table must be a mapping")]
    out: list[Finding] = []
    if not isinstance(data.get("key"), str) or not KEY_PATTERN.match(data["key"]):
        out.append(_bad("key must be lower-case letters, digits, '-' or '_'"))
    inputs = _columns(data, "inputs", out)
    outputs = _columns(data, "outputs", out)
    if not outputs:
        out.append(_bad("a table needs at least one output"))
    _rules(data, inputs, outputs, out)
    _policy(data, out)
    for field in ("effective_from", "effective_to"):
        try:
            as_date(data.get(field))
        except ValueError:
            out.append(_bad(f"{field} must be an ISO date"))
    return out


def tests_from(data: dict[str, Any]) -> tuple[TestCase, ...]:
    """The worked examples shipped with a table."""
    return tuple(
        TestCase(str(raw.get("id", i + 1)), dict(raw.get("given") or {}), raw.get("expect"))
        for i, raw in enumerate(data.get("tests") or [])
    )
