"""A schema that loads into one of the core's immutable records, so the response schemas read answers back."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, post_load, validate

from decision_service.codec.errors import InvalidRequest, flatten_messages


def one_of(enum: type[StrEnum]) -> validate.OneOf:
    """Only the values of `enum`."""
    return validate.OneOf([member.value for member in enum])


def load_valid(schema: Schema, payload: Any) -> Any:
    """What `schema` loads `payload` into, or `InvalidRequest` naming each offending field by its path."""
    try:
        return schema.load(payload)
    except ValidationError as exc:
        raise InvalidRequest(flatten_messages(exc.messages)) from None


class RecordSchema(Schema):
    """Loads into `RECORD(**fields)`: lists become tuples, each field of `ENUMS` its enum's member(s), and
    each field of `PAIRS` (a JSON object written from pairs) its (key, value) pairs in order."""

    RECORD: ClassVar[Callable[..., Any]]
    ENUMS: ClassVar[dict[str, type[StrEnum]]] = {}
    PAIRS: ClassVar[frozenset[str]] = frozenset()

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> Any:
        """The record these validated fields describe."""
        for key, value in data.items():
            if isinstance(value, list):
                data[key] = tuple(value)
        for key in self.PAIRS:
            data[key] = tuple(data[key].items())
        for key, enum in self.ENUMS.items():
            value = data.get(key)
            if isinstance(value, tuple):
                data[key] = tuple(enum(v) for v in value)
            elif value is not None:
                data[key] = enum(value)
        return self.RECORD(**data)
