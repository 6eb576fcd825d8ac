"""Run DMN TCK-format test cases against an imported model: one line per case, then `N passed, M failed`."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from rules.casetests import dmn_equal
from rules.compiled import compile_table
from rules.dmn import import_dmn
from rules.errors import RulesError
from rules.evaluate import evaluate_compiled
from rules.explain import plain

_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
_XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


@dataclass(frozen=True, slots=True)
class TckCase:
    """One testCase: inputs by input-node name, expected results by decision name."""

    id: str
    inputs: dict[str, Any]
    expected: dict[str, Any]


def _scalar(element: ET.Element) -> Any:
    if element.get(_XSI_NIL) == "true":
        return None
    text = element.text or ""
    kind = (element.get(_XSI_TYPE) or "xsd:string").split(":")[-1]
    if kind in ("decimal", "double", "integer", "int", "long", "float"):
        return Decimal(text.strip())
    if kind == "boolean":
        return text.strip() == "true"
    return date.fromisoformat(text.strip()) if kind == "date" else text


def parse_value(node: ET.Element) -> Any:
    """A TCK value holder (inputNode, expected, item, component): a value, a list or a context."""
    if node.get(_XSI_NIL) == "true":
        return None
    value = node.find("{*}value")
    if value is not None:
        return _scalar(value)
    listed = node.find("{*}list")
    if listed is not None:
        return [parse_value(item) for item in listed.findall("{*}item")]
    components = node.findall("{*}component")
    if components:
        return {c.get("name", ""): parse_value(c) for c in components}
    return None


def parse_cases(path: str | Path) -> list[TckCase]:
    """All test cases of a TCK case file."""
    root = ET.parse(path).getroot()
    cases: list[TckCase] = []
    for case in root.findall("{*}testCase"):
        inputs = {n.get("name", ""): parse_value(n) for n in case.findall("{*}inputNode")}
        expected = {}
        for node in case.findall("{*}resultNode"):
            holder = node.find("{*}expected")
            expected[node.get("name", "")] = None if holder is None else parse_value(holder)
        cases.append(TckCase(case.get("id", str(len(cases) + 1)), inputs, expected))
    return cases


def _run_case(tables: dict[str, Any], case: TckCase) -> list[str]:
    """Failure messages of one case (empty when it passes)."""
    failures = []
    for decision, expected in case.expected.items():
        compiled = tables.get(decision)
        if compiled is None:
            failures.append(f"{decision}: no such decision table")
            continue
        inputs = {k: v for k, v in case.inputs.items() if k in compiled.names}
        try:
            result = evaluate_compiled(compiled, inputs)
            actual, error = result.value, result.error
        except RulesError as exc:
            actual, error = None, str(exc)
        if not dmn_equal(expected, actual):
            note = f" ({error})" if error else ""
            failures.append(f"{decision}: expected {plain(expected)!r}, actual {plain(actual)!r}{note}")
    return failures


def run_tck(model_path: str | Path, cases_path: str | Path, out: TextIO = sys.stdout) -> int:
    """Run a TCK case file against a DMN model; print one line per case; return the exit code (0 = all pass)."""
    try:
        tables = {name: compile_table(t) for name, t in import_dmn(Path(model_path)).items()}
        cases = parse_cases(cases_path)
    except (RulesError, OSError, ET.ParseError) as exc:
        print(f"error: {exc}", file=out)
        print("0 passed, 1 failed", file=out)
        return 2
    passed = 0
    for case in cases:
        failures = _run_case(tables, case)
        passed += not failures
        print(f"{case.id} pass" if not failures else f"{case.id} FAIL {'; '.join(failures)}", file=out)
    print(f"{passed} passed, {len(cases) - passed} failed", file=out)
    return 0 if passed == len(cases) else 1
