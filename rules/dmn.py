"""Import decision tables from DMN 1.x XML (the decision-table subset), so tables authored in DMN modelers run here.

Supported: inputs (inputExpression typeRef and a plain name as expression, inputValues), outputs (name,
typeRef, outputValues, defaultOutputEntry), rules with unary-test input entries and literal output
entries, every hit policy and COLLECT aggregation. Anything else (boxed expressions, FEEL arithmetic in
output entries, nested decisions) is refused with a RulesError rather than guessed at.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from rules.errors import RulesError
from rules.model import Aggregation, DecisionTable, HitPolicy, InputColumn, OutputColumn, Rule
from rules.unary import RangeTest, parse_literal, parse_unary_tests

_BUILTIN = {"number": "number", "string": "string", "boolean": "boolean", "date": "date"}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z_0-9 ]*$")


def _text(element: ET.Element | None, path: str = "{*}text") -> str | None:
    if element is None:
        return None
    found = element.find(path)
    return None if found is None or found.text is None else found.text.strip()


def _builtin(type_ref: str | None) -> str | None:
    return None if type_ref is None else _BUILTIN.get(type_ref.split(":")[-1])


def _variable_types(root: ET.Element) -> dict[str, str]:
    """Types declared on inputData variables, used when an inputExpression has no typeRef."""
    types = {}
    for data in root.findall(".//{*}inputData"):
        variable = data.find("{*}variable")
        kind = _builtin(None if variable is None else variable.get("typeRef"))
        if kind is not None:
            types[data.get("name", "")] = kind
    return types


def _input(element: ET.Element, types: dict[str, str], decision: str) -> InputColumn:
    expression = element.find("{*}inputExpression")
    name = _text(expression)
    if not name or not _NAME.match(name):
        raise RulesError(f"decision {decision!r}: input expression {name!r} is not a plain name")
    kind = _builtin(None if expression is None else expression.get("typeRef")) or types.get(name)
    if kind is None:
        raise RulesError(f"decision {decision!r}: input {name!r} has no supported typeRef")
    domain = _text(element.find("{*}inputValues"))
    return InputColumn(name, kind, domain, nullable=True, label=element.get("label", ""))  # type: ignore[arg-type]


def _literal(text: str | None, where: str) -> Any:
    try:
        return None if text is None or text == "" else parse_literal(text)
    except RulesError as exc:
        raise RulesError(f"{where}: only literal output entries are supported ({exc})") from None


def _output(element: ET.Element, name: str, table_type: str | None) -> OutputColumn:
    values_text = _text(element.find("{*}outputValues"))
    values: tuple[Any, ...] = ()
    if values_text:
        values = tuple(t.interval.lo for t in parse_unary_tests(values_text) if isinstance(t, RangeTest))
    kind = _builtin(element.get("typeRef")) or table_type
    default = _literal(_text(element.find("{*}defaultOutputEntry")), f"default of output {name!r}")
    return OutputColumn(element.get("name") or name, kind, values, default)  # type: ignore[arg-type]


def _rule(element: ET.Element, n: int, decision: str) -> Rule:
    rule_id = element.get("id") or f"rule-{n + 1}"
    cells = tuple(e.text.strip() if e.text else "-" for e in element.findall("{*}inputEntry/{*}text"))
    outputs = tuple(
        _literal(e.text.strip() if e.text else None, f"decision {decision!r} rule {rule_id!r}")
        for e in element.findall("{*}outputEntry/{*}text")
    )
    description = _text(element, "{*}description") or ""
    return Rule(rule_id, cells, outputs, description=description)


def _table(decision: ET.Element, table: ET.Element, types: dict[str, str]) -> DecisionTable:
    name = decision.get("name", decision.get("id", "decision"))
    variable = decision.find("{*}variable")
    table_type = _builtin(table.get("typeRef") or (None if variable is None else variable.get("typeRef")))
    inputs = tuple(_input(e, types, name) for e in table.findall("{*}input"))
    outputs = tuple(_output(e, name, table_type) for e in table.findall("{*}output"))
    rules = tuple(_rule(e, n, name) for n, e in enumerate(table.findall("{*}rule")))
    for rule in rules:
        if len(rule.cells) != len(inputs) or len(rule.outputs) != len(outputs):
            raise RulesError(f"decision {name!r} rule {rule.id!r}: entry count differs from the columns")
    aggregation = table.get("aggregation")
    return DecisionTable(
        key=re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "decision",
        name=name,
        hit_policy=HitPolicy(table.get("hitPolicy", "UNIQUE")),
        aggregation=None if aggregation is None else Aggregation(aggregation),
        inputs=inputs,
        outputs=outputs,
        rules=rules,
    )


def import_dmn(source: str | Path) -> dict[str, DecisionTable]:
    """Decision tables of a DMN file (path) or document (XML text), by decision name."""
    try:
        text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
        root = ET.fromstring(text)
    except (OSError, ET.ParseError) as exc:
        raise RulesError(f"cannot read DMN model: {exc}") from None
    types = _variable_types(root)
    tables = {}
    for decision in root.findall(".//{*}decision"):
        table = decision.find("{*}decisionTable")
        if table is not None:
            tables[decision.get("name", "")] = _table(decision, table, types)
    if not tables:
        raise RulesError("the DMN model holds no decision table")
    return tables
