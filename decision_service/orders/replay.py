"""A replay: the recorded request decided again under the rule versions it recorded, compared with what was
answered level by level and fill by fill.

Which decisions replay bit for bit is in docs/allocation-reading.md: a proven one (and one cut short by the
work limit) must come out identical under the same software; one cut short by the wall clock may differ, and
the comparison says so instead of calling it an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LEVELS = ("on_time_units", "units", "margin", "tie_break")
MARGIN_TOLERANCE = 1e-6  # relative, as the spec allows on the margin level


@dataclass(frozen=True, slots=True)
class LevelComparison:
    level: int
    name: str
    recorded: float
    replayed: float
    identical: bool


@dataclass(frozen=True, slots=True)
class LineComparison:
    line: int
    identical: bool
    recorded_fills: tuple[Any, ...]
    replayed_fills: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Replay:
    """How the replayed decision compares with the recorded one."""

    decision_id: str
    identical: bool  # every level and every fill, and the status
    recorded_proven: bool
    same_software: bool
    levels: tuple[LevelComparison, ...]
    lines: tuple[LineComparison, ...]  # every line; fills listed only where they differ
    note: str


def compare(recorded: dict[str, Any], replayed: dict[str, Any], current_versions: dict[str, str]) -> Replay:
    """Compare two answers in the API's JSON (the recorded one and the replay's, both explained in full)."""
    levels = tuple(_level(k, name, recorded["objective"][name], replayed["objective"][name])
                   for k, name in enumerate(LEVELS, start=1))  # fmt: skip
    mine = {line["line"]: line for line in replayed["lines"]}
    lines = tuple(_line(line, mine.get(line["line"])) for line in recorded["lines"])
    identical = all(lv.identical for lv in levels) and all(ln.identical for ln in lines)
    identical = identical and recorded["status"] == replayed["status"] and len(mine) == len(lines)
    proven = bool(recorded["solver"].get("proven", False))
    same_software = recorded.get("versions") == current_versions
    return Replay(recorded["decision_id"], identical, proven, same_software, levels, lines,
                  _note(identical, proven, same_software, recorded["solver"]))  # fmt: skip


def _level(k: int, name: str, recorded: float, replayed: float) -> LevelComparison:
    if name == "margin":
        same = abs(recorded - replayed) <= MARGIN_TOLERANCE * max(1.0, abs(recorded))
    else:
        same = recorded == replayed
    return LevelComparison(k, name, recorded, replayed, same)


def _line(recorded: dict[str, Any], replayed: dict[str, Any] | None) -> LineComparison:
    mine = () if replayed is None else tuple(replayed["fills"])
    theirs = tuple(recorded["fills"])
    same = replayed is not None and theirs == mine
    return LineComparison(recorded["line"], same, () if same else theirs, () if same else mine)


def _note(identical: bool, proven: bool, same_software: bool, solver: dict[str, Any]) -> str:
    if identical:
        return "The replay is identical, level by level and fill by fill."
    if not proven:
        reason = solver.get("degraded_reason") or "a limit"
        return (f"The recorded decision was not proven optimal ({reason}): a search cut short by the wall clock "
                "may end elsewhere on another run, so a different answer is not an error.")  # fmt: skip
    if not same_software:
        return ("The recorded decision was made by other software versions (see versions): ties after level 4 "
                "may be broken differently; the levels' values must still be equal.")  # fmt: skip
    return "The recorded decision was proven optimal and the software is the same: a difference is an error."
