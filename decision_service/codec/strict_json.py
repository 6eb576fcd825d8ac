"""Reading JSON text strictly, so that no two readers can see different documents in the same bytes.

A body that is not JSON at all is `NotJson` (the web answers 400). JSON that parses but could be read two ways,
or not exactly, is an `InvalidRequest` naming each offending field (422): a key given twice in one object (a
gateway that keeps the first value would check another order than the one decided), NaN or Infinity (not JSON
numbers, though many parsers accept them) and integers longer than `MAX_INT_DIGITS` digits.

Numbers with a fraction or exponent are read as `Decimal`, so their places survive for the schemas to check.
With `floats`, a body whose numbers all have at most four places and no exponent is read by orjson into floats,
about ten times faster: each such float is the nearest double to its text, so `repr` gives the text back. orjson
keeps the last of repeated keys, so its result is used only when the body has exactly as many key tokens (a
closing quote, optional white space, a colon) as the parsed objects have keys. Every key is such a token, and
text inside strings can only add more, so equal counts prove no key was repeated; otherwise the body is read
again exactly, and any repeated key is found and named.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import orjson

from decision_service.codec.errors import FieldError, InvalidRequest, format_path

MAX_INT_DIGITS = 20  # 64-bit integers have at most 20; every integer field of the API is far below that
_KEY_TOKEN = re.compile(rb'"[ \t\r\n]*:')
_SPACED_TOKEN = re.compile(rb'"[ \t\r\n]+:')
# A number with more than four places or an exponent, or anything that looks like one (a digit, a point and five
# digits; a digit and an e): such a body is read exactly (Decimal), never through binary floats. Found by
# mapping every digit to 0 and searching for fixed bytes, ten times faster than the equivalent regular
# expression `\d\.\d{5}|\d[eE]`.
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_INEXACT = (b"0.00000", b"0e", b"0E")


class NotJson(ValueError):
    """The bytes are not one well-formed JSON document."""


class _Repeated(dict[str, Any]):
    """An object in which some keys were given more than once (the last value kept, as `json` does)."""

    repeated: tuple[str, ...] = ()


class _Unread:
    """A number the service will not read: NaN or Infinity, or an integer too long."""

    def __init__(self, message: str) -> None:
        self.message = message


def maybe_inexact(raw: bytes) -> bool:
    """Does `raw` have a number with more than four places or an exponent (or something that looks like one)?"""
    zeroed = raw.translate(_DIGITS_TO_ZERO)
    return any(pattern in zeroed for pattern in _INEXACT)


def loads(raw: bytes, *, floats: bool = False) -> Any:
    """The JSON document in `raw`, read strictly (see the module's docstring)."""
    if floats and not maybe_inexact(raw):
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass  # read again exactly, which names the error
        else:
            if _key_tokens(raw) == _key_count(data):
                return data
    data = _exact(raw)
    errors = _offences(data)
    if errors:
        raise InvalidRequest(errors)
    return data


def _key_tokens(raw: bytes) -> int:
    """How many times a closing quote is followed (after optional white space) by a colon; a plain count of
    `":` when no white space comes between, which is how nearly every client writes JSON (half the time)."""
    if _SPACED_TOKEN.search(raw) is None:
        return raw.count(b'":')
    return len(_KEY_TOKEN.findall(raw))


def _exact(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise NotJson("The body is not valid UTF-8.") from None
    try:
        return json.loads(text, parse_float=Decimal, parse_int=_integer, parse_constant=_constant,
                          object_pairs_hook=_object)  # fmt: skip
    except RecursionError:
        raise NotJson("The JSON document is nested too deeply.") from None
    except ValueError as exc:
        raise NotJson(f"The body is not valid JSON: {exc}.") from None


def _integer(text: str) -> int | _Unread:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        return _Unread(f"An integer of {digits} digits; at most {MAX_INT_DIGITS} are read.")
    return int(text)


def _constant(name: str) -> _Unread:
    return _Unread(f"{name} is not a JSON number.")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) == len(pairs):
        return out
    seen: set[str] = set()
    again: dict[str, None] = {}  # insertion-ordered
    for key, _ in pairs:
        if key in seen:
            again[key] = None
        seen.add(key)
    repeated = _Repeated(out)
    repeated.repeated = tuple(again)
    return repeated


def _key_count(data: Any) -> int:
    count, stack = 0, [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            count += len(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return count


def _offences(data: Any) -> list[FieldError]:
    """Every repeated key and unread number, named by its path, in document order."""
    errors: list[FieldError] = []
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, _Unread):
            errors.append(FieldError(format_path(path), node.message))
        elif isinstance(node, dict):
            for key in getattr(node, "repeated", ()):
                errors.append(FieldError(format_path((*path, key)), f"The key {key!r} is given more than once."))
            stack.extend(((*path, k), v) for k, v in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(node))))
    return errors
