# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The scenario report's test opens it in a real headless browser: Debian's chromium, installed where missing.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
HOST ?= 127.0.0.1
PORT ?= 8080
WORKERS ?= 2

.PHONY: install run test test-fast bench lint typecheck loadtest loadtest-reserve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq --no-install-recommends chromium

install: $(STAMP) $(CHROMIUM)

run: $(STAMP)
	$(BIN)/decision-service example --host $(HOST) --port $(PORT)
	$(BIN)/decision-service serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

test: $(STAMP) $(CHROMIUM)
	$(BIN)/ruff check .
	$(BIN)/mypy decision_service optimizers rules scenarios
	$(BIN)/python -m pytest -q

test-fast: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest -q -m "not slow"

bench: $(STAMP)
	$(BIN)/python -m scenarios.bench --out bench-results.json

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy decision_service optimizers rules scenarios

loadtest: $(STAMP)
	$(BIN)/locust -f loadtests/locustfile.py --headless -u 20 -r 10 -t 30s --host http://$(HOST):$(PORT)

loadtest-reserve: $(STAMP)
	$(BIN)/locust -f loadtests/reservations.py --headless -u 20 -r 10 -t 30s --host http://$(HOST):$(PORT)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
