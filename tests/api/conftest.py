"""Web fixtures: an app wired to a fixed clock and a recording fake core, and the spec's example request."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from decision_service import Config, create_app
from decision_service.ports import FixedClock
from tests.api.fakes import TODAY, RecordingDecide, ValidatingDecide

_EXAMPLE = json.loads(resources.files("decision_service").joinpath("examples/spec_example.json").read_text())


@pytest.fixture
def fake_decide() -> RecordingDecide:
    return RecordingDecide()


@pytest.fixture
def app(fake_decide: RecordingDecide) -> Iterator[Flask]:
    yield create_app(Config(), clock=FixedClock(TODAY), decide=fake_decide)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def spec_request() -> dict[str, Any]:
    """A fresh, mutable copy of the spec's example request."""
    return copy.deepcopy(_EXAMPLE)


@pytest.fixture(scope="module")
def engine_client() -> FlaskClient:
    """A client of an app running the real engine (skips when it is not there), validating every decision."""
    pytest.importorskip("optimizers.engine")
    pytest.importorskip("optimizers.proof.validation")
    return create_app(Config(), clock=FixedClock(TODAY), decide=ValidatingDecide()).test_client()
