"""The Flask app over the order-level service: `create_app` wires configuration, ports, OpenAPI and blueprints.

Views only parse (the codec), call the service (`decision_service.orders`) and serialise (the codec).
"""

from __future__ import annotations

import time

from flask import Flask, g

from decision_service.codec.defaults import RequestDefaults, use_defaults
from decision_service.orders.keys import KeyStore
from decision_service.orders.log import DecisionLog
from decision_service.orders.ports import Clock, DecideFn, Ports, SystemClock, engine_decide, load_rules, tables_dir
from decision_service.storage import (
    database_url,
    open_idempotency,
    open_keys,
    open_log,
    open_networks,
    open_progress,
)
from decision_service.web import access, governing, idempotency, running
from decision_service.web.compression import compress_answers
from decision_service.web.config import Config
from decision_service.web.context import EXTENSION_KEY
from decision_service.web.errors import register_error_handlers
from decision_service.web.openapi import build_api
from decision_service.web.parsing import refuse_repeated_query
from decision_service.web.recording import LOG_KEY
from decision_service.web.resources.networks import NETWORKS_KEY
from rules.service import RulesService

__all__ = ["Config", "create_app"]


def create_app(
    config: Config | None = None,
    *,
    clock: Clock | None = None,
    decide: DecideFn | None = None,
    rules: RulesService | None = None,
    log: DecisionLog | None = None,
    keys: KeyStore | None = None,
) -> Flask:
    """Build the service: configuration (from the environment unless given), ports, access, OpenAPI, blueprints.
    `rules` are the shipped tables: the seed of the rule store the decision log keeps."""
    settings = config if config is not None else Config.from_env()
    app = Flask(__name__)
    app.config.from_mapping(settings.as_flask())
    clock = clock or SystemClock()
    shipped = rules or load_rules(tables_dir(settings.RULES_DIR), clock)
    url = database_url(settings.DATABASE_URL, settings.DATA_DIR)
    app.extensions[LOG_KEY] = log = log or open_log(url, sqlite_synchronous=settings.SQLITE_SYNCHRONOUS)
    app.extensions[NETWORKS_KEY] = open_networks(log)
    live = governing.install(app, log, shipped, clock, settings.RULES_FOUR_EYES)  # the log keeps the rules
    per_second = settings.MAX_CANDIDATES_PER_SECOND or None
    app.extensions[EXTENSION_KEY] = ports = Ports(
        clock, decide or engine_decide, live, candidates_per_second=per_second
    )
    running.install(app, ports, log, app.extensions[NETWORKS_KEY], open_progress(log))
    defaults = RequestDefaults(today=clock.today, time_limit_ms=settings.DEFAULT_TIME_LIMIT_MS)

    @app.before_request
    def receive() -> None:
        """Note when the request arrived (time limits count from here) and the defaults its schemas read."""
        g.received = time.perf_counter()
        use_defaults(defaults)  # in the thread serving the request

    compress_answers(app)
    keys_url = database_url(settings.KEYS_DATABASE_URL, settings.DATA_DIR) if settings.KEYS_DATABASE_URL else url
    access.install(app, keys if keys is not None else open_keys(keys_url))  # after `receive`: 401/403 before views
    app.before_request(refuse_repeated_query)
    idempotency.install(app, open_idempotency(log))  # after access: keys are scoped to the API key

    build_api(app)
    register_error_handlers(app)  # after the Api: replaces flask-smorest's own HTTPException handler
    return app
