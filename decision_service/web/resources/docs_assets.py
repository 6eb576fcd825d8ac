"""Swagger UI's scripts and styles served by the service itself, so `/docs` works with no internet."""

from __future__ import annotations

from flask import Blueprint, Response, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("docs_assets", __name__)


@bp.get("/docs/assets/<path:name>")
def asset(name: str) -> Response:
    """One file of the vendored Swagger UI (404 for anything else)."""
    return send_from_directory(str(swagger_ui_path), name, max_age=86400)
