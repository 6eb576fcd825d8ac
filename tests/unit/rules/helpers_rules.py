"""Small table builders shared by the rules tests."""

from typing import Any

from rules.compiled import CompiledTable, compile_table
from rules.model import DecisionTable
from rules.tableio import table_from_dict


def table(policy: str, rows: list[tuple[str, dict[str, Any], dict[str, Any]]], **extra: Any) -> DecisionTable:
    """A table over (age: integer [0..120], risk: "low","medium","high") from (id, when, then) rows."""
    outputs = extra.pop("outputs", [{"name": "status", "values": ["declined", "referred", "approved"]}])
    data = {
        "key": "t",
        "hit_policy": policy,
        "inputs": [
            {"name": "age", "type": "integer", "domain": "[0..120]"},
            {"name": "risk", "type": "string", "domain": ["low", "medium", "high"]},
        ],
        "outputs": outputs,
        "rules": [{"id": rid, "when": when, "then": then} for rid, when, then in rows],
        **extra,
    }
    return table_from_dict(data)


def compiled(policy: str, rows: list[tuple[str, dict[str, Any], dict[str, Any]]], **extra: Any) -> CompiledTable:
    """The same, compiled."""
    return compile_table(table(policy, rows, **extra), "test-version")
