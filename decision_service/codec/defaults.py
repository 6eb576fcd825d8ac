"""The request defaults that come from the serving side, not from the spec: today's date and the time limit.

The schemas read them when a request leaves `as_of` or `policy.time_limit_ms` out. Whoever reads a request
(the web app per request, the CLI, a batch) sets them with `request_defaults(...)`; outside that, today is the
UTC date and the time limit the core's default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from decision_service.orders.ports import SystemClock
from optimizers.problem import Policy


@dataclass(frozen=True, slots=True)
class RequestDefaults:
    """Where `as_of` comes from, and the time limit of a request that sets none."""

    today: Callable[[], date] = SystemClock().today
    time_limit_ms: int = Policy().time_limit_ms


_CURRENT: ContextVar[RequestDefaults | None] = ContextVar("request_defaults", default=None)
_FALLBACK = RequestDefaults()


def current_defaults() -> RequestDefaults:
    """The defaults in force for the request being read."""
    return _CURRENT.get() or _FALLBACK


def use_defaults(defaults: RequestDefaults) -> None:
    """Make `defaults` those of every request read from now on in this context (a web request's thread)."""
    _CURRENT.set(defaults)


@contextmanager
def request_defaults(defaults: RequestDefaults) -> Iterator[None]:
    """`defaults` for the requests read inside the block."""
    token = _CURRENT.set(defaults)
    try:
        yield
    finally:
        _CURRENT.reset(token)
