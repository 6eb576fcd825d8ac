"""The allocation request as a whole: `as_of`, order, network, policy, loaded into an `OrderRequest` (the
`AllocationProblem` and the commercial `OrderTerms` the rules read)."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from decision_service.codec.defaults import current_defaults
from decision_service.codec.fast_request import fast_request
from decision_service.codec.schemas.fields import MAX_DAYS, IsoDate, rows, text
from decision_service.codec.schemas.network import NetworkSchema
from decision_service.codec.schemas.order import OrderSchema
from decision_service.codec.schemas.records import load_valid
from decision_service.codec.schemas.references import reference_errors
from decision_service.orders.request import DEFAULT_EXPLAIN, ExplainDetail, OrderRequest, OrderTerms
from optimizers.problem import DEFAULT_TIERS, AllocationProblem, Policy

MAX_TIME_LIMIT_MS = 60_000
MAX_WORK_LIMIT = 10**9


def service_today() -> date:
    """Today by the serving side's clock (`codec.defaults`)."""
    return current_defaults().today()


def default_time_limit_ms() -> int:
    """The serving side's default time limit (the configured `DEFAULT_TIME_LIMIT_MS` in the app)."""
    return current_defaults().time_limit_ms


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
            "description": "Wall-clock limit on the decision. Default: the configured DEFAULT_TIME_LIMIT_MS.",
        },
    )
    work_limit = fields.Integer(
        strict=True,
        load_default=None,
        allow_none=True,
        validate=validate.Range(1, MAX_WORK_LIMIT),
        metadata={
            "description": "Deterministic limit on the solve, in work units (LP and flow solves, branch-and-bound "
            "nodes, ship-from sets, MIP nodes). A decision cut short by it, not by the time limit, is reproduced "
            "exactly by the same input on any machine. Default: none."
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
    network = fields.Nested(
        NetworkSchema,
        required=True,  # the service puts the stored slice here before the schema reads a `network_ref` body
        metadata={"description": "The network inline; leave it out when `network_ref` names a stored one."},
    )
    network_ref = text(
        load_default=None,
        metadata={
            "description": "A stored network (`PUT /v1/networks/{id}`) instead of `network`: the order is decided "
            "against the slice its items need, with reserved units gone (docs/network-state.md)."
        },
    )
    mode = fields.String(
        load_default="quote",
        validate=validate.OneOf(["quote", "reserve"]),
        metadata={"description": "`quote` reserves nothing; `reserve` (with `network_ref`) reserves the fills."},
    )
    policy = fields.Nested(PolicySchema, load_default=default_policy)
    explain = fields.Enum(
        ExplainDetail,
        by_value=True,
        load_default=DEFAULT_EXPLAIN,
        metadata={
            "description": "How much of each line's explanation the answer shows: `full` (every candidate supply "
            "with its reason), `summary` (the used candidates, the others counted by reason; every backorder "
            "explained in full) or `none`. In `summary` and `none` each pricing decision and exception names only its "
            "rule table and row. Presentation only: the decision and its input_hash are the same, and its record "
            "keeps it explained in full."
        },
    )

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
        if data.pop("network_ref") is not None or data.pop("mode") != "quote":
            raise ValidationError({"network_ref": ["A stored network is read by the service's HTTP API only."]})
        order, channel, prices = data["order"]
        network = dict(data["network"])
        customers = network.pop("customers")
        network["customers"] = tuple(customer for customer, _ in customers)
        problem = AllocationProblem(as_of=data["as_of"], order=order, policy=data["policy"], **network)
        terms = OrderTerms.of(channel, tuple(c for _, c in customers), prices)
        return _checked(OrderRequest(problem, terms, data["explain"]))


def _checked(request: OrderRequest) -> OrderRequest:
    errors = reference_errors(request.problem)
    if errors:
        raise ValidationError(errors)
    return request


def load_request(payload: Any) -> OrderRequest:
    """Validate a decoded JSON request into an `OrderRequest` (fast path first), or raise `InvalidRequest`."""
    request: OrderRequest = load_valid(REQUEST_SCHEMA, payload)
    return request


REQUEST_SCHEMA = AllocationRequestSchema()  # stateless: one instance serves every load
