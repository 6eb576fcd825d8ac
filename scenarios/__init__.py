"""Synthetic distributor networks and named example orders.

- `generator`: `generate(seed, lines, locations, ...)` and the benchmark `PRESETS` (`preset("small", seed)`);
  `geography` and `catalogue` hold its two halves.
- `whatifs`: supplier slip, demand spike, warehouse closed, regional shortage.
- `examples`: the named datasets committed under `data/` (`load_request(name)`, `load(name)`), rewritten by
  `python -m scenarios.make_datasets`.
- `batch`: a planner's what-if batch (`python -m scenarios.batch`), decided by the order-level service as the
  API decides; `bench`: `make bench`.

Requests are written and read by the codec (`decision_service.codec`), the same as the API's.
"""
