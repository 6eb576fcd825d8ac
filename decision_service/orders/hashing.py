"""`input_hash`: one digest per order request, covering everything that can change the decision.

sha256 over a canonical JSON array (orjson: compact, UTF-8) of the request as decided, every default made
explicit: the problem's canonical form (`optimizers.hashing.canonical`: `as_of` resolved, the order, the whole
network, the policy's tiers in order, horizon and `work_limit`), then the channel, each customer's credit terms
and each line's reference prices. Money is rounded to 4 places, dates are ISO, every other list is sorted, so key order,
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
from optimizers.hashing import canonical

FORMAT = "order-request/v2"


def _money(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


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
        canonical(problem),
        terms.channel,
        sorted(_credit(terms.credit_of(c.id)) for c in problem.customers),
        sorted(_prices(prices.get(ln.line) or LinePrices(ln.line)) for ln in problem.order.lines),
    ]


def request_hash(request: OrderRequest) -> str:
    """'sha256:' + hex digest of the canonical request."""
    return "sha256:" + hashlib.sha256(orjson.dumps(canonical_request(request))).hexdigest()
