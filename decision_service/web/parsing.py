"""Reading request bodies strictly: declared JSON, uncompressed, UTF-8, read by `codec.strict_json`.

`StrictJsonParser` replaces webargs' lenient JSON loading for every `ApiBlueprint`, so a schema violation
raises `InvalidRequest` (answered by `errors.py`) instead of flask-smorest's own 422 format.
"""

from __future__ import annotations

from typing import Any, NoReturn

import marshmallow as ma
from flask import Request, request
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser

from decision_service.codec import strict_json
from decision_service.codec.errors import FieldError, InvalidRequest, flatten_messages
from decision_service.web.errors import MalformedJson, UnsupportedContentEncoding, UnsupportedContentType


def read_json_body(req: Request, *, floats: bool = False) -> Any:
    """The body as JSON, read strictly (`codec.strict_json`): declared JSON, not compressed, UTF-8, no repeated
    keys, no NaN or Infinity, no over-long integers; with `floats`, four-place numbers as floats."""
    if not req.is_json:
        raise UnsupportedContentType(f"Send the body as application/json, not {req.mimetype or 'no type'}.")
    coding = req.headers.get("Content-Encoding", "identity").strip().lower()
    if coding not in ("", "identity"):
        raise UnsupportedContentEncoding(f"Content-Encoding {coding!r} is not accepted; send the body uncompressed.")
    raw = req.get_data(cache=True)  # raises 413 past MAX_CONTENT_LENGTH
    if not raw.strip():
        raise MalformedJson("The request body is empty.")
    try:
        return strict_json.loads(raw, floats=floats)
    except strict_json.NotJson as exc:
        raise MalformedJson(str(exc)) from None


class StrictJsonParser(FlaskParser):
    """webargs parser whose JSON is `read_json_body` and whose errors are `InvalidRequest`."""

    def load_json(self, req: Request, schema: ma.Schema) -> Any:
        """The strictly parsed JSON body."""
        return read_json_body(req)

    def handle_error(
        self,
        error: ma.ValidationError,
        req: Request,
        schema: ma.Schema,
        *,
        error_status_code: int | None,
        error_headers: Any,
    ) -> NoReturn:
        """Raise the service's validation error, un-namespacing webargs' `{"json": ...}` (or query) wrapper."""
        messages: Any = error.messages
        if isinstance(messages, dict) and len(messages) == 1 and set(messages) <= {"json", "query"}:
            messages = next(iter(messages.values()))  # the body's or the query string's own field paths
        raise InvalidRequest(flatten_messages(messages))


class FloatJsonParser(StrictJsonParser):
    """`StrictJsonParser` reading plain four-place numbers as floats (`read_json_body(floats=True)`)."""

    def load_json(self, req: Request, schema: ma.Schema) -> Any:
        """The strictly parsed JSON body, four-place numbers as floats."""
        return read_json_body(req, floats=True)


class ApiBlueprint(Blueprint):
    """A flask-smorest blueprint parsing bodies with `StrictJsonParser`."""

    ARGUMENTS_PARSER = StrictJsonParser()


class FloatApiBlueprint(ApiBlueprint):
    """An `ApiBlueprint` whose bodies are read by `FloatJsonParser`: for schemas whose money fields take floats."""

    ARGUMENTS_PARSER = FloatJsonParser()


def refuse_repeated_query() -> None:
    """A query parameter given twice (`?item=A&item=B`) is a 422 naming it: no parameter of this API is a list,
    and taking the first or the last would answer a question other than the one asked."""
    repeated = sorted(key for key in request.args if len(request.args.getlist(key)) > 1)
    if repeated:
        raise InvalidRequest([FieldError(key, "Given more than once; give it once.") for key in repeated])
