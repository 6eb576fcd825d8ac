"""A batch as planners write it: a base order book, a baseline, scenarios (lists of modifiers) or a sweep."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEFAULT_TIME_LIMIT_MS = 20_000
DEFAULT_TOP_CHANGES = 20


@dataclass(frozen=True, slots=True)
class Modifier:
    """One change to the base: its `type` (see `modifiers.SPECS`) and its parameters, as written."""

    type: str
    params: dict[str, Any]
    path: str = ""  # where it was written, for errors found later (`scenarios[1].modifiers[0]`)


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    modifiers: tuple[Modifier, ...] = ()
    sweep_value: Any = None  # the swept parameter's value, for scenarios a sweep made


@dataclass(frozen=True, slots=True)
class Base:
    """Where the order book comes from: exactly one of `generator` (arguments of `scenarios.orderbook.order_book`),
    `file` (the spec's JSON input, or a folder of CSV files), `input` (the spec's input inline), `network_ref`
    (`id`: a stored network, with the spec's input less `network`; read by the API, which has the store)."""

    kind: str
    value: Any


@dataclass(frozen=True, slots=True)
class Settings:
    time_limit_ms: int = DEFAULT_TIME_LIMIT_MS  # per scenario run
    top_changes: int = DEFAULT_TOP_CHANGES  # most changed orders reported per scenario
    validate: bool = True  # run the solver-free validator on every scenario's run
    warm_start: bool = True  # start each scenario's levels from the baseline's bases (`optimizers.reallocation.warm`)


@dataclass(frozen=True, slots=True)
class Sweep:
    name: str
    parameter: str
    values: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Batch:
    name: str
    base: Base
    baseline: Scenario
    scenarios: tuple[Scenario, ...]
    settings: Settings = field(default_factory=Settings)
    sweep: Sweep | None = None
    source_dir: str = "."  # relative `file` bases are read from here
    lines: dict[str, int] = field(default_factory=dict, compare=False)  # path -> line in the batch file

    def all_scenarios(self) -> tuple[Scenario, ...]:
        """The baseline first, then every scenario in the order written."""
        return (self.baseline, *self.scenarios)
