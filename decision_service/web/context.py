"""Where the app keeps the ports it was built with, and how a view finds them."""

from __future__ import annotations

from flask import current_app

from decision_service.orders.ports import Ports

EXTENSION_KEY = "decision_service"


def current_ports() -> Ports:
    """The ports of the app serving the current request."""
    ports: Ports = current_app.extensions[EXTENSION_KEY]
    return ports
