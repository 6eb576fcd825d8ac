"""marshmallow schemas: the request (validated into `optimizers.problem` dataclasses and the
`OrderTerms` beside them) and, for the
OpenAPI document only, the response and problem documents."""

from decision_service.schemas.request import AllocationRequestSchema, load_problem, load_request

__all__ = ["AllocationRequestSchema", "load_problem", "load_request"]
