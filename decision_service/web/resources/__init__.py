"""One blueprint per resource, and the JSON answer they share."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response


def json_response(body: Any, status: int = 200, **headers: str) -> Response:
    """`body` (JSON values, dates and records orjson writes) as an application/json answer."""
    return Response(orjson.dumps(body), status=status, mimetype="application/json", headers=headers)
