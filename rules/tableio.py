"""Tables as plain dicts (the YAML files, API drafts) and back, plus the content hash that names a version."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from rules.errors import TableValidationError
from rules.explain import plain
from rules.findings import Finding
from rules.model import Aggregation, DecisionTable, HitPolicy, InputColumn, OutputColumn, Rule
from rules.tablecheck import as_date, check_structure, tests_from
from rules.unary import literal_text

_POLICY_ALIASES = {
    "U": "UNIQUE",
    "A": "ANY",
    "P": "PRIORITY",
    "F": "FIRST",
    "R": "RULE ORDER",
    "O": "OUTPUT ORDER",
    "C": "COLLECT",
}
_AGGREGATION_ALIASES = {"+": "SUM", "<": "MIN", ">": "MAX", "#": "COUNT"}


def cell_text(value: Any) -> str:
    """Unary-test text for a YAML cell: strings are tests already; lists are lists of literals."""
    if isinstance(value, str):
        return value.strip() or "-"
    if isinstance(value, list):
        return ", ".join(literal_text(v) for v in value)
    return literal_text(value)


def output_value(value: Any, column_type: str | None) -> Any:
    """Outputs keep YAML's value, with numbers made exact so sums add up to the cent."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return int(value) if column_type == "integer" and value == int(value) else Decimal(str(value))
    return value


def _policy(data: dict[str, Any]) -> tuple[HitPolicy, Aggregation | None]:
    text = str(data.get("hit_policy", "UNIQUE")).upper().strip()
    aggregation = data.get("aggregation")
    if text[:2] in ("C+", "C<", "C>", "C#"):
        text, aggregation = "COLLECT", _AGGREGATION_ALIASES[text[1]]
    policy = HitPolicy(_POLICY_ALIASES.get(text, text))
    return policy, None if aggregation is None else Aggregation(str(aggregation).upper())


def _outputs(data: dict[str, Any]) -> tuple[OutputColumn, ...]:
    out = []
    for raw in data.get("outputs") or []:
        kind = raw.get("type")
        values = tuple(output_value(v, kind) for v in raw.get("values") or ())
        out.append(OutputColumn(str(raw["name"]), kind, values, output_value(raw.get("default"), kind)))
    return tuple(out)


def _rule(raw: dict[str, Any], inputs: tuple[InputColumn, ...], outputs: tuple[OutputColumn, ...]) -> Rule:
    when, then = raw.get("when") or {}, raw.get("then") or {}
    return Rule(
        id=str(raw["id"]),
        cells=tuple(cell_text(when.get(column.name, "-")) for column in inputs),
        outputs=tuple(output_value(then.get(column.name), column.type) for column in outputs),
        description=str(raw.get("description", "")),
        reason=str(raw.get("reason", "")),
    )


def table_from_dict(data: dict[str, Any]) -> DecisionTable:
    """Build a table from its dict form; raises TableValidationError naming what is malformed."""
    findings = check_structure(data)
    if findings:
        raise TableValidationError("malformed table", findings)
    try:
        policy, aggregation = _policy(data)
    except ValueError as exc:
        raise TableValidationError("malformed table", [Finding("structure", "error", str(exc))]) from None
    inputs = tuple(
        InputColumn(
            str(raw["name"]),
            raw["type"],
            None if raw.get("domain") is None else cell_text(raw["domain"]),
            bool(raw.get("nullable", False)),
            str(raw.get("label", "")),
        )
        for raw in data.get("inputs") or []
    )
    outputs = _outputs(data)
    return DecisionTable(
        key=str(data["key"]),
        hit_policy=policy,
        inputs=inputs,
        outputs=outputs,
        rules=tuple(_rule(raw, inputs, outputs) for raw in data.get("rules") or []),
        aggregation=aggregation,
        complete=bool(data.get("complete", False)),
        name=str(data.get("name", "")),
        description=str(data.get("description", "")),
        owner=str(data.get("owner", "")),
        effective_from=as_date(data.get("effective_from")),
        effective_to=as_date(data.get("effective_to")),
        tests=tests_from(data),
    )


def table_to_dict(table: DecisionTable, with_tests: bool = True) -> dict[str, Any]:
    """The canonical dict form: what files hold and what the content hash covers."""
    data: dict[str, Any] = {
        "key": table.key,
        "name": table.name,
        "description": table.description,
        "owner": table.owner,
        "hit_policy": table.hit_policy.value,
        "aggregation": None if table.aggregation is None else table.aggregation.value,
        "complete": table.complete,
        "effective_from": table.effective_from,
        "effective_to": table.effective_to,
        "inputs": [
            {"name": c.name, "type": c.type, "domain": c.domain, "nullable": c.nullable, "label": c.label}
            for c in table.inputs
        ],
        "outputs": [
            {"name": c.name, "type": c.type, "values": list(c.values), "default": c.default} for c in table.outputs
        ],
        "rules": [
            {
                "id": r.id,
                "description": r.description,
                "reason": r.reason,
                "when": {c.name: text for c, text in zip(table.inputs, r.cells, strict=True) if text != "-"},
                "then": {c.name: v for c, v in zip(table.outputs, r.outputs, strict=True)},
            }
            for r in table.rules
        ],
    }
    if with_tests:
        data["tests"] = [{"id": t.id, "given": t.given, "expect": t.expect} for t in table.tests]
    return plain(data)  # type: ignore[no-any-return]


def content_hash(table: DecisionTable) -> str:
    """sha256 of the canonical form (tests excluded: they check a version, they are not part of it)."""
    canonical = json.dumps(table_to_dict(table, with_tests=False), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
