"""A re-allocation run's body as received: JSON within the run size limit (gzip accepted), split into the spec's
input, its text (which the log keeps) and the service's own options."""

from __future__ import annotations

import zlib
from typing import Any

from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from decision_service.codec import strict_json
from decision_service.web.errors import MalformedJson, UnsupportedContentEncoding, UnsupportedContentType

OPTIONS = ("async", "mode", "network_ref")  # the service's own fields beside the spec's input


def read_run_body() -> tuple[dict[str, Any], str, dict[str, Any]]:
    """The run's input (JSON, gzip accepted) within the run size limit: the spec's part, its text as received,
    and the service's options (`async`, `mode`, `network_ref`)."""
    if not request.is_json:
        raise UnsupportedContentType(f"Send the body as application/json, not {request.mimetype or 'no type'}.")
    limit = current_app.config["MAX_RUN_BYTES"]
    request.max_content_length = limit
    raw = request.get_data(cache=True)  # 413 past the run size limit
    coding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if coding == "gzip":
        raw = _gunzip(raw, limit)
    elif coding not in ("", "identity"):
        raise UnsupportedContentEncoding(f"Content-Encoding {coding!r} is not accepted; send gzip or identity.")
    try:
        data = strict_json.loads(raw, floats=True)
    except strict_json.NotJson as exc:
        raise MalformedJson(str(exc)) from None
    if not isinstance(data, dict):
        raise MalformedJson("The body must be a JSON object.")
    options = {k: data.pop(k) for k in OPTIONS if k in data}
    return data, raw.decode("utf-8"), options


def _gunzip(raw: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, limit + 1)
    except zlib.error as exc:
        raise MalformedJson(f"The gzip body does not inflate: {exc}") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise RequestEntityTooLarge(f"The inflated body exceeds the run size limit of {limit} bytes.")
    return out
