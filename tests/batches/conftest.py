"""A small batch over a generated book (60 lines), run once for the whole session: every modifier kind the
engine has to see, one scenario that fails, and a sweep whose 0% step is the baseline again."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios.batches import BatchResult, load_batch, run_batch, write_results

SMALL = """\
batch: test batch
base:
  generator: {seed: 3, lines: 60, items: 12, locations: 4}
settings: {time_limit_ms: 30000, top_changes: 5}
scenarios:
  - name: supplier slip
    modifiers:
      - {type: delay, days: 14}
  - name: WH-01 out
    modifiers:
      - {type: location_out, location: WH-01, from: 2026-11-20, to: 2026-11-30}
  - name: dearer and protected
    modifiers:
      - {type: cost, percent: 10}
      - {type: price, percent: -30, tiers: [standard]}
      - {type: policy, fair_share: false, add_protections: [{item: SKU-00001, location: WH-00, qty: 5,
                                                             min_tier: strategic}]}
  - name: unknown customer
    modifiers:
      - type: new_orders
        orders:
          - {id: SO-NEW, customer: C-NOPE, entity: US01, ship_to_region: R-0, requested_date: 2026-11-25,
             lines: [{line: 1, item: SKU-00001, qty: 5, unit_price: 10}]}
sweep:
  name: demand R-0
  modifier: {type: demand, regions: [R-0], percent: 0}
  parameter: percent
  values: [0, 25]
"""


@pytest.fixture(scope="session")
def small_text() -> str:
    return SMALL


@pytest.fixture(scope="session")
def small_result() -> BatchResult:
    return run_batch(load_batch(SMALL))


@pytest.fixture(scope="session")
def small_out(small_result: BatchResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("batch")
    write_results(small_result, out)
    return out
