"""The allocation decision service: a Flask app built by `create_app`."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from decision_service.config import Config
from decision_service.errors import register_error_handlers
from decision_service.ports import EXTENSION_KEY, Clock, DecideFn, Ports, SystemClock, engine_decide
from decision_service.resources import allocations, health
from decision_service.schemas.fields import IsoDate, Money
from decision_service.schemas.response import ProblemSchema

__all__ = ["Config", "create_app"]


class ProblemApi(Api):
    """flask-smorest's Api, documenting errors as RFC 9457 problem documents."""

    ERROR_SCHEMA = ProblemSchema


def create_app(config: Config | None = None, *, clock: Clock | None = None, decide: DecideFn | None = None) -> Flask:
    """Build the service: configuration (from the environment unless given), ports, OpenAPI and blueprints."""
    settings = config if config is not None else Config.from_env()
    app = Flask(__name__)
    app.config.from_mapping(settings.as_flask())
    app.extensions[EXTENSION_KEY] = Ports(clock=clock or SystemClock(), decide=decide or engine_decide)
    api = ProblemApi(app)
    api.register_field(Money, "number", None)
    api.register_field(IsoDate, "string", "date")
    api.register_blueprint(allocations.blp)
    api.register_blueprint(health.blp)
    register_error_handlers(app)  # after Api(): replaces flask-smorest's own HTTPException handler
    return app
