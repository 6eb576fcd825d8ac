"""`/v1/networks/{id}`: the ERP's network kept live: loaded whole, changed by events, read as availability."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import orjson
from flask import Response, current_app
from marshmallow import RAISE

from decision_service.codec.network_rows import snapshot_rows
from decision_service.codec.schemas.network import NetworkSchema
from decision_service.codec.schemas.network_events import EventBatchSchema, field_errors, load_events
from decision_service.codec.schemas.network_state import (
    AvailabilityQuerySchema,
    AvailabilitySchema,
    EventsAppliedSchema,
    NetworkLoadedSchema,
)
from decision_service.network.availability import availability_of
from decision_service.network.events import apply_events
from decision_service.network.model import InvalidEvent
from decision_service.network.port import NetworkStore
from decision_service.web.context import current_ports
from decision_service.web.parsing import FloatApiBlueprint
from decision_service.web.resources.problems import PROBLEM, reads_json_body

NETWORKS_KEY = "networks"
blp = FloatApiBlueprint("networks", __name__, url_prefix="/v1", description="Live network state and availability.")
NOT_FOUND = "No network with that id has been loaded (PUT it first)."
UNAVAILABLE = "The store cannot be reached; nothing was read or changed. Retry shortly."


def current_networks() -> NetworkStore:
    """The network store of the app serving the current request."""
    store: NetworkStore = current_app.extensions[NETWORKS_KEY]
    return store


def _json(body: Any) -> Response:
    return Response(orjson.dumps(body), mimetype="application/json")


@blp.route("/networks/<network_id>", methods=["PUT"])
@blp.arguments(NetworkSchema)
@blp.response(200, NetworkLoadedSchema)
@blp.alt_response(422, description="Invalid field or reference; `errors` names each by path.", **PROBLEM)
@blp.alt_response(503, description=UNAVAILABLE, **PROBLEM)
@reads_json_body(blp)
def load_network(network: dict[str, Any], network_id: str) -> Response:
    """Load a full snapshot of a network (the shape of a request's `network`), replacing its rows."""
    tables = snapshot_rows(network)
    current_networks().load(network_id, tables)
    return _json({"network_id": network_id, "rows": {kind: len(rows) for kind, rows in tables.items()}})


@blp.route("/networks/<network_id>/events", methods=["POST"])
@blp.arguments(EventBatchSchema)
@blp.response(200, EventsAppliedSchema)
@blp.alt_response(404, description=NOT_FOUND, **PROBLEM)
@blp.alt_response(422, description="An invalid or impossible event; `errors` names its field. Nothing changed.",
                  **PROBLEM)  # fmt: skip
@blp.alt_response(503, description=UNAVAILABLE, **PROBLEM)
@reads_json_body(blp)
def post_events(batch: dict[str, Any], network_id: str) -> Response:
    """Apply a batch of events in order, all or none; an event id applied before is a no-op."""
    events = load_events(batch)
    now = datetime.now(UTC)
    try:
        applied = current_networks().commit(network_id, lambda changes: apply_events(changes, events, now))
    except InvalidEvent as exc:
        raise field_errors(exc.errors) from None
    return _json({"network_id": network_id, "applied": applied.applied, "replayed": applied.replayed})


@blp.route("/networks/<network_id>/availability", methods=["GET"])
@blp.arguments(AvailabilityQuerySchema, location="query", unknown=RAISE)
@blp.response(200, AvailabilitySchema)
@blp.alt_response(404, description=NOT_FOUND, **PROBLEM)
@blp.alt_response(422, description="A missing or invalid query field, named in `errors`.", **PROBLEM)
@blp.alt_response(503, description=UNAVAILABLE, **PROBLEM)
def get_availability(query: dict[str, Any], network_id: str) -> Response:
    """On hand, reserved, protected and available to promise of one item, per location and available date."""
    today, now = current_ports().clock.today(), datetime.now(UTC)
    pools = current_networks().read(
        network_id, lambda state: availability_of(state, query["item"], query["location"], today, now)
    )
    return _json({"network_id": network_id, "as_of": today, "pools": [asdict(pool) for pool in pools]})
