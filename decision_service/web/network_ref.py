"""`network_ref` on `POST /v1/allocations`: the stored network's slice the order needs, read before the request is
validated, so the order is decided exactly as if that slice had been sent inline (and is recorded that way)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson
from flask import Request, g

from decision_service.codec.errors import FieldError, InvalidRequest
from decision_service.codec.schemas.fields import MAX_TEXT
from decision_service.network.slicing import network_slice
from decision_service.web.parsing import FloatJsonParser, read_json_body
from decision_service.web.resources.networks import current_networks

MODES = ("quote", "reserve")


def _ordered(order: Any) -> tuple[list[str], str]:
    """The items and customer the order names, read leniently: the schema reports what is wrong with them."""
    order = order if isinstance(order, dict) else {}
    lines = order.get("lines") if isinstance(order.get("lines"), list) else []
    items = [line["item"] for line in lines if isinstance(line, dict) and isinstance(line.get("item"), str)]
    customer = order.get("customer")
    return items, customer if isinstance(customer, str) else ""


def _checked(body: dict[str, Any]) -> tuple[str | None, str]:
    mode = body.pop("mode", "quote")
    if mode not in MODES:
        raise InvalidRequest([FieldError("mode", f"Must be one of: {', '.join(MODES)}.")])
    ref = body.pop("network_ref", None)
    if ref is None and mode == "reserve":
        raise InvalidRequest([FieldError("network_ref", "A reservation needs a stored network: send network_ref.")])
    if ref is not None and (not isinstance(ref, str) or not 1 <= len(ref) <= MAX_TEXT):
        raise InvalidRequest([FieldError("network_ref", f"Must be a network id of 1 to {MAX_TEXT} characters.")])
    if ref is not None and "network" in body:
        raise InvalidRequest([FieldError("network_ref", "Send either network or network_ref, not both.")])
    return ref, mode


def resolve(body: Any) -> Any:
    """`body` with its `network_ref` replaced by the stored slice its order needs (`g.network_ref`, `g.mode`,
    `g.slice` and `g.resolved_request` keep what was read); any other body unchanged."""
    g.mode, g.network_ref = "quote", None
    if not isinstance(body, dict) or not {"network_ref", "mode"} & set(body):
        return body
    ref, g.mode = _checked(body)
    if ref is None:
        return body
    items, customer = _ordered(body.get("order"))
    now = datetime.now(UTC)
    network = current_networks().read(ref, lambda state: network_slice(state, items, customer, now))
    g.network_ref, g.slice = ref, network
    resolved = {**body, "network": network}
    g.resolved_request = orjson.dumps(resolved, default=_number)
    return resolved


def _number(value: Any) -> float:
    """A Decimal the strict reader kept exact, as a JSON number: a valid request's have at most four places, which
    a float writes back exactly (an invalid one is refused by the schema before the bytes are used)."""
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


class NetworkRefParser(FloatJsonParser):
    """`FloatJsonParser` that resolves a `network_ref` before the request schema reads the body."""

    def load_json(self, req: Request, schema: Any) -> Any:
        """The strictly parsed body, its network reference resolved."""
        return resolve(read_json_body(req, floats=True))
