"""The order-level rules on every order of a run, as a single decision applies them: the pricing table rejects
lines (allocated nothing, reported with the rule), the credit table holds orders (reported; a hold does not
change a run's allocation). Each order is evaluated on a view of its own: its lines' items and the shipping
rates to its region, so a run of many orders costs one table evaluation per line, not a scan of the network.
Evaluations are remembered by table version, inputs and date (`Remembered`): a table's answer is a function of
those alone, and the runs of a scenario batch ask the same questions of most lines again."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any, cast

from decision_service.orders.credit import check_credit
from decision_service.orders.inputs import rule_tier
from decision_service.orders.pinned import PinnedRules
from decision_service.orders.pricing import price_lines
from decision_service.orders.request import OrderRequest, OrderTerms
from decision_service.runs.terms import RunTerms
from optimizers.problem import AllocationProblem, Customer, Order, OrderLine, Policy, ShippingRoute
from optimizers.reallocation import InvalidRun, ReallocationProblem
from optimizers.reallocation.problem import RunOrder
from rules.errors import InputError
from rules.evaluate import EvaluationResult
from rules.service import RulesService


def apply_rules(problem: ReallocationProblem, terms: RunTerms, rules: PinnedRules) -> ReallocationProblem:
    """`problem` with every rejected line marked (`rejection`) and every held order marked (`held`)."""
    net = problem.network
    items = {i.id: i for i in net.items}
    customers = {c.id: c for c in net.customers}
    shipping: dict[str, list[ShippingRoute]] = defaultdict(list)
    for route in net.shipping:
        shipping[route.region].append(route)
    service = Remembered(rules).as_service()
    orders = []
    for k, order in enumerate(problem.orders):
        view = _view(problem, order, items, customers.get(order.customer, Customer(order.customer)), shipping)
        order_terms = OrderTerms(terms.channels.get(order.id, OrderTerms().channel),
                                 (terms.credit.get(order.customer) or OrderTerms().credit_of(order.customer),),
                                 tuple(terms.prices.get(order.id, ())))  # fmt: skip
        tier = rule_tier(view.customer().tier)
        try:
            pricing = price_lines(service, view, order_terms, tier, problem.as_of)
            rejected = {p.line: f"pricing rule {p.decision.rule_id}: {p.decision.reason}"
                        for p in pricing if p.rejected}  # fmt: skip
            kept = view if not rejected else replace(view, order=replace(view.order, lines=tuple(
                ln for ln in view.order.lines if ln.line not in rejected)))  # fmt: skip
            held = check_credit(service, OrderRequest(view, order_terms), tier, kept).held
        except InputError as exc:
            raise InvalidRun(_path(k, exc.field), exc.message) from None
        if rejected or any(ln.rejection is not None for ln in order.lines):
            order = replace(order, lines=tuple(ln._replace(rejection=rejected.get(ln.line)) for ln in order.lines))
        orders.append(order if order.held == held else replace(order, held=held))
    return replace(problem, orders=tuple(orders))


class Remembered:
    """The pinned tables, each evaluation remembered by (table version, inputs, date): what the pricing and
    credit helpers call (`evaluate`). The memory is shared by every run of this process, since an answer depends
    on nothing else, and is emptied when it holds `LIMIT` answers. (A plain 20,000-line scenario batch asks some
    24,000 questions a run, nearly all of them the baseline's.) Answers are shared: callers only read them."""

    LIMIT = 200_000
    _memory: dict[tuple[Any, ...], EvaluationResult] = {}

    def __init__(self, rules: PinnedRules) -> None:
        self.rules = rules

    def evaluate(self, key: str, inputs: Mapping[str, Any], as_of: date | None = None) -> EvaluationResult:
        """The pinned version of `key` on these inputs, evaluated once."""
        day = as_of or self.rules.day
        memo = (self.rules.versions[key].version, day, *sorted(inputs.items()))
        found = self._memory.get(memo)
        if found is None:
            found = self.rules.evaluate(key, inputs, day)
            if len(self._memory) >= self.LIMIT:
                self._memory.clear()
            self._memory[memo] = found
        return found

    def as_service(self) -> RulesService:
        """Typed as the service the policy helpers take; they only call `evaluate`."""
        return cast(RulesService, self)


def _view(problem: ReallocationProblem, order: RunOrder, items: dict[str, Any], customer: Customer,
          shipping: dict[str, list[ShippingRoute]]) -> AllocationProblem:  # fmt: skip
    lines = tuple(OrderLine(ln.line, ln.item, ln.qty, ln.unit_price, ln.allow_substitution, ln.ship_complete)
                  for ln in order.lines)  # fmt: skip
    needed = tuple(items[i] for i in dict.fromkeys(ln.item for ln in order.lines) if i in items)
    head = Order(order.id, order.customer, order.entity, order.ship_to_region, order.requested_date, lines)
    policy = Policy(tiers=problem.policy.tiers, horizon_days=problem.policy.horizon_days)
    return AllocationProblem(problem.as_of, head, (), needed, shipping=tuple(shipping[order.ship_to_region]),
                             customers=(customer,), policy=policy)  # fmt: skip


def _path(k: int, field: str) -> str:
    return f"orders[{k}].{field.removeprefix('order.')}"
