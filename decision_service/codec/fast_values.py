"""The leaf converters of the fast request path: each returns the value the schema field would, or gives up.

`GiveUp` means "not sure": the caller falls back to the marshmallow schemas, which report the error.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, NoReturn

from decision_service.codec.schemas import fields as f


class GiveUp(Exception):
    """The converter is not sure the value is valid."""


def give_up() -> NoReturn:
    """Stop the fast path."""
    raise GiveUp


def obj(value: Any, required: frozenset[str], allowed: frozenset[str]) -> dict[str, Any]:
    """A JSON object with the required keys and no others."""
    if type(value) is not dict or not required <= value.keys() <= allowed:
        give_up()
    return value


def text(value: Any) -> str:
    """A bounded, non-empty ASCII string."""
    if type(value) is not str or not 0 < len(value) <= f.MAX_TEXT or not value.isascii():
        give_up()  # non-ASCII text is left to the schema's UTF-8 check
    return value


def integer(value: Any, high: int, low: int = 0) -> int:
    """An integer (not a bool) within [low, high]."""
    if type(value) is not int or not low <= value <= high:
        give_up()
    return value


def boolean(value: Any) -> bool:
    """A JSON boolean."""
    if value is not True and value is not False:
        give_up()
    return value


def money(value: Any) -> float:
    """A non-negative amount with at most four places, as a float."""
    if type(value) is int and 0 <= value <= f.MAX_MONEY:
        return float(value)
    if type(value) is float:
        # As the Money field reads a float (Decimal(repr(value))), without the Decimal: a finite float rounds to
        # itself at four places exactly when its shortest repr has at most four places.
        if math.isfinite(value) and 0 <= value <= f.MAX_MONEY and round(value, f.MONEY_PLACES) == value:
            return value
        give_up()
    if type(value) is not Decimal or not value.is_finite() or not 0 <= value <= f.MAX_MONEY:
        give_up()
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -f.MONEY_PLACES and f.decimal_places(value) > f.MONEY_PLACES:
        give_up()
    return float(value)


def day(value: Any) -> date:
    """A YYYY-MM-DD date within the accepted range."""
    if type(value) is not str or len(value) != 10 or not f.ISO_DATE.fullmatch(value):
        give_up()
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        give_up()
    if not f.MIN_DATE <= parsed <= f.MAX_DATE:
        give_up()
    return parsed


def rows(value: Any, make: Callable[[Any], Any], high: int = f.MAX_ROWS, low: int = 0) -> tuple[Any, ...]:
    """A list of bounded length, each row converted."""
    if type(value) is not list or not low <= len(value) <= high:
        give_up()
    return tuple([make(row) for row in value])  # a list comprehension: faster than a generator here


def optional(value: Any, convert: Callable[[Any], Any]) -> Any:
    """None for JSON null (or an absent key read as None), else the converted value."""
    return None if value is None else convert(value)


def keys(*names: str) -> frozenset[str]:
    """A frozen set of key names."""
    return frozenset(names)
