"""Batch files read into a `Batch`: YAML (or JSON, its subset) composed with PyYAML's node marks so that every
refusal names the line and the field, e.g. `line 14, scenarios[2].modifiers[0].days: must be an integer`."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from scenarios.batches.errors import BatchError
from scenarios.batches.model import Base, Batch, Modifier, Scenario, Settings, Sweep
from scenarios.batches.specs import ONE_OF, SPECS

BASES = ("generator", "file", "input", "network_ref")
GENERATOR = {"seed": "int", "lines": "count", "items": "count", "locations": "count", "shortage": "number",
             "ship_complete": "number", "limited": "number"}  # fmt: skip


class _Reader:
    """Values with their paths; `lines` maps a path to the line it was written on."""

    def __init__(self, lines: dict[str, int]) -> None:
        self.lines = lines

    def fail(self, path: str, detail: str) -> BatchError:
        probe = path
        while probe and probe not in self.lines:  # the nearest enclosing field that has a line
            shorter = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", probe)
            probe = "" if shorter == probe else shorter
        return BatchError(path, detail, self.lines.get(probe))

    def obj(self, value: Any, path: str, known: set[str] | dict[str, Any]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, "must be a mapping")
        for key in value:
            if key not in known:
                raise self.fail(_join(path, str(key)), f"unknown field (expected one of {', '.join(sorted(known))})")
        return value

    def kind(self, kind: str, value: Any, path: str) -> Any:
        ok, message = READERS[kind]
        if not ok(value):
            raise self.fail(path, message)
        return value.isoformat() if isinstance(value, date) else value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _date(v: Any) -> bool:
    if isinstance(v, date):
        return True
    try:
        date.fromisoformat(v)
        return True
    except (TypeError, ValueError):
        return False


READERS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "int": (lambda v: isinstance(v, int) and not isinstance(v, bool), "must be an integer"),
    "count": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "must be a non-negative integer"),
    "number": (_number, "must be a number"),
    "percent": (lambda v: _number(v) and v >= -100, "must be a number of percent, at least -100"),
    "money": (lambda v: _number(v) and v >= 0, "must be a non-negative number"),
    "str": (lambda v: isinstance(v, str) and bool(v), "must be a non-empty string"),
    "strs": (lambda v: isinstance(v, list) and all(isinstance(x, str) and x for x in v), "must be a list of strings"),
    "bool": (lambda v: isinstance(v, bool), "must be true or false"),
    "date": (_date, "must be a date (YYYY-MM-DD)"),
    "capacity": (lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 0),
                 "must be a non-negative integer, or null for no limit"),
    "objects": (lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v), "must be a list of mappings"),
}  # fmt: skip


def _modifier(r: _Reader, value: Any, path: str) -> Modifier:
    if not isinstance(value, dict) or "type" not in value:
        raise r.fail(path, "must be a mapping with a `type`")
    kind = value["type"]
    if kind not in SPECS:
        raise r.fail(_join(path, "type"), f"unknown modifier type {kind!r} (one of {', '.join(SPECS)})")
    required, optional = SPECS[kind]
    r.obj(value, path, {"type", *required, *optional})
    params = {}
    for key, reader in {**required, **optional}.items():
        if key in value:
            params[key] = r.kind(reader, value[key], _join(path, key))
        elif key in required:
            raise r.fail(_join(path, key), "is required")
    if kind in ONE_OF and not any(k in params for k in ONE_OF[kind]):
        raise r.fail(path, f"a {kind} modifier needs one of {', '.join(ONE_OF[kind])}")
    if kind == "location_out" and params["to"] < params["from"]:
        raise r.fail(_join(path, "to"), "must not be before `from`")
    return Modifier(kind, params, path)


def _scenario(r: _Reader, value: Any, path: str) -> Scenario:
    d = r.obj(value, path, {"name", "modifiers"})
    name = r.kind("str", d.get("name"), _join(path, "name"))
    mods = d.get("modifiers") or []
    if not isinstance(mods, list):
        raise r.fail(_join(path, "modifiers"), "must be a list")
    return Scenario(name, tuple(_modifier(r, m, f"{path}.modifiers[{k}]") for k, m in enumerate(mods)))


def _base(r: _Reader, value: Any) -> Base:
    d = r.obj(value, "base", set(BASES))
    given = [k for k in BASES if k in d]
    if len(given) != 1:
        raise r.fail("base", f"give exactly one of {', '.join(BASES)}")
    kind = given[0]
    if kind == "network_ref":
        ref = r.obj(d[kind], "base.network_ref", {"id", "as_of", "orders", "strategy", "policy"})
        r.kind("str", ref.get("id"), "base.network_ref.id")
        return Base(kind, ref)
    if kind == "generator":
        g = r.obj(d[kind], "base.generator", GENERATOR)
        return Base(kind, {k: r.kind(GENERATOR[k], v, f"base.generator.{k}") for k, v in g.items()})
    if kind == "file":
        return Base(kind, r.kind("str", d[kind], "base.file"))
    return Base(kind, r.obj(d[kind], "base.input", {"as_of", "network", "orders", "strategy", "policy"}))


def _sweep(r: _Reader, value: Any) -> tuple[Sweep, list[Scenario]]:
    d = r.obj(value, "sweep", {"name", "modifier", "parameter", "values"})
    for key in ("modifier", "parameter", "values"):
        if key not in d:
            raise r.fail(f"sweep.{key}", "is required")
    name = r.kind("str", d.get("name", "sweep"), "sweep.name")
    parameter = r.kind("str", d["parameter"], "sweep.parameter")
    if not isinstance(d["values"], list) or not d["values"]:
        raise r.fail("sweep.values", "must be a non-empty list")
    template = d["modifier"]
    required, optional = SPECS.get(str(template.get("type")) if isinstance(template, dict) else "", ({}, {}))
    if parameter not in required and parameter not in optional:
        _modifier(r, template, "sweep.modifier")  # names a bad type or field first
        raise r.fail("sweep.parameter", f"is not a parameter of a {template.get('type')} modifier")
    out = []
    for k, v in enumerate(d["values"]):
        mod = _modifier(r, {**template, parameter: v}, f"sweep.values[{k}]")
        out.append(Scenario(f"{name} {parameter}={v}", (mod,), v))
    return Sweep(name, parameter, tuple(d["values"])), out


def _settings(r: _Reader, value: Any) -> Settings:
    kinds = {"time_limit_ms": "count", "top_changes": "count", "validate": "bool", "warm_start": "bool"}
    d = r.obj(value, "settings", kinds)
    return Settings(**{k: r.kind(kinds[k], v, f"settings.{k}") for k, v in d.items()})


def parse_batch(data: Any, lines: dict[str, int] | None = None, source_dir: str = ".") -> Batch:
    """A batch from its decoded document (`lines`: path -> line, when it came as YAML)."""
    r = _Reader(lines or {})
    d = r.obj(data, "", {"batch", "base", "settings", "baseline", "scenarios", "sweep"})
    if "base" not in d:
        raise r.fail("base", "is required")
    name = r.kind("str", d.get("batch", "batch"), "batch")
    baseline = d.get("baseline") or {}
    base_scn = _scenario(r, {"name": "baseline", **baseline}, "baseline")
    scns = d.get("scenarios") or []
    if not isinstance(scns, list):
        raise r.fail("scenarios", "must be a list")
    scenarios = [_scenario(r, s, f"scenarios[{k}]") for k, s in enumerate(scns)]
    sweep = None
    if "sweep" in d:
        sweep, swept = _sweep(r, d["sweep"])
        scenarios += swept
    if not scenarios:
        raise r.fail("scenarios", "give at least one scenario, or a sweep")
    seen = {base_scn.name}
    for k, s in enumerate(scenarios):
        if s.name in seen:
            raise r.fail(f"scenarios[{k}].name", f"{s.name!r} is used twice")
        seen.add(s.name)
    settings = _settings(r, d.get("settings") or {})
    return Batch(name, _base(r, d["base"]), base_scn, tuple(scenarios), settings, sweep, source_dir, r.lines)


def _marks(node: yaml.Node, path: str, lines: dict[str, int]) -> None:
    if path:
        lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _marks(value, _join(path, str(key.value)), lines)
            lines[_join(path, str(key.value))] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for k, value in enumerate(node.value):
            _marks(value, f"{path}[{k}]", lines)


def _isodates(value: Any) -> Any:
    """YAML reads unquoted dates as dates; the spec's input wants them as text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _isodates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_isodates(v) for v in value]
    return value


def load_batch(text: str, source_dir: str = ".") -> Batch:
    """A batch from YAML (or JSON) text; `BatchError` names the line and the field."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise BatchError("", f"not YAML: {exc.problem}", line) from None
    lines: dict[str, int] = {}
    data = _isodates(data)
    if node is not None:
        _marks(node, "", lines)
    return parse_batch(data, lines, source_dir)


def read_batch_file(path: str | Path) -> Batch:
    """The batch in a file; relative `base.file` paths are read beside it."""
    where = Path(path)
    return load_batch(where.read_text(encoding="utf-8"), str(where.parent))
