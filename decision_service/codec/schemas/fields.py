"""Strict field types shared by the request schemas: what JSON an ERP may send for each kind of value."""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate

MAX_QTY = 1_000_000_000
MAX_MONEY = 1_000_000_000
MAX_DAYS = 3650
MAX_TEXT = 128
MAX_LINES = 5000
MAX_ROWS = 100_000
MONEY_PLACES = 4
MAX_RISK_SCORE = 100
# Dates stay far enough from date.max that adding horizon, lead and transit days cannot overflow.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(9000, 12, 31)
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def quantity(**kwargs: Any) -> fields.Integer:
    """A non-negative integer count of units (1.5, "3" and booleans are refused)."""
    return fields.Integer(strict=True, validate=validate.Range(0, MAX_QTY), **kwargs)


def days(**kwargs: Any) -> fields.Integer:
    """A non-negative whole number of days."""
    return fields.Integer(strict=True, validate=validate.Range(0, MAX_DAYS), **kwargs)


def text(**kwargs: Any) -> fields.String:
    """A non-empty, bounded identifier or label that encodes as UTF-8."""
    return fields.String(validate=[validate.Length(1, MAX_TEXT), _encodable], **kwargs)


def rows(inner: fields.Field, max_len: int = MAX_ROWS, min_len: int = 0, **kwargs: Any) -> fields.List:
    """A list of bounded length."""
    return fields.List(inner, validate=validate.Length(min_len, max_len), **kwargs)


def _encodable(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("Must not contain unpaired surrogate code points.") from None


class StrictBoolean(fields.Boolean):
    """JSON `true` or `false` only; no "yes", 1 or "true"."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if value is True or value is False:
            return value
        raise self.make_error("invalid", input=value)


class Money(fields.Field[float]):
    """A non-negative decimal number with at most four decimal places."""

    default_error_messages = {
        "invalid": "Not a valid number.",
        "places": f"Must have at most {MONEY_PLACES} decimal places.",
        "range": f"Must be between 0 and {MAX_MONEY}.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if value is True or value is False or not isinstance(value, int | float | Decimal):
            raise self.make_error("invalid")
        if isinstance(value, float):
            if not math.isfinite(value):
                raise self.make_error("invalid")
            value = Decimal(repr(value))
        number = Decimal(value)
        if not number.is_finite():
            raise self.make_error("invalid")
        if not 0 <= number <= MAX_MONEY:
            raise self.make_error("range")
        if decimal_places(number) > MONEY_PLACES:
            raise self.make_error("places")
        return float(number)


def decimal_places(number: Decimal) -> int:
    """Places after the point once trailing zeros go; exact, without a decimal context that could trap."""
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    places = -exponent
    for digit in reversed(digits):
        if places <= 0 or digit != 0:
            break
        places -= 1
    return max(places, 0)


class IsoDate(fields.Field[date]):
    """A calendar date written exactly `YYYY-MM-DD`."""

    default_error_messages = {
        "invalid": "Not a valid date; use YYYY-MM-DD.",
        "range": f"Must be between {MIN_DATE} and {MAX_DATE}.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            raise self.make_error("invalid")
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise self.make_error("invalid") from None
        if not MIN_DATE <= day <= MAX_DATE:
            raise self.make_error("range")
        return day

    def _serialize(self, value: date | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else value.isoformat()
