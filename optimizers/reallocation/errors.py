"""The run's input errors: no HTTP here; the web layer maps `InvalidRun` to a 422 naming `field`."""

from __future__ import annotations


class InvalidRun(Exception):
    """The run's input is not valid; `field` is the path of the offending field, e.g. `orders[3].lines[0].qty`."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail
