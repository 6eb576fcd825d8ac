"""Reading plain JSON values with their field paths: every refusal is an `InvalidRun` naming the field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from optimizers.reallocation.errors import InvalidRun

T = TypeVar("T")
_MISSING = object()


def obj(value: Any, path: str, known: set[str]) -> dict[str, Any]:
    """A JSON object without unknown fields (they are usually typos)."""
    if not isinstance(value, dict):
        raise InvalidRun(path or "$", "must be an object")
    extra = sorted(set(value) - known)
    if extra:
        raise InvalidRun(f"{path}.{extra[0]}" if path else extra[0], "unknown field")
    return value


def field(d: dict[str, Any], key: str, path: str, read: Callable[[Any, str], T], default: Any = _MISSING) -> T:
    """Field `key` of `d` read by `read`; absent or null gives `default`, or is refused when there is none."""
    where = f"{path}.{key}" if path else key
    if d.get(key) is None:
        if default is _MISSING:
            raise InvalidRun(where, "is required")
        return default  # type: ignore[no-any-return]
    return read(d[key], where)


def text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidRun(path, "must be a non-empty string")
    return value


def count(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidRun(path, "must be a non-negative integer")
    return value


def money(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or round(value, 4) != value:
        raise InvalidRun(path, "must be a number with at most 4 decimals")
    return float(value)


def flag(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidRun(path, "must be true or false")
    return value


def day(value: Any, path: str) -> date:
    try:
        return date.fromisoformat(text(value, path))
    except ValueError:
        raise InvalidRun(path, "must be a date YYYY-MM-DD") from None


def many(read: Callable[[Any, str], T]) -> Callable[[Any, str], tuple[T, ...]]:
    """A reader of a JSON list whose items `read` reads, each at `path[k]`."""

    def read_list(value: Any, path: str) -> tuple[T, ...]:
        if not isinstance(value, list):
            raise InvalidRun(path, "must be a list")
        return tuple(read(v, f"{path}[{k}]") for k, v in enumerate(value))

    return read_list


def texts(value: Any, path: str) -> tuple[str, ...]:
    return many(text)(value, path)
