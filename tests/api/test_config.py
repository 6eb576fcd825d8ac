"""Configuration is read once, by the factory, from the environment over the defaults."""

from __future__ import annotations

import json
import time

import pytest

from decision_service.web import Config, create_app
from decision_service.web.config import MIB
from tests.api.fakes import MEMORY_ENV, RecordingDecide, keyed_client, memory_config
from tests.api.test_http_errors import URL, assert_problem


def test_defaults() -> None:
    config = Config.from_env({})
    assert (config.MAX_CONTENT_LENGTH, config.DEFAULT_TIME_LIMIT_MS, config.EXPLAIN) == (2 * MIB, 1000, True)


def test_environment_overrides() -> None:
    env = {"DECISION_SERVICE_MAX_CONTENT_LENGTH": "4096", "DECISION_SERVICE_EXPLAIN": "false"}
    config = Config.from_env(env)
    assert (config.MAX_CONTENT_LENGTH, config.EXPLAIN) == (4096, False)


def test_factory_reads_the_environment_when_given_no_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DECISION_SERVICE_MAX_CONTENT_LENGTH", "64")
    monkeypatch.setenv("DECISION_SERVICE_DATABASE_URL", "memory://")
    app = create_app(decide=RecordingDecide())
    assert app.config["MAX_CONTENT_LENGTH"] == 64
    response = keyed_client(app).post(URL, data=json.dumps({"pad": "x" * 100}), content_type="application/json")
    assert_problem(response, 413, "payload-too-large")


def test_explain_setting_reaches_the_core() -> None:
    fake = RecordingDecide()
    app = create_app(memory_config(EXPLAIN=False), decide=fake)
    body = json.loads(keyed_client(app).get("/openapi.json").data)["paths"][URL]["post"]["requestBody"]
    keyed_client(app).post(URL, json=body["content"]["application/json"]["example"])
    assert fake.explain == [False]


def test_the_service_admits_once_and_the_moment_of_receipt_reaches_the_core() -> None:
    fake = RecordingDecide()
    app = create_app(Config.from_env({"DECISION_SERVICE_MAX_CANDIDATES_PER_SECOND": "1234", **MEMORY_ENV}), decide=fake)
    body = json.loads(keyed_client(app).get("/openapi.json").data)["paths"][URL]["post"]["requestBody"]
    before = time.perf_counter()
    keyed_client(app).post(URL, json=body["content"]["application/json"]["example"])
    assert fake.max_candidates == [None]  # the service admits the order itself (1234 admits the example) once
    started = fake.started[0]
    assert started is not None and before <= started <= time.perf_counter()
