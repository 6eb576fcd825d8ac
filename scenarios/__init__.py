"""Synthetic distributor networks and named example orders.

- `generator`: `generate(seed, lines, locations, ...)` and the benchmark `PRESETS` (`preset("small", seed)`);
  `geography` and `catalogue` hold its two halves.
- `requests`: `problem_body` / `request_to_problem`, the spec's JSON request body.
- `whatifs`: supplier slip, demand spike, warehouse closed, regional shortage.
- `examples`: the named datasets committed under `data/` (`load_request(name)`, `load(name)`), rewritten by
  `python -m scenarios.make_datasets`.
- `batch`: a planner's what-if batch (`python -m scenarios.batch`); `bench`: `make bench`.
"""
