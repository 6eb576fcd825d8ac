"""What is wrong with a request, field by field: the codec's one error, which the web layer answers as 422."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class FieldError:
    """One offending field, named by its path in the request (`order.lines[2].qty`)."""

    field: str
    message: str


class InvalidRequest(ValueError):
    """Well-formed JSON that violates the request schema or its cross-references; `errors` names each field."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.detail = f"The request has {len(errors)} invalid field(s)."
        super().__init__(self.detail)
        self.errors = errors


def flatten_messages(messages: Any, path: tuple[str | int, ...] = ()) -> list[FieldError]:
    """marshmallow's nested error messages as a flat list of field paths and messages."""
    if isinstance(messages, Mapping):
        out: list[FieldError] = []
        for key, value in messages.items():
            out += flatten_messages(value, path if key == "_schema" else (*path, key))
        return out
    if isinstance(messages, list | tuple):
        return [e for m in messages for e in flatten_messages(m, path)]
    return [FieldError(format_path(path), str(messages))]


def format_path(path: tuple[str | int, ...]) -> str:
    """`("order", "lines", 2, "qty")` as `order.lines[2].qty`; the empty path is the whole body."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
