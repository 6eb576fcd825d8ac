"""The allocation request as a whole: `as_of`, order, network, policy, loaded into an `OrderRequest` (the
`AllocationProblem` and the commercial `OrderTerms` the rules read)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app, has_app_context
from marshmallow import Schema, ValidationError, fields, post_load, validate

from decision_service.errors import RequestValidationError, flatten_messages
from decision_service.order_policy.terms import OrderRequest, OrderTerms
from decision_service.ports import EXTENSION_KEY, SystemClock
from decision_service.schemas.fast import fast_request
from decision_service.schemas.fields import MAX_DAYS, IsoDate, rows, text
from decision_service.schemas.network import NetworkSchema
from decision_service.schemas.order import OrderSchema
from decision_service.schemas.references import reference_errors
from optimizers.problem import DEFAULT_TIERS, AllocationProblem, Policy

MAX_TIME_LIMIT_MS = 60_000


def service_today() -> date:
    """Today by the app's clock port inside a request; by the UTC system clock outside one."""
    if has_app_context() and EXTENSION_KEY in current_app.extensions:
        return current_app.extensions[EXTENSION_KEY].clock.today()
    return SystemClock().today()


def default_time_limit_ms() -> int:
    """The configured `DEFAULT_TIME_LIMIT_MS` inside an app, the core's default outside one."""
    if has_app_context():
        return int(current_app.config.get("DEFAULT_TIME_LIMIT_MS", Policy().time_limit_ms))
    return Policy().time_limit_ms


class PolicySchema(Schema):
    """How the service decides: customer tiers best first, supply horizon and solver time limit."""

    tiers = rows(
        text(),
        32,
        min_len=1,
        load_default=lambda: list(DEFAULT_TIERS),
        metadata={"default": list(DEFAULT_TIERS)},
    )
    horizon_days = fields.Integer(strict=True, load_default=30, validate=validate.Range(0, MAX_DAYS))
    time_limit_ms = fields.Integer(
        strict=True,
        load_default=default_time_limit_ms,
        validate=validate.Range(1, MAX_TIME_LIMIT_MS),
        metadata={
            "default": Policy().time_limit_ms,
            "description": "Default: the configured DEFAULT_TIME_LIMIT_MS.",
        },
    )

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> Policy:
        """The validated policy."""
        return Policy(**{**data, "tiers": tuple(data["tiers"])})


def default_policy() -> Policy:
    """The policy of a request that sends none."""
    return Policy(time_limit_ms=default_time_limit_ms())


class AllocationRequestSchema(Schema):
    """`POST /v1/allocations`: one order and the network that may serve it (see spec/allocation.md)."""

    as_of = IsoDate(load_default=service_today, metadata={"description": "Default: today (service clock, UTC)."})
    order = fields.Nested(OrderSchema, required=True)
    network = fields.Nested(NetworkSchema, required=True)
    policy = fields.Nested(PolicySchema, load_default=default_policy)

    fast_path = True  # try `fast_request` first; the fields run only when it is unsure

    def load(self, data: Any, *, many: bool | None = None, partial: Any = None, unknown: Any = None) -> Any:
        """The validated `OrderRequest` (fast path first), or a `ValidationError` naming each field."""
        if self.fast_path and not many and not partial and unknown is None:
            request = fast_request(data, service_today, default_time_limit_ms)
            if request is not None:
                return _checked(request)
        return super().load(data, many=many, partial=partial, unknown=unknown)

    @post_load
    def make(self, data: dict[str, Any], **kwargs: Any) -> OrderRequest:
        """The validated problem and terms, once every cross-reference resolves."""
        order, channel, prices = data["order"]
        network = dict(data["network"])
        customers = network.pop("customers")
        network["customers"] = tuple(customer for customer, _ in customers)
        problem = AllocationProblem(as_of=data["as_of"], order=order, policy=data["policy"], **network)
        return _checked(OrderRequest(problem, OrderTerms.of(channel, tuple(c for _, c in customers), prices)))


def _checked(request: OrderRequest) -> OrderRequest:
    errors = reference_errors(request.problem)
    if errors:
        raise ValidationError(errors)
    return request


def load_request(payload: Any) -> OrderRequest:
    """Validate a decoded JSON request into an `OrderRequest`, or raise `RequestValidationError`."""
    try:
        request: OrderRequest = AllocationRequestSchema().load(payload)
    except ValidationError as exc:
        raise RequestValidationError(flatten_messages(exc.messages)) from None
    return request


def load_problem(payload: Any) -> AllocationProblem:
    """Validate a decoded JSON request into its `AllocationProblem` (the terms dropped)."""
    return load_request(payload).problem
