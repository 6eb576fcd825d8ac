"""The canonical form of an allocation problem, and the core's digest of it.

The canonical form is a JSON array: the problem after defaults are applied, money rounded to 4 decimals, dates
ISO, every list sorted (except `policy.tiers`, whose order is a ranking). It leaves out `policy.time_limit_ms`,
a wall-clock budget that a proven decision does not depend on, and keeps `policy.work_limit`, which decides
deterministically where a search stops. The order-level service extends it with the commercial terms for the
request's `input_hash` (`decision_service/orders/hashing.py`); `problem_hash` is the digest the core's own
`decide` reports, of the problem it solved.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from optimizers.problem import AllocationProblem


def canonical(p: AllocationProblem) -> list[Any]:
    """The problem as nested JSON arrays in a fixed order; field order follows `optimizers.problem`."""
    o = p.order
    return [
        "allocation/v2",  # v2: the work limit instead of the wall-clock limit
        p.as_of.isoformat(),
        [o.id, o.customer, o.entity, o.ship_to_region, o.requested_date.isoformat()],
        sorted(
            (ln.line, ln.item, ln.qty, round(ln.unit_price, 4), ln.allow_substitution, ln.ship_complete)
            for ln in o.lines
        ),
        sorted((loc.id, loc.entity) for loc in p.locations),
        sorted((i.id, round(i.unit_cost, 4), sorted((s.item, s.rank) for s in i.substitutes)) for i in p.items),
        sorted((s.item, s.location, s.qty, s.status) for s in p.stock),
        sorted((r.item, r.location, r.qty, r.eta.isoformat()) for r in p.inbound),
        sorted((s.location, s.region, round(s.unit_cost, 4), s.transit_days) for s in p.shipping),
        sorted(
            ((ln.from_location, ln.to_location, round(ln.unit_cost, 4), ln.lead_days, ln.capacity) for ln in p.lanes),
            key=repr,
        ),
        sorted(((c.id, c.tier, c.allow_substitution, c.max_shipments) for c in p.customers), key=repr),
        sorted((pr.item, pr.location, pr.qty, pr.min_tier) for pr in p.protections),
        [list(p.policy.tiers), p.policy.horizon_days, p.policy.work_limit],
    ]


def problem_hash(problem: AllocationProblem) -> str:
    """'sha256:' + hex digest of the canonical JSON (orjson: compact, UTF-8)."""
    return "sha256:" + hashlib.sha256(orjson.dumps(canonical(problem))).hexdigest()
