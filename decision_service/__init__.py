"""The allocation decision service: a Flask app built by `create_app`."""

from __future__ import annotations

from flask import Flask

from decision_service.config import Config
from decision_service.errors import register_error_handlers
from decision_service.openapi import build_api
from decision_service.ports import (
    EXTENSION_KEY,
    Clock,
    DecideFn,
    Ports,
    SystemClock,
    engine_decide,
    load_rules,
    tables_dir,
)
from rules.service import RulesService

__all__ = ["Config", "create_app"]


def create_app(
    config: Config | None = None,
    *,
    clock: Clock | None = None,
    decide: DecideFn | None = None,
    rules: RulesService | None = None,
) -> Flask:
    """Build the service: configuration (from the environment unless given), ports, OpenAPI and blueprints."""
    settings = config if config is not None else Config.from_env()
    app = Flask(__name__)
    app.config.from_mapping(settings.as_flask())
    clock = clock or SystemClock()
    rules = rules or load_rules(tables_dir(settings.RULES_DIR), clock)
    app.extensions[EXTENSION_KEY] = Ports(clock=clock, decide=decide or engine_decide, rules=rules)
    build_api(app)
    register_error_handlers(app)  # after the Api: replaces flask-smorest's own HTTPException handler
    return app
