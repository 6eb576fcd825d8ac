"""`input_hash`: one digest per order request, covering everything that can change the decision.

sha256 over a canonical JSON array (orjson: compact, UTF-8) of the request as decided, every default made
explicit: `as_of` (resolved), the order with its channel and each line with its reference prices, the whole
network with each customer's credit terms, and the policy's tiers (a ranking: kept in order), horizon and
`work_limit`. Money is rounded to 4 places, dates are ISO, every other list is sorted, so key order,
whitespace and list order do not change it.

Left out, because they cannot change which decision is made: `policy.time_limit_ms` (a wall-clock budget: a
decision proven optimal is the same under any limit, and one that ran out says so in `solver.degraded_reason`)
and anything about presentation. The rule versions are not input: they are recorded beside the hash in
`rules_versions`, and the decision is a function of (input_hash, rules_versions, versions).
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from decision_service.orders.request import CustomerCredit, LinePrices, OrderRequest
from optimizers.problem import AllocationProblem

FORMAT = "order-request/v2"


def _money(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _problem(p: AllocationProblem) -> list[Any]:
    o = p.order
    return [
        p.as_of.isoformat(),
        [o.id, o.customer, o.entity, o.ship_to_region, o.requested_date.isoformat()],
        sorted(
            (ln.line, ln.item, ln.qty, _money(ln.unit_price), ln.allow_substitution, ln.ship_complete) for ln in o.lines
        ),  # fmt: skip
        sorted((loc.id, loc.entity) for loc in p.locations),
        sorted((i.id, _money(i.unit_cost), sorted((s.item, s.rank) for s in i.substitutes)) for i in p.items),
        sorted((s.item, s.location, s.qty, s.status) for s in p.stock),
        sorted((r.item, r.location, r.qty, r.eta.isoformat()) for r in p.inbound),
        sorted((s.location, s.region, _money(s.unit_cost), s.transit_days) for s in p.shipping),
        sorted(
            ((ln.from_location, ln.to_location, _money(ln.unit_cost), ln.lead_days, ln.capacity) for ln in p.lanes),
            key=repr,
        ),  # fmt: skip
        sorted(((c.id, c.tier, c.allow_substitution, c.max_shipments) for c in p.customers), key=repr),
        sorted((pr.item, pr.location, pr.qty, pr.min_tier) for pr in p.protections),
        [list(p.policy.tiers), p.policy.horizon_days, p.policy.work_limit],
    ]


def _credit(c: CustomerCredit) -> list[Any]:
    return [c.customer, _money(c.credit_limit), _money(c.open_balance), c.days_overdue, _money(c.risk_score),
            c.contractual_penalty]  # fmt: skip


def _prices(p: LinePrices) -> list[Any]:
    return [p.line, _money(p.list_price), _money(p.contract_price)]


def canonical_request(request: OrderRequest) -> list[Any]:
    """The request as nested JSON arrays in a fixed order, every default explicit."""
    problem, terms = request.problem, request.terms
    prices = terms.prices_by_line()
    return [
        FORMAT,
        _problem(problem),
        terms.channel,
        sorted(_credit(terms.credit_of(c.id)) for c in problem.customers),
        sorted(_prices(prices.get(ln.line) or LinePrices(ln.line)) for ln in problem.order.lines),
    ]


def request_hash(request: OrderRequest) -> str:
    """'sha256:' + hex digest of the canonical request."""
    return "sha256:" + hashlib.sha256(orjson.dumps(canonical_request(request))).hexdigest()
